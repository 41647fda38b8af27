"""``cognito-spec fixtures``, ``cognito-spec schema`` and ``cognito-spec operations``.

``fixtures OPERATION [--kind request|response|error|exchange|invalid] [--count N] [--seed S]
[--format json|jsonl|har] [--error CODE] [--adversarial] [--unknown-enums]``
    Generated messages (see :mod:`cognito_spec.fixtures.generator`).  The same seed and the same version of
    cognito-spec print the same bytes, in any process; fixture ``i`` of a run does not depend on
    ``--count``.  Bodies are exactly what the service (or a client) sends.  Every ``request``,
    ``response``, ``error`` and ``exchange`` fixture passes strict validation (unless
    ``--unknown-enums``); every ``invalid`` fixture breaks exactly the one constraint its
    ``violation`` names.

    ``json``: one JSON array of records; ``jsonl``: one record a line.  A record has ``operation``,
    ``kind``, ``index``, ``shape``, then ``status`` and ``headers`` where they apply, and ``body``
    (the exact body text).  Invalid records add ``violation`` (``pointer``, ``path``, ``kind``,
    ``limit``, ``shape``).  Exchange records are the JSON-lines records of :mod:`cognito_spec.traffic.jsonl`,
    so ``cognito-spec validate`` reads ``--kind exchange --format jsonl`` output back.  ``har``: a
    HAR 1.2 document of exchanges (``--kind exchange``, or ``invalid``: invalid requests with the
    service's answer, and valid requests answered with an invalid response).

``schema NAME``
    Prints the shipped JSON Schema of a request, response or error shape, byte for byte.

``operations [--format text|json]``
    Lists every operation of the registry (:data:`cognito_spec.operations.OPERATIONS`) with its
    ``X-Amz-Target``, authorisation kind (``sigv4``, ``optional``, ``access_token``, ``none``) and
    errors, then how many operations have each kind; from the registry's rows alone: no
    operation's module is imported, however many the API has.  ``json``: one object, ``{"model",
    "count", "auth": {kind: count}, "operations": [rows]}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, Any, Final

from cognito_spec.errors import UsageError

__all__ = ["register"]

_MESSAGE_KINDS: Final = ("request", "response", "error")
#: The authorisation kinds of :data:`cognito_spec.operations.AuthKind`, in the order they are listed.
_AUTH_KINDS: Final = ("sigv4", "optional", "access_token", "none")


def register(subparsers: Any) -> None:
    from cognito_spec.fixtures import KINDS

    f = subparsers.add_parser(
        "fixtures",
        help="generate valid or invalid messages and exchanges for an operation",
        description="Generate messages of an operation as the service and its clients send them."
        " The same --seed and version always give the same output.",
    )
    f.add_argument("operation", metavar="OPERATION", help="operation name (GetUser) or X-Amz-Target")
    f.add_argument("--kind", choices=KINDS, default="exchange", help="what to generate (default exchange)")
    f.add_argument("--count", type=_count, default=1, metavar="N", help="how many (default 1)")
    f.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed (integer, default 0)")
    f.add_argument(
        "--format", choices=("json", "jsonl", "har"), default="json", help="output format (default json)"
    )
    f.add_argument(
        "--error", metavar="CODE", help="error code for --kind error, or the failure of every exchange"
    )
    f.add_argument(
        "--adversarial",
        action="store_true",
        help="explore the whole valid space (all Unicode categories, edge lengths) instead of realistic values",
    )
    f.add_argument(
        "--unknown-enums",
        action="store_true",
        help="put enum values the model does not list into responses (valid for clients, not strictly)",
    )
    f.set_defaults(func=run_fixtures)

    s = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a request, response or error shape",
        description="Print a shipped JSON Schema (Draft 2020-12) by shape name, e.g. AdminGetUserResponse.",
    )
    s.add_argument("name", metavar="NAME", help="shape name, e.g. AdminGetUserResponse")
    s.set_defaults(func=run_schema)

    o = subparsers.add_parser(
        "operations",
        help="list the operations with targets, authorisation and errors",
        description="List every operation of the model with its X-Amz-Target, authorisation kind and errors.",
    )
    o.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    o.set_defaults(func=run_operations)


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a count: {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"a count cannot be negative: {n}")
    return n


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a seed is an integer, not {text!r}") from None


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("cognito-spec")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without installation
        return "0+unknown"


def _operation_names() -> str:
    from cognito_spec.operations import OPERATIONS

    return ", ".join(OPERATIONS)


def run_fixtures(args: argparse.Namespace) -> int:
    from cognito_spec import fixtures

    try:
        op = fixtures.operation(args.operation)
    except KeyError:
        raise UsageError(f"unknown operation {args.operation!r}; known: {_operation_names()}") from None
    if args.format == "har" and args.kind in _MESSAGE_KINDS:
        raise UsageError(f"--format har holds exchanges: use --kind exchange or invalid, not {args.kind}")
    if args.error is not None and args.kind not in ("error", "exchange"):
        raise UsageError("--error applies to --kind error and --kind exchange")
    if args.error is not None and op.error_for_code(args.error) is None:
        codes = ", ".join(cls.code for cls in op.errors)
        raise UsageError(f"{op.name} cannot return {args.error!r}; it returns: {codes}")
    options = fixtures.Options(adversarial=args.adversarial, unknown_enums=args.unknown_enums)
    produced = fixtures.generate(
        op, args.kind, count=args.count, seed=args.seed, options=options, error=args.error
    )
    out = sys.stdout
    if args.format == "har":
        _write_har(produced, out, op.name, args)
    elif args.format == "jsonl":
        for fixture in produced:
            out.write(json.dumps(fixture.to_json(), ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
    else:
        _write_json_array((f.to_json() for f in produced), out)
    out.flush()
    return 0


def _write_json_array(records: Iterator[dict[str, Any]], out: IO[str]) -> None:
    """A JSON array written record by record (any count in flat memory): one member of a record a
    line, each value compact, so headers and bodies stay readable."""
    first = True
    out.write("[")
    for record in records:
        out.write("\n  {" if first else ",\n  {")
        members = (f"\n    {json.dumps(k)}: {_compact(v)}" for k, v in record.items())
        out.write(",".join(members) + "\n  }")
        first = False
    out.write("\n]\n" if not first else "]\n")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _write_har(produced: Iterator[Any], out: IO[str], op_name: str, args: argparse.Namespace) -> None:
    from cognito_spec.shapes import MODEL_VERSION
    from cognito_spec.traffic.record import write_har

    version = _version()
    mode = "adversarial" if args.adversarial else "realistic"
    comment = (
        f"generated by cognito-spec {version} from {MODEL_VERSION}: "
        f"fixtures {op_name} --kind {args.kind} --seed {args.seed} ({mode})"
    )
    exchanges = (f.exchange for f in produced if f.exchange is not None)
    write_har(exchanges, out, creator="cognito-spec", creator_version=version, comment=comment)


def run_schema(args: argparse.Namespace) -> int:
    from cognito_spec.schema import load_schema

    try:
        document = load_schema(args.name)
    except KeyError:
        raise UsageError(f"no shipped schema {args.name!r}; known: {', '.join(_schema_names())}") from None
    # The layout tools/generate.py writes the files with, so the output is the file, byte for byte.
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


def _schema_names() -> list[str]:
    from cognito_spec.model import struct_info
    from cognito_spec.operations import STRUCTURES

    return sorted(
        name
        for name, cls in STRUCTURES.items()
        if (info := struct_info(cls)) is not None and info.role in ("input", "output", "error")
    )


def run_operations(args: argparse.Namespace) -> int:
    from collections import Counter

    from cognito_spec.operations import OPERATIONS
    from cognito_spec.shapes import MODEL_VERSION

    ops = list(OPERATIONS.values())
    counts = Counter(op.auth for op in ops)
    auth = {kind: counts[kind] for kind in _AUTH_KINDS}
    if args.format == "json":
        rows = [
            {
                "name": op.name,
                "target": op.target,
                "auth": op.auth,
                # The registry's names: the classes would import every operation's module.
                "input": op.input_name,
                "output": op.output_name,
                "errors": [{"code": e.code, "status": e.http_status, "fault": e.fault} for e in op.errors],
                "documentation_url": op.documentation_url,
            }
            for op in ops
        ]
        document = {"model": MODEL_VERSION, "count": len(ops), "auth": auth, "operations": rows}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return 0
    width = max(len(op.name) for op in ops)
    lines = []
    for op in ops:
        lines.append(f"{op.name:<{width}}  {op.auth:<12}  {op.target}")
        lines.append(
            " " * (width + 2) + "errors: " + ", ".join(f"{e.code} ({e.http_status})" for e in op.errors)
        )
    kinds = ", ".join(f"{kind} {n}" for kind, n in auth.items())
    lines.append(f"{len(ops)} operations of {MODEL_VERSION}; auth: {kinds}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
