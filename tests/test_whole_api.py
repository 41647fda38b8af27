"""Widening the model is all it takes: the whole cognito-idp API generates and works.

The committed files cover three operations.  This test regenerates a scratch copy of the package
for every operation of the pinned model (structures, lists, maps, integers, longs, blobs, booleans,
timestamps, recursive and shared shapes) and checks that nothing downstream needs new code: every
class compiles its checker, builders and schema, and generated instances round-trip through the
codec, strict decoding and the schema oracle.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = r"""
import json, sys
import cognito_spec as cs
from cognito_spec import schema
from cognito_spec.codec.compile import function_for
from cognito_spec.fixtures import Generator, Options, RandomSource
from cognito_spec.errors import GenerationError
from cognito_spec import STRUCTURES

assert cs.__file__.startswith(sys.argv[1]), cs.__file__
report = {"operations": len(cs.OPERATIONS), "classes": len(STRUCTURES), "round_trips": 0, "skipped": []}
for name, cls in sorted(STRUCTURES.items()):
    for mode in ("check", "strict", "build", "unbuild"):
        function_for(cls, mode)
    doc = cs.json_schema(cls)
    schema.check_schema(doc)
    for seed in range(3):
        gen = Generator(RandomSource(f"{name}-{seed}"), Options(adversarial=bool(seed % 2), unknown_enums=False))
        try:
            obj = gen.instance(cls)
        except GenerationError as exc:  # the generator does not invent strings for lookarounds
            report["skipped"].append(name)
            break
        body = cs.dumps(obj)
        assert cs.loads(body, cls, strict=True) == obj, name
        assert cs.loads(body, cls) == obj, name
        assert cs.validate(body, cls) == [], name
        assert schema.validator_for(cls).is_valid(json.loads(body)), name
        report["round_trips"] += 1
print(json.dumps(report))
"""


def test_the_whole_api_generates_and_round_trips(tmp_path: Path) -> None:
    for part in ("cognito_spec", "tools", "schemas"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    gen = subprocess.run(
        [sys.executable, "tools/generate.py", "--operations", "all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert gen.returncode == 0, gen.stderr[-3000:]
    run = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tmp_path), "HYPOTHESIS_NO_PLUGINS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["operations"] >= 120
    assert report["classes"] > 300
    # Only lookaround patterns are beyond the generator; everything else round-trips.
    assert set(report["skipped"]) <= {"DomainDescriptionType", "DescribeUserPoolDomainResponse"}
    assert report["round_trips"] >= 3 * (report["classes"] - len(report["skipped"])) - 3
