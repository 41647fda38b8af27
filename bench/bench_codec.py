"""Codec speed (issue #2): strict and tolerant decoding, encoding; against json and botocore.

    python bench/bench_codec.py [--rounds N]

Targets on the realistic AdminGetUser response: strict decode <= 3.0 x json.loads of the same bytes
and >= 2 x faster than botocore's JSON parser (which checks nothing); tolerant decode <= 2.5 x;
encode <= 1.5 x json.dumps of the equivalent dict.  Exit code 1 when a target is missed.
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

COMPACT = {"separators": (",", ":")}


def botocore_parser(operation: str):  # type: ignore[no-untyped-def]
    import botocore.session
    from botocore.parsers import create_parser

    model = botocore.session.get_session().get_service_model("cognito-idp").operation_model(operation)
    parser = create_parser("json")
    return lambda body: parser.parse({"body": body, "headers": {}, "status_code": 200}, model.output_shape)


def run(rounds: int) -> int:
    print(_common.header("bench_codec: cognito_spec wire codec"))
    payloads = [
        ("AdminGetUser response", _common.admin_get_user_response(), cs.AdminGetUserResponse, "AdminGetUser"),
        ("GetUser request (1.2 KB token)", _common.get_user_request(), cs.GetUserRequest, None),
        (
            "GetUserAuthFactors response",
            _common.get_user_auth_factors_response(),
            cs.GetUserAuthFactorsResponse,
            "GetUserAuthFactors",
        ),
    ]
    failures: list[str] = []
    for title, body, cls, boto_op in payloads:
        obj = cs.loads(body, cls, strict=True)
        wire = cs.to_wire(obj)
        cases = {
            "json.loads": lambda body=body: json.loads(body),
            "loads strict": lambda body=body, cls=cls: cs.loads(body, cls, strict=True),
            "loads tolerant": lambda body=body, cls=cls: cs.loads(body, cls),
            "json.dumps": lambda wire=wire: json.dumps(wire, **COMPACT),
            "dumps": lambda obj=obj: cs.dumps(obj),
        }
        if boto_op:
            parse = botocore_parser(boto_op)
            cases["botocore parse"] = lambda body=body, parse=parse: parse(body)
        samples = _common.interleaved(cases, rounds=rounds)
        print(f"{title}: {len(body)} bytes")
        for name, values in samples.items():
            base = "json.dumps" if name == "dumps" else "json.loads"
            rel = (
                ""
                if name in ("json.loads", "json.dumps")
                else f"  {_common.ratio(samples, name, base):5.2f} x {base}"
            )
            print(f"  {name:16s} {statistics.median(values) * 1e6:8.2f} us{rel}")
        strict = _common.ratio(samples, "loads strict", "json.loads")
        tolerant = _common.ratio(samples, "loads tolerant", "json.loads")
        encode = _common.ratio(samples, "dumps", "json.dumps")
        line = f"  -> strict {strict:.2f} x json.loads, tolerant {tolerant:.2f} x, encode {encode:.2f} x json.dumps"
        if boto_op:
            speedup = _common.ratio(samples, "botocore parse", "loads strict")
            line += f", strict is {speedup:.2f} x faster than botocore"
        print(line)
        if cls is cs.AdminGetUserResponse:
            checks = [
                ("strict <= 3.0", strict <= 3.0),
                ("tolerant <= 2.5", tolerant <= 2.5),
                ("encode <= 1.5", encode <= 1.5),
                ("botocore >= 2", speedup >= 2.0),
            ]
            failures += [f"{title}: {name}" for name, ok in checks if not ok]
        print()
    print("targets (AdminGetUser response):", "all met" if not failures else "MISSED " + "; ".join(failures))
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=21)
    return run(parser.parse_args().rounds)


if __name__ == "__main__":
    raise SystemExit(main())
