"""The probe against moto's server (the dev dependency's version), started on a free loopback port.

moto's outcomes are pinned probe by probe: a moto upgrade that changes one (a fix, a regression)
fails here, and the pins and the shipped example report (examples/moto-probe.*, written by
tools/record_moto_probe.py) are updated together.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("moto")
pytest.importorskip("joserfc")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from record_moto_probe import moto_key_path, moto_server, probe_moto  # noqa: E402

from cognito_spec.probe import ProbeReport  # noqa: E402

ENVELOPE = "envelope/envelope"  # moto answers with a Flask HTML 500 page: no JSON, code or request id
# probe id -> (outcome, the checks that failed), on moto 5.2.1 with moto's own signing key.
MOTO_5_2_1: dict[str, tuple[str, set[str]]] = {
    # SchemaAttributes lists phone_number_verified (21 characters, over the model's 20): the open
    # question the README records.
    "setup/CreateUserPool": ("fail", {"operations/findings"}),
    "setup/CreateUserPoolClient": ("pass", set()),
    "setup/AdminCreateUser": ("pass", set()),
    "setup/AdminSetUserPassword": ("pass", set()),
    "setup/InitiateAuth": ("fail", {"tokens/findings"}),  # the refresh token is a UUID, not a JWE
    "AdminGetUser/success": ("pass", set()),
    "AdminGetUser/unknown-user": ("pass", set()),
    "AdminGetUser/unknown-pool": ("pass", set()),
    "InitiateAuth/wrong-password": ("pass", set()),
    "GetUser/success": ("pass", set()),
    "GetUserAuthFactors/success": (
        "fail",
        {ENVELOPE, "operations/answer", "operations/findings"},
    ),  # not in moto
    # moto validates nothing: every invalid request is looked up as it is.
    "AdminGetUser/missing-member": ("fail", {"validation/answer", "validation/findings"}),
    "AdminGetUser/empty-member": ("fail", {"validation/answer", "validation/findings"}),
    "AdminGetUser/oversized-member": ("fail", {"validation/answer", "validation/findings"}),
    "AdminGetUser/pattern-member": ("fail", {"validation/answer", "validation/findings"}),
    "AdminGetUser/two-errors": ("fail", {"validation/answer", "validation/findings"}),
    "AdminGetUser/wrong-type": ("fail", {"validation/answer", "validation/findings"}),
    "AdminGetUser/object-for-string": ("fail", {ENVELOPE, "validation/answer", "validation/findings"}),
    "AdminGetUser/unknown-member": ("pass", set()),
    "AdminGetUser/empty-body": ("fail", {"validation/answer", "validation/findings"}),
    "AdminGetUser/array-body": ("fail", {ENVELOPE, "validation/answer", "validation/findings"}),
    "AdminGetUser/malformed-json": ("fail", {"validation/answer", "validation/findings"}),
    "GetUser/missing-token": ("fail", {"validation/answer", "validation/findings"}),
    "GetUser/empty-token": ("fail", {"validation/answer", "validation/findings"}),
    "GetUserAuthFactors/pattern-token": ("fail", {ENVELOPE, "validation/answer", "validation/findings"}),
    "CreateUserPoolClient/short-lifetime": ("fail", {"validation/answer"}),  # a 1-second lifetime taken
    "envelope/json-content-type": ("fail", {"envelope/answer", ENVELOPE}),
    "envelope/no-content-type": ("fail", {"envelope/answer", ENVELOPE}),
    "envelope/unknown-target": ("fail", {"envelope/answer", ENVELOPE}),
    "envelope/foreign-target": ("fail", {"envelope/answer", ENVELOPE}),
    "envelope/no-target": ("fail", {"envelope/answer", ENVELOPE}),
    "envelope/unsigned": ("fail", {"envelope/answer"}),  # moto checks no signature
    "envelope/incomplete-signature": ("fail", {"envelope/answer"}),
    # "Invalid token" for every bad token, where the service says which of four things is wrong.
    "tokens/garbage": ("fail", {"tokens/answer"}),
    "tokens/bad-signature": ("fail", {"tokens/answer"}),
    "tokens/id-token": ("fail", {"tokens/answer"}),
    "tokens/id-token-factors": ("fail", {ENVELOPE, "tokens/answer", "tokens/findings"}),
    "tokens/no-admin-scope": ("fail", {"tokens/answer"}),
    "tokens/expired": ("fail", {"tokens/answer"}),
    "tokens/second-sign-in": ("fail", {"tokens/findings"}),
    "tokens/RevokeToken": ("fail", {ENVELOPE, "tokens/answer", "tokens/findings"}),  # not in moto
    "tokens/revoked-by-RevokeToken": ("skip", set()),
    "tokens/GlobalSignOut": ("pass", set()),
    "tokens/revoked-by-GlobalSignOut": ("fail", {"tokens/answer"}),
    "cleanup/AdminDeleteUser": ("pass", set()),
    "cleanup/DeleteUserPoolClient": ("pass", set()),
    "cleanup/DeleteUserPoolClient-2": ("pass", set()),
    "cleanup/DeleteUserPool": ("pass", set()),
}

# The server's findings over the whole run, by severity and kind, with how many (same moto).
MOTO_5_2_1_FINDINGS: dict[tuple[str, str], int] = {
    ("error", "content_type"): 10,  # the ten HTML 500 pages: text/html,
    ("error", "error_code"): 10,  # no error code,
    ("error", "malformed_json"): 10,  # not JSON,
    ("error", "request_id"): 10,  # no request id
    ("error", "issued_token"): 2,  # two sign-ins, two UUID refresh tokens
    ("error", "length_max"): 1,  # phone_number_verified in SchemaAttributes
    ("error", "rejection_expected"): 18,  # a broken request answered as if it were not broken
    ("warning", "error_message_header"): 19,  # no x-amzn-ErrorMessage on the JSON errors
    ("warning", "error_type_format"): 19,  # x-amzn-ErrorType without its trailing colon
    ("warning", "json_content_type"): 19,  # errors labelled application/json
    ("warning", "request_id_format"): 37,  # request ids of 52 letters, not UUIDs
    ("warning", "token_message"): 6,  # "Invalid token"
}


def finding_counts(probes: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for p in probes:
        for f in p["findings"]:
            counts[(f["severity"], f["kind"])] = counts.get((f["severity"], f["kind"]), 0) + 1
    return counts


def outcomes(probes: list[dict[str, Any]]) -> dict[str, tuple[str, set[str]]]:
    return {
        p["id"]: (p["outcome"], {f"{c['area']}/{c['name']}" for c in p["checks"] if not c["ok"]})
        for p in probes
    }


@pytest.fixture(scope="module")
def report() -> ProbeReport:
    return probe_moto()


def test_moto_gives_exactly_the_pinned_outcomes_and_findings(report: ProbeReport) -> None:
    probes = report.to_json()["probes"]
    assert outcomes(probes) == MOTO_5_2_1
    assert finding_counts(probes) == MOTO_5_2_1_FINDINGS


def test_moto_is_probed_in_well_under_a_minute_and_cleaned_up(report: ProbeReport) -> None:
    assert report.seconds < 60
    assert report.left_behind == () and report.stopped == ""


def test_the_report_cites_a_source_for_every_answer_it_expects(report: ProbeReport) -> None:
    for r in report.results:
        if r.outcome != "skip":
            assert r.expected is not None and r.expected.source, r.id


def test_moto_key_lets_the_probe_re_sign_tokens(report: ProbeReport) -> None:
    assert moto_key_path().is_file()
    by_id = {r.id: r for r in report.results}
    assert by_id["tokens/no-admin-scope"].outcome != "skip" and by_id["tokens/expired"].outcome != "skip"


def test_the_shipped_example_report_has_the_pinned_outcomes() -> None:
    shipped = json.loads((ROOT / "examples" / "moto-probe.json").read_text(encoding="utf-8"))
    assert outcomes(shipped["probes"]) == MOTO_5_2_1
    assert finding_counts(shipped["probes"]) == MOTO_5_2_1_FINDINGS
    text = (ROOT / "examples" / "moto-probe.txt").read_text(encoding="utf-8")
    assert text.startswith("cognito-spec probe http://127.0.0.1:")


def test_the_shipped_har_is_redacted_and_validates_as_the_report_says() -> None:
    har = (ROOT / "examples" / "moto-probe.har").read_text(encoding="utf-8")
    shipped = json.loads((ROOT / "examples" / "moto-probe.json").read_text(encoding="utf-8"))
    assert "Pr0be!" not in har and "T3mp!" not in har  # the probe's passwords are masked
    assert len(json.loads(har)["log"]["entries"]) == shipped["exchanges"]


def test_the_command_against_moto_prints_the_report_with_its_scores() -> None:
    with moto_server() as url:
        proc = subprocess.run(
            [sys.executable, "-m", "cognito_spec", "probe", url, "--emulator-key", str(moto_key_path())],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1, proc.stderr  # moto fails probes
    assert proc.stdout.startswith(f"cognito-spec probe {url}/\n")
    assert "FAIL  tokens/garbage" in proc.stdout and "Scores (checks passed per area):" in proc.stdout
    assert proc.stderr == ""
