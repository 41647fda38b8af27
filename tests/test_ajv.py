"""The shipped schemas in a second, independent validator: ajv (JavaScript, Draft 2020-12).

ajv with its default options is strict: it refuses unknown keywords and logs other strict-mode
findings, and it applies ``pattern`` as an ECMA-262 regular expression with the ``u`` flag, which is
the dialect the schemas are written in.  So this checks two things a Python-only suite cannot:
every shipped file compiles cleanly in a stock JavaScript validator, and that validator reaches the
same verdict as the library's strict decoding on generated valid documents and on documents that
break exactly one constraint.

One node process (``tests/js/ajv_check.mjs``) compiles every schema and answers every document.
The pinned ajv (``tests/js/package.json`` and its lock file) is installed by the fixture below with
``npm ci`` into ``tests/js/node_modules`` and reused while it matches the lock file.  Without
``node`` or ``npm`` the tests are skipped.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

import attrs
import pytest
from _node import node_with, pinned

import cognito_spec as cs
from cognito_spec import STRUCTURES, schema
from cognito_spec import fixtures as fx
from cognito_spec.model import struct_info

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
SCHEMAS = ROOT / "schemas"
AJV_VERSION = pinned(JS, "ajv")
TOP_LEVEL = sorted(
    (
        c
        for c in STRUCTURES.values()
        if (i := struct_info(c)) is not None and i.role in ("input", "output", "error")
    ),
    key=lambda c: c.__name__,
)
DEEP = os.environ.get("COGNITO_SPEC_HYPOTHESIS_PROFILE") == "deep"
#: Valid documents per class and mode: 358 classes x 2 modes = 716 (deep: x 10).
PER_CLASS = 10 if DEEP else 1
#: Near misses (a complete document with exactly one constraint broken), per class and mode: a
#: sample of the ways to break one constraint, drawn afresh for each class (deep: every way).  All
#: of them for every class would be about a million documents of the whole API.
NEAR_MISSES = None if DEEP else 3
#: The classes near misses are made for outside the deep profile: the seed operations' and a sample
#: of the rest (the deep profile takes every class).
NEAR_MISS_CLASSES = {
    "AdminGetUserRequest",
    "AdminGetUserResponse",
    "GetUserRequest",
    "GetUserResponse",
    "GetUserAuthFactorsResponse",
    *random.Random("ajv near misses").sample(sorted(c.__name__ for c in TOP_LEVEL), 40),
}
MODES = {"realistic": fx.Options(), "adversarial": fx.Options(adversarial=True)}


@pytest.fixture(scope="session")
def node() -> str:
    return node_with(JS, "ajv", "run ajv")


@attrs.frozen
class Document:
    cls: type
    label: str
    wire: Any = attrs.field(repr=False)
    #: The violation the generator declares for an invalid document; None for a valid one.
    violation: Any = None


def _documents() -> list[Document]:
    docs: list[Document] = []
    for cls in TOP_LEVEL:
        name = cls.__name__
        for mode, options in MODES.items():
            for i in range(PER_CLASS):
                g = fx.Generator(fx.RandomSource(f"ajv/{name}/{mode}/{i}"), options)
                docs.append(Document(cls, f"{name} {mode} #{i}", g.valid_wire(cls)))
            if not DEEP and name not in NEAR_MISS_CLASSES:
                continue
            g = fx.Generator(fx.RandomSource(f"ajv/{name}/{mode}/invalid"), options)
            cases = list(g.all_invalid(cls))
            if NEAR_MISSES is not None and len(cases) > NEAR_MISSES:
                cases = random.Random(f"{name}/{mode}").sample(cases, NEAR_MISSES)
            for case in cases:
                docs.append(Document(cls, f"{name} {mode}: {case.label}", case.wire, case.violation))
    return docs


@attrs.frozen
class AjvRun:
    header: dict[str, Any]
    documents: list[Document]
    answers: list[dict[str, Any]]


def _ask_ajv(node: str, documents: list[Document], only: list[str] | None = None) -> AjvRun:
    """Every document through one node process: JSON lines in, one verdict line per document out.
    ``only``: compile just these schemas (all of them by default)."""
    lines = "".join(json.dumps({"schema": d.cls.__name__, "instance": d.wire}) + "\n" for d in documents)
    done = subprocess.run(
        [node, str(JS / "ajv_check.mjs"), str(SCHEMAS), *([",".join(only)] if only else [])],
        input=lines,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    header, *answers = (json.loads(line) for line in done.stdout.splitlines())
    assert len(answers) == len(documents)
    return AjvRun(header, documents, answers)


@pytest.fixture(scope="session")
def ajv(node: str) -> AjvRun:
    return _ask_ajv(node, _documents())


def _same_unicode(run: AjvRun) -> None:
    """``\\p{L}`` and the like mean the Unicode version of the engine; ours is in the schemas."""
    ours = schema.annotations_of(schema.load_schema("GetUserRequest"))["x-unicode-version"]
    theirs = run.header["unicode"]
    if [int(x) for x in ours.split(".")[:2]] != [int(x) for x in theirs.split(".")[:2]]:
        pytest.skip(f"this node has Unicode {theirs}, the schemas' categories are Unicode {ours}")


def _library_accepts(doc: Document) -> bool:
    try:
        cs.from_wire(doc.wire, doc.cls, strict=True)
    except cs.DecodeError:
        return False
    return True


def test_every_shipped_schema_compiles_in_ajv_2020_with_default_options(ajv: AjvRun) -> None:
    assert ajv.header["ajv"] == AJV_VERSION
    assert ajv.header["failed"] == {}
    assert ajv.header["warnings"] == []  # strict-mode findings ajv only logs count as failures too
    assert ajv.header["strict_failed"] == {}  # and none appears with every strict check an error
    assert ajv.header["compiled"] == sorted(p.stem for p in SCHEMAS.glob("*.json"))
    assert ajv.header["compiled"] == [c.__name__ for c in TOP_LEVEL]


def test_ajv_and_strict_decoding_agree_on_valid_documents(ajv: AjvRun) -> None:
    _same_unicode(ajv)
    valid = [(d, a) for d, a in zip(ajv.documents, ajv.answers, strict=True) if d.violation is None]
    assert len(valid) == 2 * PER_CLASS * len(TOP_LEVEL)
    disagreements = [(d.label, a["errors"]) for d, a in valid if a["valid"] != _library_accepts(d)]
    assert disagreements == []
    # Adversarial responses may hold enum values newer than the model: both refuse those.  The rest
    # is valid for both.
    assert sum(a["valid"] for _, a in valid) >= len(valid) * 3 // 4


def test_ajv_refuses_every_document_that_breaks_one_constraint(ajv: AjvRun) -> None:
    _same_unicode(ajv)
    invalid = [(d, a) for d, a in zip(ajv.documents, ajv.answers, strict=True) if d.violation is not None]
    assert len(invalid) >= (len(TOP_LEVEL) if DEEP else len(NEAR_MISS_CLASSES)) * 2
    assert [d.label for d, _ in invalid if _library_accepts(d)] == []
    assert [d.label for d, a in invalid if a["valid"] is not False] == []
    # Every kind of constraint this model has (see tests/test_fixtures.py) is among them.
    kinds = {d.violation.kind for d, _ in invalid}
    every = {"type", "required", "unknown_member", "length_min", "length_max", "pattern", "enum"}
    every |= {"range_min", "range_max", "timestamp_range"}
    assert {"type", "required", "unknown_member", "pattern"} <= kinds <= every


def test_ajv_applies_the_patterns_as_the_service_does(node: str) -> None:
    """Whole-string ECMA-262 matching with ``u``: Unicode categories, ASCII-only ranges, no ``$``
    before a trailing newline.  Each verdict is also the library's."""
    pool, user = "us-east-1_AbC", "ünï"
    cases = [
        {"UserPoolId": pool, "Username": user},  # \p{L} takes ü and ï
        {"UserPoolId": pool, "Username": "𝔘ser😀"},  # astral letters and symbols: one code point each
        {"UserPoolId": pool, "Username": "alice\n"},  # a trailing newline is not in the class
        {"UserPoolId": pool, "Username": "al ice"},  # nor is a space
        {"UserPoolId": pool + "\n", "Username": user},
        {"UserPoolId": "us-east-1_Ab\u0663", "Username": user},  # ARABIC-INDIC DIGIT THREE is not [0-9]
        {"UserPoolId": "üs-east-1_AbC", "Username": user},
    ]
    docs = [Document(cs.AdminGetUserRequest, repr(c), c) for c in cases]
    verdicts = [a["valid"] for a in _ask_ajv(node, docs, only=["AdminGetUserRequest"]).answers]
    assert verdicts == [True, True, False, False, False, False, False]
    assert verdicts == [_library_accepts(d) for d in docs]
