"""Validation in batches (cognito_spec.traffic.batch) and on a Dask cluster (cognito_spec.traffic.dask).

The oracle throughout is the command line: ``cognito-spec validate --format json`` over the same files.
Cut into any partitions, merged in any tree and any order, the batches give its summary and, sorted
by (source, index), its findings; on a local cluster of two worker processes, so does the Dask recipe.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import DEEP
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_spec.cli import main
from cognito_spec.errors import ArgumentTypeError, ArgumentValueError, CaptureError, DaskExtraMissingError
from cognito_spec.fixtures import generate
from cognito_spec.traffic.batch import BatchResult, LocatedFinding, Summary, validate_lines
from cognito_spec.traffic.record import Exchange, write_jsonl

HAS_DASK = find_spec("dask") is not None and find_spec("distributed") is not None
NEEDS_DASK = pytest.mark.skipif(
    not HAS_DASK, reason="dask[bag] and distributed are not installed (pip install 'cognito-spec[dask]')"
)


# --------------------------------------------------------------------------------------------------
# Captures: every kind of line the summary counts.


#: The operations the captures are made of: these tests are about cutting and merging, not about
#: any operation (test_exchange.py samples those), so a fixed few of every kind of auth and output
#: (a signed admin call, a token-authorised one, a sign-in that issues tokens, one without output).
CAPTURE_OPERATIONS = (
    "AdminGetUser",
    "GetUser",
    "GetUserAuthFactors",
    "InitiateAuth",
    "DeleteUser",
    "ListGroups",
)


def _fixtures(kind: str, count: int, seed: int) -> list[Exchange]:
    return [
        f.exchange
        for op in CAPTURE_OPERATIONS
        for f in generate(op, kind, count=count, seed=seed)
        if f.exchange
    ]


def _retarget(ex: Exchange, target: str) -> Exchange:
    headers = tuple((k, target if k.lower() == "x-amz-target" else v) for k, v in ex.request_headers)
    return attrs.evolve(ex, request_headers=headers)


def _mixed(seed: int) -> list[Exchange]:
    """Clean and invalid exchanges, with the departures of every counter of the summary."""
    out: list[Exchange] = []
    for i, fixture in enumerate(_fixtures("exchange", 6, seed) + _fixtures("invalid", 4, seed)):
        ex = fixture
        if i % 9 == 2:  # an error of the server: the response is not JSON
            ex = attrs.evolve(ex, response_body=b"oops")
        elif i % 9 == 4:  # a warning that fails --strict: JSON served as application/json
            headers = tuple(
                (k, "application/json" if k.lower() == "content-type" else v) for k, v in ex.response_headers
            )
            ex = attrs.evolve(ex, response_headers=headers)
        elif i % 9 == 6:  # a finding about the capture: no response recorded
            ex = attrs.evolve(ex, status=None, response_headers=(), response_body=None)
        elif i % 9 == 7:  # an operation the model lacks: a finding (unknown_operation)
            ex = _retarget(ex, "AWSCognitoIdentityProviderService.Teleport")
        out.append(ex)
    out.insert(3, Exchange((("Origin", "http://localhost"),), None, 204, method="OPTIONS"))
    out.insert(8, Exchange((), None, 200, (), b"x", method="GET", url="https://example.com/"))
    return out


def _lines(exchanges: list[Exchange]) -> list[bytes]:
    buf = io.StringIO()
    write_jsonl(exchanges, buf)
    lines = buf.getvalue().encode().split(b"\n")[:-1]
    lines.insert(5, b"")  # blank lines count as lines and hold nothing
    lines.insert(11, b"   ")
    return lines


def _write(path: Path, lines: list[bytes]) -> str:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return str(path)


def _cli(args: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The finding records and the summary record of ``cognito-spec validate --format json``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["validate", "--format", "json", *args])
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[-1]["type"] == "summary"
    return records[:-1], records[-1]


@attrs.frozen
class _Oracle:
    files: list[tuple[str, list[bytes]]]  # (source, lines), in the order the command line got them
    findings: list[dict[str, Any]]
    summary: dict[str, Any]
    strict_summary: dict[str, Any]
    one_pass: Summary  # of validate_lines over each whole file


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> _Oracle:
    d = tmp_path_factory.mktemp("captures")
    files = [
        (_write(d / f"{name}.jsonl", lines), lines)
        for name, lines in (("a", _lines(_mixed(1))), ("b", _lines(_mixed(2))))
    ]
    paths = [p for p, _ in files]
    findings, summary = _cli(paths)
    _, strict_summary = _cli(["--strict", *paths])
    one_pass = Summary.combine(*(validate_lines(lines, source=s).summary for s, lines in files))
    return _Oracle(files, findings, summary, strict_summary, one_pass)


def test_the_capture_exercises_every_counter_of_the_summary(oracle: _Oracle) -> None:
    s = oracle.summary
    assert s["valid"] and s["invalid"] and s["errors"] and s["warnings"]
    assert all(s["warnings_by_side"].values())
    assert set(s["skipped"]) == {"preflight", "not_cognito"}
    assert s["operations"]["Teleport"] == sum(1 for f in oracle.findings if f["kind"] == "unknown_operation")
    assert oracle.strict_summary["invalid"] > s["invalid"]


# --------------------------------------------------------------------------------------------------
# Any cut, any merge tree, any order: the summary and the findings of one pass.


def _merge_tree(data: st.DataObject, items: list[Summary]) -> Summary:
    """A random binary tree of :meth:`Summary.combine` over ``items``, in their order."""
    if len(items) == 1:
        return items[0]
    k = data.draw(st.integers(1, len(items) - 1))
    return Summary.combine(_merge_tree(data, items[:k]), _merge_tree(data, items[k:]))


@given(data=st.data())
@settings(max_examples=5000 if DEEP else 40)  # each example validates two captures again
def test_any_partitions_merged_in_any_tree_and_order_give_the_summary_and_findings_of_the_cli(
    oracle: _Oracle, data: st.DataObject
) -> None:
    results: list[BatchResult] = []
    for source, lines in oracle.files:
        cuts = sorted(data.draw(st.sets(st.integers(1, len(lines) - 1), max_size=6)))
        for start, end in zip([0, *cuts], [*cuts, len(lines)], strict=True):
            part: list[bytes | str] = list(lines[start:end])
            if data.draw(st.booleans()):  # lines as text, newline kept, as dask.bag.read_text gives them
                part = [line.decode() + "\n" for line in lines[start:end]]
            results.append(validate_lines(part, source=source, first_line=start))
    assert all(r.failure is None for r in results)
    order = data.draw(st.permutations(range(len(results))))
    summaries = [results[i].summary for i in order]
    before = copy.deepcopy(summaries)

    merged = _merge_tree(data, summaries)

    assert summaries == before  # combine leaves its inputs alone: an input of a reduction may be shared
    assert merged == oracle.one_pass
    paths = [source for source, _ in oracle.files]
    assert merged.to_json(paths, strict=False) == oracle.summary
    assert merged.to_json(paths, strict=True) == oracle.strict_summary
    rank = {source: i for i, source in enumerate(paths)}
    shuffled = [f for i in order for f in results[i].findings()]
    findings = sorted(shuffled, key=lambda f: (rank[f.source], f.index))  # stable: an exchange's own order
    assert [f.to_json() for f in findings] == oracle.findings


def test_an_unreadable_line_stops_the_batch_where_the_cli_stops(tmp_path: Path) -> None:
    lines = _lines(_mixed(3))
    broken = [*lines[:7], b'{"request": [', *lines[7:]]
    path = _write(tmp_path / "broken.jsonl", broken)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["validate", "--format", "json", path]) == 2
    cli_findings = [json.loads(line) for line in out.getvalue().splitlines()]

    result = validate_lines(broken[3:], source=path, first_line=3)

    assert result.failure is not None and result.failure_line == 7
    assert err.getvalue() == f"cognito-spec: {result.failure}\n"  # names the file and the line, from 1
    head = validate_lines(broken[:3], source=path).findings()
    assert [f.to_json() for f in head + result.findings()] == cli_findings


def test_a_line_is_bytes_or_text() -> None:
    with pytest.raises(ArgumentTypeError, match="bytes or str"):
        validate_lines([123])  # type: ignore[list-item]


# --------------------------------------------------------------------------------------------------
# The Dask recipe on a local cluster of two worker processes.


def _dask_files(d: Path) -> list[str]:
    """Several files, with what a reader of text could get wrong: a record with a lone carriage
    return (JSON white space), a line ending in CR LF, an empty file."""
    lines = _lines(_mixed(4))
    lines[2] = lines[2].replace(b',"', b',\r"', 1)
    lines[4] = lines[4] + b"\r"
    return [
        _write(d / "0-clean.jsonl", _lines(_fixtures("exchange", 5, 7))),
        _write(d / "1-invalid.jsonl", _lines(_fixtures("invalid", 5, 8))),
        _write(d / "2-mixed.jsonl", _lines(_mixed(5))),
        _write(d / "3-edges.jsonl", lines),
        _write(d / "4-empty.jsonl", []),
    ]


def test_without_the_extra_the_recipe_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from cognito_spec.traffic.dask import read_captures, validate_partition

    monkeypatch.setitem(sys.modules, "dask.bag", None)  # what an environment without dask gives
    with pytest.raises(DaskExtraMissingError, match=re.escape("pip install 'cognito-spec[dask]'")):
        read_captures("captures/*.jsonl")
    # The partition function itself needs nothing: it is plain cognito-spec.
    assert validate_partition([]) == []


@NEEDS_DASK
def test_the_dask_recipe_on_two_workers_gives_the_findings_and_summary_of_the_cli(tmp_path: Path) -> None:
    # The one test that starts a cluster (a few seconds); the others run the same graphs in process.
    from distributed import Client, LocalCluster

    from cognito_spec.traffic.dask import read_captures, validate_bag

    files = _dask_files(tmp_path)
    cli_findings, cli_summary = _cli(files)

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        findings_bag, summary_item = validate_bag(read_captures(str(tmp_path / "*.jsonl")), split_every=2)
        findings, summary = client.gather(client.compute([findings_bag, summary_item]))

    assert all(isinstance(f, LocatedFinding) for f in findings)
    assert [f.to_json() for f in findings] == cli_findings
    assert summary.to_json(files, strict=False) == cli_summary
    assert cli_summary["entries"] > 50 and cli_findings


@NEEDS_DASK
def test_on_dask_an_unreadable_line_fails_with_the_error_of_the_cli(tmp_path: Path) -> None:
    from cognito_spec.traffic.dask import read_captures, validate_bag

    lines = _lines(_mixed(6))
    path = _write(tmp_path / "bad.jsonl", [*lines[:9], b'{"request": {"body": "\xff"}}', *lines[9:]])
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        assert main(["validate", path]) == 2

    _, summary = validate_bag(read_captures(path))
    with pytest.raises(CaptureError) as caught:
        summary.compute(scheduler="sync")

    assert err.getvalue() == f"cognito-spec: {caught.value}\n"


@NEEDS_DASK
def test_a_file_cut_into_blocks_is_refused_rather_than_misnumbered(tmp_path: Path) -> None:
    import dask.bag as db

    from cognito_spec.traffic.dask import validate_bag

    path = _write(tmp_path / "long.jsonl", _lines(_mixed(7)))
    bag = db.read_text(path, include_path=True, blocksize=4096, linedelimiter="\n")
    assert bag.npartitions > 1
    _, summary = validate_bag(bag)
    with pytest.raises(ArgumentValueError, match="spans several partitions"):
        summary.compute(scheduler="sync")
    with pytest.raises(ArgumentTypeError, match="include_path=True"):
        validate_bag(db.read_text(path))[1].compute(scheduler="sync")
