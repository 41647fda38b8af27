"""``cognito-spec validate``: output, exit codes, --jobs, redaction of reports (``redact``: test_cli_redact)."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_spec import BOTOCORE_VERSION, MODEL_VERSION, OPERATIONS
from cognito_spec.cli import main
from cognito_spec.cli import validate as _cli_validate
from cognito_spec.errors import CaptureError
from cognito_spec.fixtures import generate
from cognito_spec.traffic.batch import LocatedFinding, Reported, Summary, examine_into, validate_lines
from cognito_spec.traffic.jsonl import lines_of
from cognito_spec.traffic.record import Exchange, exchange_to_json, write_har, write_jsonl
from cognito_spec.traffic.source import open_capture

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "moto-cognito.har"

#: The operations of the captures these tests write: a sign-in's reads, which is what the CLI's
#: behaviour needs (how the checker judges each of the model's operations is for test_exchange).
#: A capture of every operation would cost its generation, not the CLI's run.
CAPTURE_OPERATIONS = ("AdminGetUser", "GetUser", "GetUserAuthFactors")


def clean_exchanges(count: int = 20, seed: int = 3) -> list[Exchange]:
    out: list[Exchange] = []
    for op in CAPTURE_OPERATIONS:
        out.extend(f.exchange for f in generate(op, "exchange", count=count, seed=seed) if f.exchange)
    return [attrs.evolve(ex, index=i) for i, ex in enumerate(out)]


def library_verdict(path: Path) -> tuple[dict[str, Any], list[LocatedFinding]]:
    """The oracle: the summary record and the findings of a capture, from the library's batch API
    (every exchange through the full check, in input order)."""
    summary = Summary()
    reported: Reported = []
    with open_capture(path) as src:
        examine_into(src.exchanges(), False, summary, reported)
    found = [LocatedFinding(str(path), i, op, f) for i, op, fs in reported for f in fs]
    return summary.to_json([str(path)], False), found


def line_of(x: LocatedFinding) -> str:
    """A finding's line, as the help text states it: FILE#N OPERATION SEVERITY SIDE LOCATION PATH
    [KIND]: MESSAGE (then the detail, if any)."""
    f = x.finding
    line = f"{x.source}#{x.index} {x.operation or '-'} {f.severity} {f.side} {f.location} {f.path} [{f.kind}]: {f.message}"
    return f"{line}: {f.detail}" if f.detail else line


def counts_text(counts: dict[str, int], shown: int = 10) -> str:
    """Counts per operation as the summary states them: most frequent first, at most ten, then how
    many more."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} {v}" for k, v in ranked[:shown])
    return text + (f", {len(ranked) - shown} more operations" if len(ranked) > shown else "")


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
        f"Summary ({MODEL_VERSION})",
        "  exchanges: 60 (AdminGetUser 20, GetUser 20, GetUserAuthFactors 20)",
        "  valid: 60, invalid: 0, errors: 0, warnings: 0",
        "  skipped: 0",
    ]


def test_the_collector_waits_longer_during_a_run_and_its_thresholds_come_back_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int, int]] = []
    opened = _cli_validate.open_capture

    def spying(path: str) -> Any:
        seen.append(gc.get_threshold())
        return opened(path)

    monkeypatch.setattr(_cli_validate, "open_capture", spying)
    before = gc.get_threshold()
    clean = write_capture(tmp_path / "clean.jsonl", clean_exchanges(3))
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"{")
    assert run(["validate", str(clean)], capsys)[0] == 0
    assert gc.get_threshold() == before
    assert run(["validate", str(broken)], capsys)[0] == 2  # an unreadable input restores them too
    assert gc.get_threshold() == before
    assert [t[0] for t in seen] == [max(before[0], _cli_validate.YOUNG_THRESHOLD)] * 2
    assert [t[1:] for t in seen] == [before[1:]] * 2


@pytest.mark.parametrize("suffix", [".jsonl", ".har"])
def test_a_run_leaves_no_cyclic_garbage_that_grows_with_its_exchanges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """What YOUNG_THRESHOLD relies on: the cyclic garbage of a run (clean exchanges and findings
    alike) is the same for 3 times the exchanges, so the collector's rare runs bound no growth."""
    small = write_capture(tmp_path / f"small{suffix}", faulty_exchanges())
    large = write_capture(tmp_path / f"large{suffix}", faulty_exchanges() * 3)
    run(["validate", str(small)], capsys)  # caches and compiled checkers, made once
    gc.collect()
    gc.disable()
    try:
        left = []
        for path in (small, large, small):
            assert run(["validate", str(path)], capsys)[0] == 1
            left.append(gc.collect())
    finally:
        gc.enable()
    assert left[0] == left[1] == left[2]


def test_with_all_every_finding_is_listed_in_input_order_then_summarised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_capture(tmp_path / "faulty.jsonl", faulty_exchanges())
    code, out, _ = run(["validate", "--all", str(path)], capsys)
    assert code == 1
    lines = out.splitlines()
    findings = lines[:-4]
    assert len(findings) == 8 and all(line.startswith(f"{path}#") for line in findings)
    indexes = [int(line.split("#")[1].split()[0]) for line in findings]
    assert indexes == sorted(indexes)
    first = findings[0].split(" ", 6)
    assert first[1] in OPERATIONS and first[2] in ("error", "warning")
    assert first[3] in ("client", "server", "capture")
    assert "[malformed_json]" in out and "[json_content_type]" in out
    assert lines[-1] == "  skipped: 2 (not cognito 1; preflight 1)"
    assert lines[-2] == "  valid: 26, invalid: 4, errors: 4, warnings: 4 (server 4)"


def _finding_lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if "#" in line.strip().split(" ", 1)[0]]


_VALUES = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+")


def grouped_report(found: list[LocatedFinding], shown: int = 3) -> list[str]:
    """The text report as its documentation states it: findings alike (same severity, side, kind,
    location, and path and message differing at most in quoted values and numbers) form a group;
    groups come errors first, then the warnings that fail --strict, then the rest, each rank in order
    of first appearance; a group prints as its count and first ``shown`` entries, a group of one as
    its line."""
    groups: dict[tuple[Any, ...], list[LocatedFinding]] = {}
    for x in found:
        f = x.finding
        rank = 0 if f.severity == "error" else 1 if f.side != "capture" and not f.expected else 2
        key = (
            rank,
            f.severity,
            f.side,
            f.kind,
            f.location,
            _VALUES.sub("", f.path),
            _VALUES.sub("", f.message),
        )
        groups.setdefault(key, []).append(x)
    lines: list[str] = []
    for key in sorted(groups, key=lambda k: (k[0], found.index(groups[k][0]))):
        members = groups[key]
        if len(members) == 1:
            lines.append(line_of(members[0]))
            continue
        first = f", the first {shown}" if len(members) > shown else ""
        lines.append(f"[{key[3]}] {len(members)} findings alike{first}:")
        lines.extend("  " + line_of(x) for x in members[:shown])
        if len(members) > shown:
            lines.append(f"  ... and {len(members) - shown} more like these (--all lists every finding)")
    return lines


def summary_lines(s: dict[str, Any]) -> list[str]:
    """The text summary as the documentation states it, from a summary record."""
    by_side = s["warnings_by_side"]
    sides = ", ".join(f"{k} {by_side[k]}" for k in ("server", "client", "capture") if by_side[k])
    skipped = []
    for reason, n in s["skipped"].items():
        part = f"{reason.replace('_', ' ')} {n}"
        if reason == "uncovered_operation" and s["uncovered_operations"]:
            part += f" ({counts_text(s['uncovered_operations'])})"
        skipped.append(part)
    return [
        f"Summary ({MODEL_VERSION})",
        f"  exchanges: {s['exchanges']} ({counts_text(s['operations'])})",
        f"  valid: {s['valid']}, invalid: {s['invalid']}, errors: {s['errors']}, warnings: {s['warnings']}"
        + (f" ({sides})" if sides else ""),
        f"  skipped: {sum(s['skipped'].values())}" + (f" ({'; '.join(skipped)})" if skipped else ""),
    ]


def test_the_example_report_groups_repeated_findings_and_puts_errors_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["validate", str(EXAMPLE)], capsys)
    summary, found = library_verdict(EXAMPLE)
    assert code == (1 if summary["invalid"] else 0)
    assert out.splitlines() == grouped_report(found) + summary_lines(summary)
    # What the example is there to show: errors, groups of findings alike, and the request the
    # server refused as the service does (an expected refusal: last).
    lines = out.splitlines()
    assert lines[0].split(" ")[2] == "error"
    assert "[request_id_format] " in out and "findings alike, the first 3:" in out
    expected = [line_of(x) for x in found if x.finding.expected]
    assert expected and lines[-5] == expected[-1]


def test_all_lists_every_finding_as_json_does(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "--all", str(EXAMPLE)], capsys)
    assert code == 1
    text = _finding_lines(out)
    _, found = library_verdict(EXAMPLE)
    assert text == [line_of(x) for x in found]
    code, out, _ = run(["validate", "--format", "json", str(EXAMPLE)], capsys)
    records = [json.loads(line) for line in out.splitlines()][:-1]
    assert records == [x.to_json() for x in found]
    assert [line.split(" ", 1)[0] for line in text] == [f"{EXAMPLE}#{r['index']}" for r in records]
    assert [line.split(" ")[3] for line in text] == [r["side"] for r in records]


def test_findings_differing_only_in_per_exchange_details_form_one_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exs = clean_exchanges(4)
    exs = [replace_header(ex, "x-amzn-RequestId", f"req-{i}") for i, ex in enumerate(exs)]
    path = write_capture(tmp_path / "ids.jsonl", exs)
    code, out, _ = run(["validate", str(path)], capsys)
    assert code == 0
    assert out.splitlines()[0] == "[request_id_format] 12 findings alike, the first 3:"
    assert "  ... and 9 more like these (--all lists every finding)" in out.splitlines()
    assert len(_finding_lines(out)) == 3
    code, out, _ = run(["validate", "--all", str(path)], capsys)
    assert len(_finding_lines(out)) == 12


def _no_bodies(exs: list[Exchange]) -> list[Exchange]:
    """What a browser's export keeps of some exchanges: no response body, or no response."""
    return [
        attrs.evolve(ex, response_body=None)
        if i % 2
        else attrs.evolve(ex, status=None, response_headers=(), response_body=None)
        for i, ex in enumerate(exs)
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".har"])
def test_capture_artefacts_never_fail_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = write_capture(tmp_path / f"devtools{suffix}", _no_bodies(clean_exchanges(2)))
    code, out, _ = run(["validate", "--strict", "--all", str(path)], capsys)
    lines = _finding_lines(out)
    assert code == 0, out
    assert lines and all(line.split(" ")[2:4] == ["warning", "capture"] for line in lines)
    assert {line.rsplit("[", 1)[1].split("]")[0] for line in lines} == {"body_missing", "no_response"}
    assert "invalid: 0" in out


def test_requests_the_server_refused_correctly_are_client_warnings_that_pass_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rejected = [f.exchange for f in generate("AdminGetUser", "invalid", count=20, seed=1)][0::2]
    path = write_capture(tmp_path / "rejected.jsonl", [ex for ex in rejected if ex is not None])
    code, out, _ = run(["validate", "--strict", "--all", str(path)], capsys)
    lines = _finding_lines(out)
    assert code == 0, out
    assert lines and all(line.split(" ")[2:4] == ["warning", "client"] for line in lines)


def test_server_warnings_fail_strict_and_json_records_name_the_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exs = _no_bodies(clean_exchanges(1))  # capture-side warnings, and one about the server:
    exs.append(replace_header(clean_exchanges(1)[0], "Content-Type", "application/json"))
    path = write_capture(tmp_path / "mixed.jsonl", exs)
    assert run(["validate", str(path)], capsys)[0] == 0
    code, out, _ = run(["validate", "--strict", "--format", "json", str(path)], capsys)
    *findings, summary = (json.loads(line) for line in out.splitlines())
    assert code == 1
    assert summary["invalid"] == 1
    assert summary["warnings_by_side"] == {"capture": 3, "client": 0, "server": 1}
    assert [r["side"] for r in findings if r["kind"] == "json_content_type"] == ["server"]


def test_help_states_the_exit_code_rule(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Exit status: 0" in text
    assert "--strict" in text and "server" in text and "client" in text and "capture" in text
    assert "--all" in text


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
        "type", "source", "index", "operation", "severity", "kind", "location", "pointer", "member_path", "header", "side", "expected", "message", "detail",
    }  # fmt: skip
    assert summary == {
        "type": "summary",
        "model": MODEL_VERSION,
        "sources": [str(path)],
        "strict": False,
        "entries": 32,
        "exchanges": 30,
        "operations": {"AdminGetUser": 10, "GetUser": 10, "GetUserAuthFactors": 10},
        "valid": 26,
        "invalid": 4,
        "errors": 4,
        "warnings": 4,
        "warnings_by_side": {"capture": 0, "client": 0, "server": 4},
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
@pytest.mark.parametrize("fmt", [["--format", "text"], ["--all"], ["--format", "json"]])
def test_jobs_give_identical_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    fmt: list[str],
) -> None:
    # Small batches, so that many are in flight and any reordering would show.
    monkeypatch.setattr(_cli_validate, "JSONL_BATCH_BYTES", 4096)
    monkeypatch.setattr(_cli_validate, "PARALLEL_MIN_BYTES", 0)
    path = write_capture(tmp_path / f"mixed{suffix}", faulty_exchanges() * 3)
    one = run(["validate", *fmt, "--jobs", "1", str(path)], capsys)
    three = run(["validate", *fmt, "--jobs", "3", str(path)], capsys)
    assert one == three
    assert one[0] == 1 and one[1].count("\n") > (10 if fmt == ["--format", "text"] else 20)


def test_an_unreadable_batch_fails_the_same_way_with_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cli_validate, "JSONL_BATCH_BYTES", 2048)
    monkeypatch.setattr(_cli_validate, "PARALLEL_MIN_BYTES", 0)
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


def test_standard_input_gives_identical_output_with_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # In process for the first 8 KiB, then in workers: the seam must not show.
    monkeypatch.setattr(_cli_validate, "JSONL_BATCH_BYTES", 2048)
    monkeypatch.setattr(_cli_validate, "PARALLEL_MIN_BYTES", 8192)
    data = write_capture(tmp_path / "c.jsonl", faulty_exchanges() * 2).read_bytes()
    assert len(data) > 4 * 8192
    outputs = []
    for jobs in ("1", "2"):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        outputs.append(run(["validate", "--all", "--jobs", jobs, "-"], capsys))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1 and outputs[0][1].count("\n") == 20


@pytest.fixture(scope="module")
def split_capture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[int, str, str]]]:
    """A capture with findings, blank lines and skipped entries, and its output with --jobs 1 and
    the default batches (per format), which every other cut must give."""
    path = write_capture(tmp_path_factory.mktemp("split") / "c.jsonl", faulty_exchanges())
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:5], b"", b"  ", *lines[5:]]))  # blank lines count
    expected = {}
    for fmt in ("text", "all", "json"):
        expected[fmt] = _captured(["validate", *_FORMAT_ARGS[fmt], "--jobs", "1", str(path)])
    return path, expected


_FORMAT_ARGS = {"text": [], "all": ["--all"], "json": ["--format", "json"]}


def _captured(args: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        if stdin is not None:
            stack.enter_context(mock.patch.object(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin))))
        code = main(args)
    return code, out.getvalue().replace("<stdin>", "{path}"), err.getvalue()


@given(data=st.lists(st.sampled_from([b"\n", b"a", b"{}", b"\r", b" "])).map(b"".join) | st.binary())
def test_a_batch_is_cut_into_the_lines_split_gives_but_the_piece_after_the_last_break(data: bytes) -> None:
    # The batch reader finds line breaks with bytes.find instead of split (which compares byte by
    # byte); the lines must be split's, the empty piece after a final break left out, as before.
    want = data.split(b"\n")
    assert list(lines_of(data, final=True)) == want  # as the HAR line reader takes them
    if data.endswith(b"\n"):
        want.pop()
    assert list(lines_of(data)) == want


@settings(deadline=None)
@given(
    first=st.integers(1, 6000),
    size=st.integers(1, 6000),
    parallel_from=st.integers(0, 6000),
    jobs=st.sampled_from(["1", "2", "3"]),
    fmt=st.sampled_from(["text", "all", "json"]),
    stdin=st.booleans(),
)
def test_any_cut_into_batches_and_any_jobs_give_the_output_of_one_pass(
    split_capture: tuple[Path, dict[str, tuple[int, str, str]]],
    first: int,
    size: int,
    parallel_from: int,
    jobs: str,
    fmt: str,
    stdin: bool,
) -> None:
    # Batches end inside lines, on their newlines, a byte after them; the first batch (in process,
    # before the fork) and standard input's in-process start have their own sizes: no line may be
    # lost or reported twice at a border, nor any finding move.
    path, expected = split_capture
    with (
        mock.patch.object(_cli_validate, "FIRST_BATCH_BYTES", first),
        mock.patch.object(_cli_validate, "JSONL_BATCH_BYTES", size),
        mock.patch.object(_cli_validate, "PARALLEL_MIN_BYTES", parallel_from),
    ):
        args = ["validate", *_FORMAT_ARGS[fmt], "--jobs", jobs]
        if stdin:
            got = _captured([*args, "-"], stdin=path.read_bytes())
            want = expected[fmt][0], expected[fmt][1].replace(str(path), "{path}"), expected[fmt][2]
        else:
            got, want = _captured([*args, str(path)]), expected[fmt]
    assert got == want


def test_an_exception_in_a_worker_is_the_main_process_s_with_exit_70(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bug that shows in a worker only (the first batch runs in the main process) is reported as
    # every bug is, by the type and place of the exception, not hidden nor waited for.
    monkeypatch.setattr(_cli_validate, "JSONL_BATCH_BYTES", 2048)
    monkeypatch.setattr(_cli_validate, "FIRST_BATCH_BYTES", 2048)
    monkeypatch.setattr(_cli_validate, "PARALLEL_MIN_BYTES", 0)
    path = write_capture(tmp_path / "c.jsonl", faulty_exchanges())
    parent = os.getpid()
    real = validate_lines

    def failing(lines: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise LookupError("the message of the bug")
        return real(lines, **kwargs)

    monkeypatch.setattr(_cli_validate, "validate_lines", failing)
    code, _, err = run(["validate", "--jobs", "2", str(path)], capsys)
    assert code == 70
    assert "internal error" in err and "LookupError" in err and "the message" not in err


MIB = 1 << 20


@pytest.mark.parametrize(
    ("fmt", "size", "requested", "cpus", "workers"),
    [
        ("jsonl", 50 * 150, 1000, 2, 1),  # 50 lines: no workers at all
        ("jsonl", 3 * MIB, 2, 2, 1),  # below PARALLEL_MIN_BYTES
        ("jsonl", 300 * MIB, 1000, 2, 2),  # never more than the CPUs
        ("jsonl", 300 * MIB, 3, 8, 3),
        ("jsonl", 5 * MIB, 64, 64, 5),  # never more than the batches
        ("jsonl", 300 * MIB, 1, 8, 1),
        ("jsonl", None, 4, 2, 2),  # standard input: workers once it is large
        ("har", 300 * MIB, 2, 2, 1),  # a HAR: parsing is the work, in one process
    ],
)
def test_workers_are_capped_at_the_work_there_is_and_the_cpus(
    fmt: str, size: int | None, requested: int, cpus: int, workers: int
) -> None:
    assert _cli_validate.workers_for(fmt, size, requested, cpus) == workers


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
    summary, found = library_verdict(EXAMPLE)
    assert (code, err) == (1, "")
    assert f"  exchanges: {summary['exchanges']} ({counts_text(summary['operations'])})" in out
    # moto answers a request the service refuses with another error: the README's example.
    refusals = [x for x in found if x.finding.kind == "rejection_expected"]
    assert refusals and all(x.finding.message in out for x in refusals)
    assert (
        "the service answers this request with InvalidParameterException, not ResourceNotFoundException"
        in out
    )


def test_the_exchanges_line_names_the_most_frequent_operations_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One request of each of the model's operations, and a few more of two of them: no response
    # (a capture artefact), so nothing but the summary is at stake.
    names = sorted(OPERATIONS)
    records = [
        {"request": {"headers": [["X-Amz-Target", OPERATIONS[n].target]], "body": "{}"}, "response": None}
        for n in [*names, "GetUser", "GetUser", "AdminGetUser"]
    ]
    path = tmp_path / "every.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = run(["validate", str(path)], capsys)[1]
    line = next(x for x in out.splitlines() if x.startswith("  exchanges: "))
    rest = len(names) - 10
    assert line.startswith(f"  exchanges: {len(names) + 3} (GetUser 3, AdminGetUser 2, ")
    assert line.endswith(f", {rest} more operations)") and line.count(",") == 10
    json_out = run(["validate", "--format", "json", str(path)], capsys)[1]
    assert len(json.loads(json_out.splitlines()[-1])["operations"]) == len(names)  # every count


_VERSION_IMPORTS = """
import sys
from cognito_spec.cli import main
try:
    main(["--version"])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
print(" ".join(sorted(sys.modules)))
"""


def test_version_imports_only_what_it_prints() -> None:
    # The start-up budget (bench/bench_import.py): no codec, no checks, no attrs, no argparse.
    proc = subprocess.run(
        [sys.executable, "-c", _VERSION_IMPORTS], capture_output=True, text=True, cwd=ROOT, check=True
    )
    version, modules = proc.stdout.splitlines()
    assert version.startswith("cognito-spec ") and f"botocore {BOTOCORE_VERSION}" in version
    assert "Unicode 17.0.0" in version
    loaded = set(modules.split())
    heavy = {"attr", "attrs", "cattrs", "argparse", "json", "cognito_spec.codec", "cognito_spec.traffic"}
    assert loaded & heavy == set()
    assert not any(m.startswith(("cognito_spec.traffic", "cognito_spec.fixtures")) for m in loaded)


_VALIDATE_IMPORTS = """
import io, sys
from cognito_spec.cli import main
sys.stdout = io.StringIO()
try:
    main(["validate", "--format", "json", sys.argv[1]])
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(" ".join(sorted(sys.modules)))
"""


def test_validate_imports_the_error_classes_of_the_errors_it_meets_and_no_cattrs() -> None:
    # Start-up is serial before --jobs forks: the 65 error classes took 20 ms to import together and
    # cattrs 11 ms, against ~130 ms for a whole small run.  A capture of successes (Amplify's sign-in)
    # imports two error classes, the ones the checks name themselves (an unknown target, a body that
    # does not deserialise); one with errors adds the classes of their codes, and where a broken
    # request was refused, of the refusal an unsigned one gets.
    def error_modules(capture: str) -> set[str]:
        proc = subprocess.run(
            [sys.executable, "-c", _VALIDATE_IMPORTS, capture],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        loaded = set(proc.stdout.split())
        assert "cattrs" not in loaded
        return {m.rsplit(".", 1)[1] for m in loaded if m.startswith("cognito_spec.shapes.errors.")}

    named = {"unknown_operation_exception", "serialization_exception"}
    assert error_modules("examples/amplify-sign-in.har") == named
    met = {"invalid_parameter_exception", "not_authorized_exception", "resource_not_found_exception"}
    met |= {"user_not_found_exception", "missing_authentication_token_exception"}
    assert error_modules("examples/moto-cognito.har") == named | met


def test_version_names_the_pinned_model_and_unicode(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    from cognito_spec.patterns import UNICODE_VERSION
    from cognito_spec.shapes import MODEL_VERSION

    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"cognito-spec {version('cognito-spec')}; ") and out.count("\n") == 1
    assert f"model {MODEL_VERSION}; Unicode {UNICODE_VERSION}" in out
    assert f"botocore {BOTOCORE_VERSION}" in out and "Unicode 17.0.0" in out
    # Through the parser (an option before the subcommand), the same line.
    with pytest.raises(SystemExit) as info:
        main(["--version", "validate"])
    assert info.value.code == 0
    assert capsys.readouterr().out == out


# --------------------------------------------------------------------------------------------------
# Ctrl-C, and how many workers


def _large_capture(path: Path, lines: int) -> Path:
    """A JSON-lines capture of ``lines`` exchanges, most of them clean, written quickly (by repetition)."""
    records = [json.dumps(exchange_to_json(ex)) + "\n" for ex in faulty_exchanges()]
    block = "".join(records)
    with path.open("w", encoding="utf-8") as fp:
        for _ in range(lines // len(records)):
            fp.write(block)
    return path


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(c) for c in (task / "children").read_text().split())
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to see the workers")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_is_one_line_and_exit_130_in_every_process(tmp_path: Path, jobs: str) -> None:
    path = _large_capture(tmp_path / "large.jsonl", 40_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_spec", "validate", "--jobs", jobs, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,  # its own process group, as a shell gives a foreground job
    )
    try:
        deadline = time.monotonic() + 30
        # At work: with --jobs 2 the worker exists (the main process validates too, so one is all);
        # with --jobs 1 the run has read past its imports.
        while time.monotonic() < deadline and proc.poll() is None:
            if _children(proc.pid) if jobs == "2" else _has_opened(proc.pid, path):
                break
            time.sleep(0.02)
        time.sleep(0.3)
        assert proc.poll() is None, "finished before it could be interrupted: make the file larger"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = err.decode()
    assert "Traceback" not in text
    assert (proc.returncode, text) == (130, "cognito-spec: interrupted\n")


def _start_and_wait_for_workers(path: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_spec", "validate", "--jobs", "2", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None and not _children(proc.pid):
        time.sleep(0.02)
    time.sleep(0.2)
    workers = _children(proc.pid)
    # --jobs 2 is the main process and one worker: the main process validates its share itself.
    assert proc.poll() is None and len(workers) == 1, (
        "finished before a worker could die: make the file larger"
    )
    return proc, workers


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to see the workers")
def test_a_worker_that_dies_ends_the_run_at_once_with_one_line_and_exit_2(tmp_path: Path) -> None:
    # The out-of-memory killer's way: SIGKILL.  The run must neither hang waiting for the lost
    # batch nor claim a verdict (0 or 1) on output it did not complete, nor leave a worker behind.
    path = _large_capture(tmp_path / "large.jsonl", 40_000)
    proc, workers = _start_and_wait_for_workers(path)
    try:
        os.kill(workers[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = err.decode()
    _one_line(text, "worker process was killed by SIGKILL", "incomplete")
    assert proc.returncode == 2
    assert not Path(f"/proc/{workers[0]}").exists()  # reaped, not left a zombie


def _has_opened(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


# --------------------------------------------------------------------------------------------------
# Whatever goes wrong: one line a user can act on, never a traceback (in real processes)


def _cli(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cognito_spec", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        **kwargs,
    )


def _one_line(err: str, *words: str) -> None:
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("cognito-spec: "), err
    for word in words:
        assert word in err, err


def test_closed_standard_input_is_named() -> None:
    script = f"exec {sys.executable} -m cognito_spec validate - <&-"
    proc = subprocess.run(["sh", "-c", script], capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 2
    _one_line(proc.stderr, "standard input is closed")


def test_closed_standard_output_is_named() -> None:
    script = f"exec {sys.executable} -m cognito_spec validate {EXAMPLE} >&-"
    proc = subprocess.run(["sh", "-c", script], capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 2
    _one_line(proc.stderr, "standard output is closed")


def test_an_output_encoding_that_cannot_write_a_character_is_named(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    args = ["fixtures", "AdminGetUser", "--kind", "response", "--adversarial", "--count", "20", "--seed", "1"]
    proc = _cli(args, env=env)
    assert proc.returncode == 2
    _one_line(proc.stderr, "standard output", "ascii", "U+", "PYTHONIOENCODING=utf-8")
    # A report quoting a revealed value, likewise.
    path = write_capture(tmp_path / "s.jsonl", _with_secret("zoë-" + "z" * 130))
    proc = _cli(["validate", "--reveal", str(path)], env=env)
    assert proc.returncode == 2
    _one_line(proc.stderr, "U+00EB")


def test_a_reader_that_goes_away_is_named_and_the_run_does_not_claim_success() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_spec", "fixtures", "GetUser", "--count", "3000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()  # what `| head -1` does: one line, then the pipe closes
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 2
    _one_line(err, "standard output was closed")


_INJECT = """
import sys
import cognito_spec.cli.fixtures as fixtures

def boom(args):
    raise {exc}

fixtures.run_operations = boom
from cognito_spec.cli import main
sys.exit(main(["operations"]))
"""


@pytest.mark.parametrize(
    ("exc", "code", "words"),
    [
        ("MemoryError()", 2, ["out of memory"]),
        ("RecursionError('maximum recursion depth exceeded')", 2, ["nested too deeply"]),
        # A bug: its type and where, never its message (it may quote a secret).
        ("KeyError('secret-user-name')", 70, ["internal error", "a bug", "KeyError", "COGNITO_SPEC_DEBUG=1"]),
        ("AttributeError('secret-user-name')", 70, ["internal error", "AttributeError"]),
    ],
)
def test_unexpected_exceptions_are_one_line(exc: str, code: int, words: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _INJECT.format(exc=exc)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == code
    _one_line(proc.stderr, *words)
    assert "secret-user-name" not in proc.stderr


# --------------------------------------------------------------------------------------------------
# The fast path reads a line as the reader does


@pytest.mark.parametrize("tail", [b"\x0b", b"\x0c", b"\x1c", b"\x1f", "\u00a0".encode(), "\u2028".encode()])
def test_a_clean_line_followed_by_what_json_refuses_is_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tail: bytes
) -> None:
    """Only JSON white space may follow a record: ``str.isspace`` also takes U+001C, U+00A0 and
    more, which ``json.loads`` (the reader of the full path) refuses as extra data."""
    path = write_capture(tmp_path / "c.jsonl", clean_exchanges(2))
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0] + tail, *lines[1:]]))
    with pytest.raises(CaptureError, match="line 1"):
        list(open_capture(path).exchanges())
    code, _, err = run(["validate", str(path)], capsys)
    assert code == 2 and "line 1" in err
