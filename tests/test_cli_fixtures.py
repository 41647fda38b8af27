"""``cognito-spec fixtures``, ``schema`` and ``operations``: what users run, byte for byte.

The commands run in process through ``cli.main`` (and, for determinism, in fresh processes).  What
they print is checked by the library (strict decoding), by ``cognito-spec validate`` reading it
back, and by plain JSON parsing; parametrised over the registry.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import each
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_spec import MODEL_VERSION, OPERATIONS, STRUCTURES, DecodeError, loads
from cognito_spec.cli import main
from cognito_spec.traffic.record import header

SCHEMAS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "schemas").glob("*.json"))
#: Each example runs the command for one operation: a tenth of the profile's examples.
SOME = settings(max_examples=max(10, settings().max_examples // 10))


def run(capsys: pytest.CaptureFixture[str] | None, *argv: str) -> tuple[int, str, str]:
    """The command in process; without ``capsys`` (inside hypothesis) output is captured here."""
    if capsys is not None:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    out_buf, err_buf = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out_buf), contextlib.redirect_stderr(err_buf):
        code = main(list(argv))
    return code, out_buf.getvalue(), err_buf.getvalue()


def records(text: str, fmt: str) -> list[dict[str, Any]]:
    if fmt == "json":
        data: list[dict[str, Any]] = json.loads(text)
        return data
    return [json.loads(line) for line in text.splitlines()]


# --------------------------------------------------------------------------------------------------
# fixtures


@each(sorted(OPERATIONS))
@SOME
@given(data=st.data(), fmt=st.sampled_from(["json", "jsonl"]))
def test_message_fixtures_are_strictly_valid(pick: tuple[str, ...], data: st.DataObject, fmt: str) -> None:
    op = OPERATIONS[data.draw(st.sampled_from(pick), label="operation")]
    for kind in ("request", "response", "error"):
        code, out, _ = run(None, "fixtures", op.name, "--kind", kind, "--count", "4", "--format", fmt)
        assert code == 0
        rows = records(out, fmt)
        assert [r["index"] for r in rows] == list(range(4))
        for r in rows:
            assert (r["operation"], r["kind"]) == (op.name, kind)
            headers = [tuple(h) for h in r["headers"]]
            assert header(headers, "Content-Length") == str(len(r["body"].encode()))  # type: ignore[arg-type]
            if r["shape"] is None:
                # An operation without output: its answer is an empty object, as on the wire.
                assert (kind, op.output, r["body"], r["status"]) == ("response", None, "{}", 200)
                continue
            cls = STRUCTURES[r["shape"]]
            loads(r["body"].encode(), cls, strict=True)
            if kind == "error":
                assert r["status"] == cls.http_status  # type: ignore[attr-defined]
                assert header(headers, "x-amzn-ErrorType") == f"{cls.code}:"  # type: ignore[arg-type, attr-defined]


@each(sorted(OPERATIONS))
@SOME
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_invalid_fixtures_fail_with_their_declared_violation(
    pick: tuple[str, ...], data: st.DataObject, seed: int
) -> None:
    op = data.draw(st.sampled_from(pick), label="operation")
    argv = ("fixtures", op, "--kind", "invalid", "--count", "4", "--format", "jsonl", "--seed", str(seed))
    code, out, _ = run(None, *argv)
    assert code == 0
    for r in records(out, "jsonl"):
        with pytest.raises(DecodeError) as caught:
            loads(r["body"].encode(), STRUCTURES[r["shape"]], strict=True)
        (violation,) = caught.value.violations
        declared = r["violation"]
        assert violation.pointer == declared["pointer"]
        assert list(violation.path) == declared["path"]
        assert violation.kind == declared["kind"]
        limit = list(violation.limit) if isinstance(violation.limit, tuple) else violation.limit
        assert limit == declared["limit"]
        assert violation.shape == declared["shape"]


@each(sorted(OPERATIONS))
@SOME
@given(data=st.data(), seed=st.integers(0, 2**32), adversarial=st.booleans())
def test_exchange_jsonl_is_read_back_by_validate(
    tmp_path_factory: pytest.TempPathFactory,
    pick: tuple[str, ...],
    data: st.DataObject,
    seed: int,
    adversarial: bool,
) -> None:
    op = data.draw(st.sampled_from(pick), label="operation")
    flags = ["--adversarial"] if adversarial else []
    code, out, _ = run(None, "fixtures", op, "--count", "8", "--format", "jsonl", "--seed", str(seed), *flags)
    assert code == 0
    path = tmp_path_factory.mktemp("jsonl") / "fixtures.jsonl"
    path.write_text(out, encoding="utf-8")
    code, report, _ = run(None, "validate", str(path))
    assert code == 0, report


@each(sorted(OPERATIONS))
@SOME
@given(data=st.data())
def test_har_output_is_read_back_by_validate(
    tmp_path_factory: pytest.TempPathFactory, pick: tuple[str, ...], data: st.DataObject
) -> None:
    op = data.draw(st.sampled_from(pick), label="operation")
    code, out, _ = run(None, "fixtures", op, "--count", "3", "--format", "har", "--adversarial")
    assert code == 0
    har = json.loads(out)
    creator = har["log"]["creator"]
    assert creator["name"] == "cognito-spec"
    assert "generated by cognito-spec" in creator["comment"]
    assert MODEL_VERSION in creator["comment"]
    assert len(har["log"]["entries"]) == 3
    path = tmp_path_factory.mktemp("har") / f"{op}.har"
    path.write_text(out, encoding="utf-8")
    code, report, _ = run(None, "validate", str(path))
    assert code == 0, report


def test_a_browser_sign_in_validates_clean(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """InitiateAuth, RespondToAuthChallenge, GetTokensFromRefreshToken, GetUser: issued tokens as
    the service issues them, then used (the capture token checks find nothing)."""
    lines = []
    for op in ("InitiateAuth", "RespondToAuthChallenge", "GetTokensFromRefreshToken", "GetUser"):
        code, out, _ = run(capsys, "fixtures", op, "--count", "10", "--format", "jsonl", "--seed", "11")
        assert code == 0
        lines.append(out)
    path = tmp_path / "sign-in.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    code, report, _ = run(capsys, "validate", str(path))
    assert code == 0, report
    issued = [
        json.loads(json.loads(line)["response"]["body"]).get("AuthenticationResult")
        for line in "".join(lines[:3]).splitlines()
    ]
    assert any(r is not None and r["TokenType"] == "Bearer" for r in issued)


def test_invalid_har_shows_what_validate_must_catch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, "fixtures", "AdminGetUser", "--kind", "invalid", "--count", "30", "--format", "har"
    )
    assert code == 0
    entries = json.loads(out)["log"]["entries"]
    assert len(entries) == 30
    # Invalid requests come with the service's error; broken responses are answered with 200.
    assert {e["response"]["status"] for e in entries[0::2]} <= {200, 400}
    assert {e["response"]["status"] for e in entries[1::2]} == {200}
    path = tmp_path / "invalid.har"
    path.write_text(out, encoding="utf-8")
    code, _, _ = run(capsys, "validate", str(path))
    assert code == 1


def test_json_array_layout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fixtures", "GetUser", "--kind", "request", "--count", "0")
    assert (code, out) == (0, "[]\n")
    code, out, _ = run(capsys, "fixtures", "GetUser", "--kind", "request", "--count", "2")
    assert out.startswith('[\n  {\n    "operation": ') and out.endswith("\n  }\n]\n")
    assert len(json.loads(out)) == 2


def test_error_option_names_the_failure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "fixtures",
        "GetUser",
        "--error",
        "NotAuthorizedException",
        "--count",
        "3",
        "--format",
        "jsonl",
    )
    assert code == 0
    for r in records(out, "jsonl"):
        assert r["response"]["status"] == 400
        assert json.loads(r["response"]["body"])["__type"] == "NotAuthorizedException"


def test_output_depends_on_seed_and_flags(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {
        run(capsys, "fixtures", "AdminGetUser", *extra)[1]
        for extra in ([], ["--seed", "1"], ["--adversarial"], ["--adversarial", "--unknown-enums"])
    }
    assert len(outputs) == 4


def test_same_seed_same_bytes_in_fresh_processes(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fixtures", "AdminGetUser", "--count", "5", "--seed", "42", "--format", "har", "--adversarial"]
    _, expected, _ = run(capsys, *argv)
    for hash_seed in ("0", "123"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-m", "cognito_spec", *argv], capture_output=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == expected.encode("utf-8")


# --------------------------------------------------------------------------------------------------
# schema and operations


@each(SCHEMAS)
@given(data=st.data())
def test_schema_prints_the_shipped_file(pick: tuple[str, ...], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(pick), label="schema")
    code, out, _ = run(None, "schema", name)
    assert code == 0
    shipped = Path(__file__).resolve().parent.parent / "schemas" / f"{name}.json"
    assert out == shipped.read_text(encoding="utf-8")


def test_operations_lists_targets_auth_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    ops = list(OPERATIONS.values())
    counts = Counter(op.auth for op in ops)
    code, out, _ = run(capsys, "operations")
    assert code == 0
    *listing, summary = out.splitlines()
    rows = [line for line in listing if not line.startswith(" ")]
    errors = [line.strip() for line in listing if line.startswith(" ")]
    assert len(rows) == len(errors) == len(ops) == 153  # the whole API of the pinned model
    for op, row, listed in zip(ops, rows, errors, strict=True):
        assert row.split() == [op.name, op.auth, op.target]
        assert listed == "errors: " + ", ".join(f"{e.code} ({e.http_status})" for e in op.errors)
    kinds = ", ".join(f"{kind} {counts[kind]}" for kind in ("sigv4", "optional", "access_token", "none"))
    assert summary == f"153 operations of {MODEL_VERSION}; auth: {kinds}"

    code, out, _ = run(capsys, "operations", "--format", "json")
    document = json.loads(out)
    assert (document["model"], document["count"]) == (MODEL_VERSION, 153)
    assert document["auth"] == {k: counts[k] for k in ("sigv4", "optional", "access_token", "none")}
    assert [r["name"] for r in document["operations"]] == list(OPERATIONS)
    for r in document["operations"]:
        op = OPERATIONS[r["name"]]
        assert (r["target"], r["auth"]) == (op.target, op.auth)
        assert (r["input"], r["output"]) == (op.input_name, op.output_name)
        assert [e["code"] for e in r["errors"]] == [e.code for e in op.errors]
        assert [e["status"] for e in r["errors"]] == [e.http_status for e in op.errors]


def test_operations_auth_kinds_are_the_services() -> None:
    """whole-api.md section 4: 34 operations unsigned in the model (24 of them carry an access
    token), GetClientToken and GetDerivedToken signed or not, every other one SigV4."""
    by_kind: dict[str, set[str]] = {}
    for op in OPERATIONS.values():
        by_kind.setdefault(op.auth, set()).add(op.name)
    assert by_kind["optional"] == {"GetClientToken", "GetDerivedToken"}
    assert len(by_kind["access_token"] | by_kind["none"]) == 34
    assert {"InitiateAuth", "SignUp", "RespondToAuthChallenge"} <= by_kind["none"]
    assert {"GetUser", "ChangePassword", "ListUserSessions"} <= by_kind["access_token"]
    assert len(by_kind["sigv4"]) == 153 - 36


_OPERATIONS_IMPORTS = """
import sys
from cognito_spec.cli import main
assert main(["operations", "--format", "{fmt}"]) == 0
print(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_operations_lists_every_operation_once_without_importing_their_classes(fmt: str) -> None:
    # As the API widens to every operation, the listing stays one look at the registry: names,
    # targets, auth and errors, not ~150 operation modules.
    proc = subprocess.run(
        [sys.executable, "-c", _OPERATIONS_IMPORTS.format(fmt=fmt)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    *listing, modules = proc.stdout.splitlines()
    if fmt == "json":
        names = [row["name"] for row in json.loads("\n".join(listing))["operations"]]
    else:
        names = [line.split()[0] for line in listing[:-1] if not line.startswith(" ")]
    assert names == list(OPERATIONS)
    operation_modules = {op.input.__module__ for op in OPERATIONS.values()}
    assert operation_modules & set(modules.split()) == set()


# --------------------------------------------------------------------------------------------------
# Bad usage: exit 2, one line, no traceback.


@pytest.mark.parametrize(
    "argv",
    [
        ["fixtures", "NoSuchOperation"],
        ["fixtures", "GetUser", "--count", "-1"],
        ["fixtures", "GetUser", "--count", "many"],
        ["fixtures", "GetUser", "--seed", "x"],
        ["fixtures", "GetUser", "--kind", "request", "--format", "har"],
        ["fixtures", "GetUser", "--kind", "invalid", "--error", "UserNotFoundException"],
        ["fixtures", "AdminGetUser", "--kind", "error", "--error", "ForbiddenException"],
        ["fixtures", "GetUser", "--kind", "bogus"],
        ["schema", "NoSuchShape"],
        ["schema", "../pyproject"],
        ["operations", "--format", "xml"],
    ],
)
def test_bad_usage_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("cognito-spec: ") and err.count("\n") == 1
    assert "Traceback" not in err
