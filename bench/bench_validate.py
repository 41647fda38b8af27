"""Validation speed (issue #3): validate() of the realistic AdminGetUser response vs json.loads.

    python bench/bench_validate.py [--rounds N]

Target: strict validation stays within 3 x ``json.loads`` of the same bytes.  The payload and the
interleaved timing are the ones bench_codec.py uses (``_common``).  Exit code 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common

import cognito_spec as cs


def run(rounds: int) -> int:
    print(_common.header("bench_validate: cognito_spec.validation.validate"))
    body = _common.admin_get_user_response()
    cls = cs.AdminGetUserResponse
    assert cs.validate(body, cls) == [], "the benchmark body must be valid"
    samples = _common.interleaved(
        {
            "json.loads": lambda: json.loads(body),
            "validate strict": lambda: cs.validate(body, cls),
            "validate tolerant": lambda: cs.validate(body, cls, mode="tolerant"),
            "loads strict": lambda: cs.loads(body, cls, strict=True),
        },
        rounds=rounds,
    )
    print(f"AdminGetUser response: {len(body)} bytes")
    for name, values in samples.items():
        rel = (
            ""
            if name == "json.loads"
            else f"  {_common.ratio(samples, name, 'json.loads'):5.2f} x json.loads"
        )
        print(f"  {name:18s} {statistics.median(values) * 1e6:8.2f} us{rel}")
    strict = _common.ratio(samples, "validate strict", "json.loads")
    print(
        f"target: validate strict <= 3.0 x json.loads: {'met' if strict <= 3.0 else 'MISSED'} ({strict:.2f})"
    )
    return 0 if strict <= 3.0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=21)
    return run(parser.parse_args().rounds)


if __name__ == "__main__":
    raise SystemExit(main())
