"""``cognito-spec validate``: output, exit codes, --jobs, redaction of reports (``redact``: test_cli_redact)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from cognito_spec import OPERATIONS
from cognito_spec.cli import main
from cognito_spec.cli import validate as _cli_validate
from cognito_spec.fixtures.generator import generate
from cognito_spec.traffic.capture import Exchange, write_har, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "moto-cognito.har"


def clean_exchanges(count: int = 20, seed: int = 3) -> list[Exchange]:
    out: list[Exchange] = []
    for op in sorted(OPERATIONS):
        out.extend(f.exchange for f in generate(op, "exchange", count=count, seed=seed) if f.exchange)
    return [attrs.evolve(ex, index=i) for i, ex in enumerate(out)]


def replace_header(ex: Exchange, name: str, value: str) -> Exchange:
    headers = tuple((k, value if k.lower() == name.lower() else v) for k, v in ex.response_headers)
    return attrs.evolve(ex, response_headers=headers)


def faulty_exchanges() -> list[Exchange]:
    """Clean traffic with some departures mixed in: errors, warnings, skipped entries."""
    bad = []
    for i, ex in enumerate(clean_exchanges(10)):
        if i % 7 == 3:  # an error: the response is not JSON
            bad.append(attrs.evolve(ex, response_body=b"oops"))
        elif i % 7 == 5:  # a warning: a response labelled application/json
            bad.append(replace_header(ex, "Content-Type", "application/json"))
        else:
            bad.append(ex)
    bad.insert(4, Exchange((("Origin", "http://localhost"),), None, 204, method="OPTIONS"))
    bad.insert(9, Exchange((), None, 200, (), b"x", method="GET", url="https://example.com/"))
    return bad


def write_capture(path: Path, exchanges: list[Exchange]) -> Path:
    with path.open("w", encoding="utf-8") as fp:
        (write_har if path.suffix == ".har" else write_jsonl)(exchanges, fp)
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------------
# Output and exit codes


@pytest.mark.parametrize("suffix", [".jsonl", ".har"])
def test_a_clean_capture_exits_0_with_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = write_capture(tmp_path / f"clean{suffix}", clean_exchanges())
    code, out, err = run(["validate", str(path)], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Summary (botocore 1.43.11 (cognito-idp 2016-04-18))",
        "  exchanges: 60 (AdminGetUser 20, GetUser 20, GetUserAuthFactors 20)",
        "  valid: 60, invalid: 0, errors: 0, warnings: 0",
        "  skipped: 0",
    ]


def test_findings_are_listed_in_input_order_then_summarised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_capture(tmp_path / "faulty.jsonl", faulty_exchanges())
    code, out, _ = run(["validate", str(path)], capsys)
    assert code == 1
    lines = out.splitlines()
    findings = lines[:-4]
    assert findings and all(line.startswith(f"{path}#") for line in findings)
    indexes = [int(line.split("#")[1].split()[0]) for line in findings]
    assert indexes == sorted(indexes)
    first = findings[0].split(" ", 5)
    assert first[1] in OPERATIONS and first[2] in ("error", "warning")
    assert "[malformed_json]" in out and "[json_content_type]" in out
    assert lines[-1] == "  skipped: 2 (not cognito 1; preflight 1)"
    assert lines[-2] == "  valid: 26, invalid: 4, errors: 4, warnings: 4"


def test_json_output_is_one_record_per_finding_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_capture(tmp_path / "faulty.har", faulty_exchanges())
    code, out, _ = run(["validate", "--format", "json", str(path)], capsys)
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    *findings, summary = records
    assert {r["type"] for r in findings} == {"finding"}
    assert set(findings[0]) == {
        "type", "source", "index", "operation", "severity", "kind", "location", "pointer", "member_path", "header", "side", "message",
    }  # fmt: skip
    assert summary == {
        "type": "summary",
        "model": "botocore 1.43.11 (cognito-idp 2016-04-18)",
        "sources": [str(path)],
        "strict": False,
        "entries": 32,
        "exchanges": 30,
        "operations": {"AdminGetUser": 10, "GetUser": 10, "GetUserAuthFactors": 10},
        "valid": 26,
        "invalid": 4,
        "errors": 4,
        "warnings": 4,
        "skipped": {"not_cognito": 1, "preflight": 1},
        "uncovered_operations": {},
    }
    assert summary["invalid"] == len({r["index"] for r in findings if r["severity"] == "error"})
    assert summary["errors"] == sum(r["severity"] == "error" for r in findings)
    assert summary["warnings"] == sum(r["severity"] == "warning" for r in findings)
    # Stable enough to diff: the same input gives the same bytes.
    assert run(["validate", "--format", "json", str(path)], capsys)[1] == out


def test_warnings_fail_only_under_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exs = clean_exchanges(3)
    exs[1] = replace_header(exs[1], "x-amzn-RequestId", "not-a-uuid")
    path = write_capture(tmp_path / "w.jsonl", exs)
    code, out, _ = run(["validate", str(path)], capsys)
    assert code == 0 and "[request_id_format]" in out
    code, out, _ = run(["validate", "--strict", str(path)], capsys)
    assert code == 1 and "invalid: 1" in out and "strict" in out.splitlines()[-4]


def test_several_files_are_summed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_capture(tmp_path / "a.jsonl", clean_exchanges(2))
    b = write_capture(tmp_path / "b.har", clean_exchanges(1))
    code, out, _ = run(["validate", str(a), str(b), "--format", "json"], capsys)
    summary = json.loads(out.splitlines()[-1])
    assert (code, summary["exchanges"], summary["sources"]) == (0, 9, [str(a), str(b)])


@pytest.mark.parametrize(
    ("args", "data", "reason"),
    [
        (["validate", "{missing}"], None, "No such file"),
        (["validate", "{path}"], b"<html>", "neither a HAR file nor JSON lines"),
        (["validate", "{path}"], b'{"log": {"entries": [{"request": {}}', "after entry"),
        (["validate", "{path}"], b'{"request": {}}\n{"request": \n', "line 2"),
        (["validate", "--jobs", "-1", "{path}"], b"", "--jobs"),
        (["validate", "-", "-"], b"", "standard input"),
        (["validate", "--format", "xml", "{path}"], b"", "invalid choice"),
        (["validate"], None, "required"),
    ],
)
def test_unreadable_input_and_bad_usage_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], data: bytes | None, reason: str
) -> None:
    path = tmp_path / "input"
    if data is not None:
        path.write_bytes(data)
    argv = [a.format(path=path, missing=tmp_path / "missing.har") for a in args]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("cognito-spec: ") and reason in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------------------
# --jobs: same output, same order


@pytest.mark.parametrize("suffix", [".jsonl", ".har"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_jobs_give_identical_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, suffix: str, fmt: str
) -> None:
    # Small batches, so that many are in flight and any reordering would show.
    monkeypatch.setattr(_cli_validate, "JSONL_BATCH_BYTES", 4096)
    monkeypatch.setattr(_cli_validate, "HAR_BATCH_ENTRIES", 3)
    path = write_capture(tmp_path / f"mixed{suffix}", faulty_exchanges() * 3)
    one = run(["validate", "--format", fmt, "--jobs", "1", str(path)], capsys)
    three = run(["validate", "--format", fmt, "--jobs", "3", str(path)], capsys)
    assert one == three
    assert one[0] == 1 and one[1].count("\n") > 20


def test_an_unreadable_batch_fails_the_same_way_with_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cli_validate, "JSONL_BATCH_BYTES", 2048)
    path = write_capture(tmp_path / "c.jsonl", faulty_exchanges())
    with path.open("a") as fp:
        fp.write('{"request": 5}\n')
    assert run(["validate", "--jobs", "1", str(path)], capsys) == run(
        ["validate", "--jobs", "2", str(path)], capsys
    )
    code, _, err = run(["validate", "--jobs", "2", str(path)], capsys)
    assert code == 2 and "line 33" in err


@pytest.mark.parametrize("damage", ["truncated", "bad-entry"])
def test_an_unreadable_har_reports_what_came_before_alike_with_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setattr(_cli_validate, "HAR_BATCH_ENTRIES", 4)
    path = write_capture(tmp_path / "c.har", faulty_exchanges())
    text = path.read_text()
    if damage == "truncated":
        text = text[: len(text) * 2 // 3]
    else:
        marker = '{"startedDateTime"'
        cut = [i for i in range(len(text)) if text.startswith(marker, i)][20]
        text = text[:cut] + '{"request": 5},' + text[cut:]
    path.write_text(text)
    one = run(["validate", "--jobs", "1", str(path)], capsys)
    two = run(["validate", "--jobs", "2", str(path)], capsys)
    assert one == two
    code, out, err = one
    assert code == 2 and out.count("\n") >= 3 and ("after entry" in err or "entry 20" in err)


# --------------------------------------------------------------------------------------------------
# Redaction of reports and of captures


def _with_secret(secret: str) -> list[Exchange]:
    exs = clean_exchanges(1)
    ex = next(e for e in exs if b'"Username"' in (e.response_body or b"") and e.status == 200)
    body = json.loads(ex.response_body or b"")
    body["Username"] = secret
    exs[exs.index(ex)] = attrs.evolve(ex, response_body=json.dumps(body).encode())
    return exs


def test_reports_redact_unless_reveal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = "secret-name-" + "z" * 130
    path = write_capture(tmp_path / "s.jsonl", _with_secret(secret))
    code, out, _ = run(["validate", str(path)], capsys)
    assert code == 1 and "/Username [length_max]" in out and "secret-name" not in out
    code, out, _ = run(["validate", "--reveal", str(path)], capsys)
    assert code == 1 and "secret-name" in out


# --------------------------------------------------------------------------------------------------
# Standard input, the progress bar, the example


def test_dash_reads_standard_input_in_a_real_process(tmp_path: Path) -> None:
    data = (write_capture(tmp_path / "c.har", clean_exchanges(1))).read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "cognito_spec", "validate", "--format", "json", "-"],
        input=data,
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["sources"] == ["<stdin>"]
    assert proc.stderr == b""  # not a terminal: no progress bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_goes_to_a_terminal_only_and_is_erased(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_capture(tmp_path / "c.jsonl", clean_exchanges(5))
    monkeypatch.setattr(_cli_validate, "PROGRESS_MIN_BYTES", 0)
    monkeypatch.setattr(_cli_validate, "PROGRESS_DELAY_S", 0.0)
    monkeypatch.setattr(_cli_validate, "JSONL_BATCH_BYTES", 1024)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(["validate", str(path)])
    out = capsys.readouterr().out
    shown = terminal.getvalue()
    assert code == 0
    assert "\r" in shown and "exchanges" in shown and "MiB" in shown and "%" in shown
    assert shown.endswith("\r\x1b[K")  # erased before the summary
    assert "\r" not in out


def test_the_example_har_validates_with_moto_findings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", str(EXAMPLE)], capsys)
    assert (code, err) == (1, "")
    assert "  exchanges: 10 (AdminGetUser 4, GetUser 3, GetUserAuthFactors 3)" in out
    assert (
        "[rejection_expected]: the service answers this request with InvalidParameterException, not ResourceNotFoundException"
        in out
    )


def test_version_names_the_pinned_model_and_unicode(capsys: pytest.CaptureFixture[str]) -> None:
    from cognito_spec.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "botocore 1.43.11" in out
    assert "Unicode 17.0.0" in out
