"""Validation speed: validate() of the realistic AdminGetUser response vs json.loads, with and without orjson.

    python bench/bench_validate.py [--rounds N]

Targets: strict validation <= 1.2 x ``json.loads`` of the same bytes with orjson
(``cognito-spec[fast]``), <= 3.0 x without it.  Both paths run in the same interleaved rounds (the
switch ``codec.body.use_orjson`` is set before each batch); the payload and the timing are the ones
bench_codec.py uses (``_common``).  Every case is warmed up before its batch is calibrated, so the
first call's compiling never makes a batch of one call.  Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common

import cognito_spec as cs
from cognito_spec.codec import body as codec_body

LIMITS = {"orjson": 1.2, "stdlib": 3.0}


def run(rounds: int, json_path: str | None = None) -> int:
    results = _common.Results(
        "bench_validate", f"the AdminGetUser response ({len(_common.admin_get_user_response())} bytes)"
    )
    print(_common.header("bench_validate: cognito_spec.validation.validate"))
    body = _common.admin_get_user_response()
    cls = cs.AdminGetUserResponse
    assert cs.validate(body, cls) == [], "the benchmark body must be valid"
    fast_available = codec_body.use_orjson(True) or codec_body.orjson_enabled()
    paths = ["orjson", "stdlib"] if fast_available else ["stdlib"]
    switch = {"orjson": lambda: codec_body.use_orjson(True), "stdlib": lambda: codec_body.use_orjson(False)}
    cases: dict[str, Callable[[], Any]] = {"json.loads": lambda: json.loads(body)}
    setups: dict[str, Callable[[], Any]] = {}
    for path in paths:
        cases[f"validate strict {path}"] = lambda: cs.validate(body, cls)
        cases[f"validate tolerant {path}"] = lambda: cs.validate(body, cls, mode="tolerant")
        cases[f"loads strict {path}"] = lambda: cs.loads(body, cls, strict=True)
        for what in ("validate strict", "validate tolerant", "loads strict"):
            setups[f"{what} {path}"] = switch[path]
    samples = _common.interleaved(cases, rounds=rounds, setups=setups)
    codec_body.use_orjson(fast_available)
    fewest = min(_common.BATCHES, key=_common.BATCHES.__getitem__)
    print(
        f"AdminGetUser response: {len(body)} bytes; fewest calls per sample {_common.BATCHES[fewest]} ({fewest})"
    )
    for name, values in samples.items():
        rel = (
            ""
            if name == "json.loads"
            else f"  {_common.ratio(samples, name, 'json.loads'):5.2f} x json.loads"
        )
        print(f"  {name:24s} {statistics.median(values) * 1e6:8.2f} us{rel}")
    missed = 0
    for path in paths:
        strict = _common.ratio(samples, f"validate strict {path}", "json.loads")
        label = "with orjson" if path == "orjson" else "stdlib path"
        ok = results.target(
            f"validate.{path}.strict",
            f"`validate(...)`, bytes in, violations out, {label}",
            strict,
            LIMITS[path],
            "× `json.loads`",
        )
        missed += not ok
        print(
            f"target: validate strict ({path}) <= {LIMITS[path]} x json.loads: {'met' if ok else 'MISSED'} ({strict:.2f})"
        )
    if not fast_available:
        print("orjson not installed: the [fast] target was not measured")
    results.write(json_path)
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument(
        "--json", metavar="PATH", help="also write the results (tools/perf_table.py reads them)"
    )
    args = parser.parse_args()
    return run(args.rounds, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
