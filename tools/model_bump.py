"""Report what changed in the cognito-idp service model between two botocore releases.

    python tools/model_bump.py OLD NEW [--json] [--operations A,B,...] [--cache-dir DIR]

OLD and NEW are each one of

* a botocore version (``1.43.11``): its wheel is fetched once with
  ``python -m pip download botocore==V --no-deps --only-binary=:all:`` into the cache
  (``$COGNITO_SPEC_CACHE/botocore/``, default ``~/.cache/cognito-spec/botocore/``; a wheel already
  there is reused), and the model is read from inside the wheel, from
  ``botocore/data/cognito-idp/<api-version>/service-2.json(.gz)`` (the newest api-version);
* ``installed``: the botocore installed for this interpreter, read from its package directory
  without importing it;
* a path to a ``service-2.json`` or ``service-2.json.gz`` file.

The report is for a maintainer reviewing a pin bump: plain text, one fact per line, every line
naming its operation or shape so ``grep`` finds it, sorted so that two runs (and two reports) diff
cleanly.  Documentation (``documentation``, ``documentationUrl``, ``deprecatedMessage``) is ignored.
The sections, in this order, each open with ``== <section> (<count>)`` (the count of keys,
operations or shapes, not of lines)::

    == metadata (0)
    metadata <key>: <old> -> <new>
    == operations added (31)
    operation + AdminGetUserAuthFactors (sigv4): AdminGetUserAuthFactorsRequest -> AdminGetUserAuthFactorsResponse; errors A, B
    == operations removed (0)
    operation - <name> (<auth>): <input> -> <output>; errors ...
    == operations changed (108)
    operation AddCustomAttributes: error + OperationNotEnabledException
    operation <name>: error - <shape>
    operation <name>: input <old shape> -> <new shape>          (likewise output)
    operation <name>: auth sigv4 -> unsigned
    operation <name>: <other key> <old json> -> <new json>
    == shapes added (140)
    shape + CIMDCacheActionType (enum): INVALIDATE, REFRESH
    shape + AcrLevelConfigType (structure): AcrValue AcrValueType (required)
    shape + OperationNotEnabledException (exception structure): message MessageType
    shape + AudienceListType (list of AudienceType): min 0, max 1
    shape + AcrConfigurationType (map AcrLevelKeyType to AcrLevelConfigType): min 0, max 4
    shape + AcrValueType (string): min 1, max 64, pattern "[\\x21\\x23-\\x5B\\x5D-\\x7E]+"
    == shapes removed (0)
    shape - <name> (<kind>): ...                                (as for an added shape)
    == shapes changed (28)
    enum AuthFactorType: + SOFTWARE_TOKEN                        (or: - VALUE)
    shape AllowedFirstAuthFactorsListType: max 4 -> 5            (likewise min, pattern)
    shape SmsConfigurationType: member + EumsSms EumsSmsConfigurationType
    shape SmsConfigurationType: member SnsCallerArn ArnType -> OptionalArnType
    shape SmsConfigurationType: required - SnsCallerArn          (or: required + NAME)
    shape <name>: member - <member> <target>
    shape <name>: member <member>: <key> <old> -> <new>          (other keys of a member reference)
    shape <name>: list member <old> -> <new>                     (map key / map value for maps)
    shape <name>: type string -> integer
    shape <name>: sensitive false -> true                        (likewise exception, fault)
    shape <name>: <other key> <old json> -> <new json>
    summary: 0 metadata changes; operations 31 added, 0 removed, 108 changed; shapes 140 added, 0 removed, 28 changed

Values are written as the model's JSON writes them (strings quoted, so a pattern reads as in the
file); ``(none)`` means the key is absent.  A required member that is added (removed) appears
twice, as ``member +`` and ``required +`` (``-``), so either grep finds it.  Auth is ``unsigned``
for an operation with ``authtype: none`` or ``auth: ["smithy.api#noAuth"]``, ``optional`` when its
``auth`` lists ``smithy.api#noAuth`` beside a signing scheme, otherwise ``sigv4``.  When
nothing changed the report says ``no changes`` above the summary.  ``--json`` writes the same facts
as one JSON document (keys sorted): ``old`` and ``new`` (source, api version, counts), ``sections``
(name, count, facts: subject, aspect, old, new, text, where text is the line above) and ``summary``.

``--operations GetUser,AdminGetUser`` narrows the report to those operations and every shape they
reach in either model (input, output, errors and what those contain), for the question "does the
bump change what the library already covers?"; a line ``scope: ...`` under the heading says so.

Exit status 0 when a report was written (even "no changes"), 2 with one line on stderr when an
argument is bad: an unknown version (pip cannot fetch it), a file that is not a service model, ...

How a maintainer bumps the pin:

1. ``python tools/model_bump.py <current pin> <newest botocore> > bump.txt`` (the current pin is
   ``BOTOCORE_VERSION`` in tools/generate.py; ``python -m pip index versions botocore`` lists
   releases) and read the report: new operations, auth changes, errors added to operations,
   constraint and required-flag changes.  Add ``--operations`` with the names in ``OPERATIONS`` of
   tools/generate.py to see what changes for the operations the library covers now.
2. Set ``BOTOCORE_VERSION`` in tools/generate.py and the botocore and boto3 dev pins in
   pyproject.toml to the new version; ``pip install -e '.[dev]'``.
3. ``python tools/generate.py`` and review the diff of the generated files against the report.
4. Run the tests.
5. Review tools/overlay.toml against the report: new error shapes need an HTTP status, new
   unsigned or optional-auth operations and changed constraints may need an observed fact.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

SERVICE = "cognito-idp"
IGNORED = frozenset({"documentation", "documentationUrl", "deprecatedMessage"})
SECTIONS = (
    "metadata",
    "operations added",
    "operations removed",
    "operations changed",
    "shapes added",
    "shapes removed",
    "shapes changed",
)
VERSION = re.compile(r"\d+(?:\.\d+)+")
MODEL_IN_WHEEL = re.compile(rf"botocore/data/{SERVICE}/([^/]+)/service-2\.json(?:\.gz)?")
NO_AUTH = "smithy.api#noAuth"
PIP_TIMEOUT = 300


class BumpError(Exception):
    """A bad argument: main() prints the message as one line and exits 2."""


class _Absent:
    """A key that is not there (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "(none)"


ABSENT: Any = _Absent()


# --------------------------------------------------------------------------------------------------
# Loading a model.


@dataclass(frozen=True)
class Model:
    source: str
    api_version: str
    metadata: dict[str, Any]
    operations: dict[str, dict[str, Any]]
    shapes: dict[str, dict[str, Any]]


def default_cache() -> Path:
    root = os.environ.get("COGNITO_SPEC_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "cognito-spec"
    return base / "botocore"


def load(arg: str, cache: Path) -> Model:
    """The model ``arg`` names: ``installed``, a botocore version, or a file."""
    if arg == "installed":
        return load_installed()
    if VERSION.fullmatch(arg) and not Path(arg).exists():
        wheel = fetch_wheel(arg, cache)
        return load_wheel(wheel, f"botocore {arg}")
    path = Path(arg)
    if path.is_dir():
        raise BumpError(f"{arg}: a directory, not a service-2.json(.gz) file")
    if not path.exists():
        raise BumpError(f"{arg}: neither a botocore version (like 1.43.11), 'installed' nor an existing file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BumpError(f"{arg}: cannot read: {exc.strerror}") from None
    return parse_model(data, arg, arg)


def fetch_wheel(version: str, cache: Path) -> Path:
    """The botocore wheel of ``version`` in ``cache``, downloaded by pip when it is not there yet."""
    found = sorted(cache.glob(f"botocore-{version}-*.whl"))
    if found:
        return found[0]
    try:
        cache.mkdir(parents=True, exist_ok=True)
        # Download into a private directory and move the wheel in when complete, so an interrupted
        # or concurrent download never leaves a partial wheel where the next run would reuse it.
        with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as tmp:
            command = [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"botocore=={version}",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                tmp,
                "--disable-pip-version-check",
                "--quiet",
            ]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
                )
            except subprocess.TimeoutExpired:
                raise BumpError(f"botocore {version}: pip download took over {PIP_TIMEOUT} s") from None
            if done.returncode != 0:
                raise BumpError(f"botocore {version}: pip download failed: {_pip_reason(done.stderr)}")
            wheels = sorted(Path(tmp).glob("botocore-*.whl"))
            if len(wheels) != 1:
                raise BumpError(f"botocore {version}: pip download gave no botocore wheel")
            target = cache / wheels[0].name
            os.replace(wheels[0], target)
            return target
    except OSError as exc:
        raise BumpError(f"cache {cache}: {exc.strerror or exc}") from None


def _pip_reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    return (errors or lines or ["(no message)"])[0]


def load_wheel(wheel: Path, source: str) -> Model:
    try:
        with zipfile.ZipFile(wheel) as archive:
            found = {}
            for name in archive.namelist():
                match = MODEL_IN_WHEEL.fullmatch(name)
                # Within one api-version directory prefer the plain file over the .gz.
                if match and (match[1] not in found or not name.endswith(".gz")):
                    found[match[1]] = name
            if not found:
                raise BumpError(f"{wheel}: no {SERVICE} service model in this wheel")
            api_version = max(found)
            data = archive.read(found[api_version])
    except (zipfile.BadZipFile, OSError) as exc:
        raise BumpError(f"{wheel}: not a readable wheel: {exc}") from None
    return parse_model(data, source, f"{wheel.name}:{found[api_version]}")


def load_installed() -> Model:
    # find_spec locates a top-level package without running its __init__.
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise BumpError("installed: botocore is not installed for this interpreter")
    try:
        version = importlib.metadata.version("botocore")
    except importlib.metadata.PackageNotFoundError:
        version = "(unknown version)"
    service_dir = Path(next(iter(spec.submodule_search_locations))) / "data" / SERVICE
    candidates = sorted(
        (api.name, file)
        for api in (service_dir.iterdir() if service_dir.is_dir() else ())
        for file in (api / "service-2.json.gz", api / "service-2.json")
        if file.is_file()
    )
    if not candidates:
        raise BumpError(f"installed: botocore {version} has no {SERVICE} model under {service_dir}")
    _, file = candidates[-1]
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise BumpError(f"{file}: cannot read: {exc.strerror}") from None
    return parse_model(data, f"botocore {version} (installed)", str(file))


def parse_model(data: bytes, source: str, where: str) -> Model:
    """Decode (gunzip when gzipped) and check one service-2 document."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise BumpError(f"{where}: not a readable gzip file: {exc}") from None
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BumpError(f"{where}: not JSON: {str(exc).splitlines()[0]}") from None
    if not isinstance(doc, dict):
        raise BumpError(f"{where}: not a service model (the document is not a JSON object)")
    for key in ("operations", "shapes"):
        if not isinstance(doc.get(key), dict):
            raise BumpError(f"{where}: not a service model (no {key!r} object)")
    metadata = doc.get("metadata", {})
    if not isinstance(metadata, dict):
        raise BumpError(f"{where}: not a service model ('metadata' is not an object)")
    for name, op in doc["operations"].items():
        _check_operation(op, f"{where}: operations.{name}")
    for name, shape in doc["shapes"].items():
        _check_shape(shape, f"{where}: shapes.{name}")
    api_version = metadata.get("apiVersion")
    return Model(
        source=source,
        api_version=api_version if isinstance(api_version, str) else "(none)",
        metadata=_strip(metadata),
        operations={name: _strip(op) for name, op in doc["operations"].items()},
        shapes={name: _strip(shape) for name, shape in doc["shapes"].items()},
    )


def _fail(where: str, what: str) -> NoReturn:
    raise BumpError(f"{where}: not a service model ({what})")


def _check_ref(ref: Any, where: str) -> None:
    if not isinstance(ref, dict) or not isinstance(ref.get("shape"), str):
        _fail(where, "expected an object with a 'shape' string")


def _check_strings(value: Any, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        _fail(where, "expected a list of strings")


def _check_operation(op: Any, where: str) -> None:
    if not isinstance(op, dict):
        _fail(where, "expected an object")
    for key in ("input", "output"):
        if key in op:
            _check_ref(op[key], f"{where}.{key}")
    errors = op.get("errors", [])
    if not isinstance(errors, list):
        _fail(f"{where}.errors", "expected a list")
    for i, ref in enumerate(errors):
        _check_ref(ref, f"{where}.errors[{i}]")
    if "auth" in op:
        _check_strings(op["auth"], f"{where}.auth")


def _check_shape(shape: Any, where: str) -> None:
    if not isinstance(shape, dict) or not isinstance(shape.get("type"), str):
        _fail(where, "expected an object with a 'type' string")
    members = shape.get("members", {})
    if not isinstance(members, dict):
        _fail(f"{where}.members", "expected an object")
    for name, ref in members.items():
        _check_ref(ref, f"{where}.members.{name}")
    for key in ("member", "key", "value"):
        if key in shape:
            _check_ref(shape[key], f"{where}.{key}")
    for key in ("required", "enum"):
        if key in shape:
            _check_strings(shape[key], f"{where}.{key}")


def _strip(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` without documentation keys, also in its shape references (but never a member *name*)."""
    out = {key: value for key, value in node.items() if key not in IGNORED}
    for key in ("input", "output", "member", "key", "value"):
        if isinstance(out.get(key), dict):
            out[key] = _strip(out[key])
    if isinstance(out.get("errors"), list):
        out["errors"] = [_strip(ref) for ref in out["errors"]]
    if isinstance(out.get("members"), dict):
        out["members"] = {name: _strip(ref) for name, ref in out["members"].items()}
    return out


# --------------------------------------------------------------------------------------------------
# Facts.


@dataclass(frozen=True)
class Fact:
    """One change: ``aspect`` of ``subject`` went from ``old`` to ``new``; ``text`` is its report line."""

    section: str
    subject: str
    aspect: str
    old: Any
    new: Any
    text: str

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            return None if value is ABSENT else value

        return {
            "subject": self.subject,
            "aspect": self.aspect,
            "old": plain(self.old),
            "new": plain(self.new),
            "text": self.text,
        }


def js(value: Any) -> str:
    """``value`` as the model's JSON spells it, on one line; ``(none)`` when absent."""
    if value is ABSENT:
        return "(none)"
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


def word(value: Any) -> str:
    """A shape name, type or number without quotes; anything else as JSON."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_.#-]+", value):
        return value
    return js(value)


def auth(op: Mapping[str, Any]) -> str:
    schemes = op.get("auth")
    if op.get("authtype") == "none" or schemes == [NO_AUTH]:
        return "unsigned"
    if isinstance(schemes, list) and NO_AUTH in schemes:
        return "optional"
    return "sigv4"


def ref(node: Mapping[str, Any], key: str) -> Any:
    """The shape name ``node[key]`` refers to, or ABSENT."""
    target = node.get(key)
    return target["shape"] if isinstance(target, dict) else ABSENT


def errors(op: Mapping[str, Any]) -> list[str]:
    return sorted({error["shape"] for error in op.get("errors", [])})


def kind(shape: Mapping[str, Any]) -> str:
    if shape["type"] == "string" and "enum" in shape:
        return "enum"
    if shape["type"] == "structure" and shape.get("exception"):
        return "exception structure"
    return str(shape["type"])


# Keys each diff handles itself; any other key is compared as JSON by the generic rule.
OPERATION_KEYS = frozenset({"name", "input", "output", "errors", "auth", "authtype"})
SHAPE_KEYS = frozenset(
    {"type", "members", "required", "enum", "member", "key", "value", "min", "max", "pattern"}
    | {"sensitive", "exception", "fault"}
)
FLAGS = ("sensitive", "exception", "fault")


def _other_keys(old: Mapping[str, Any], new: Mapping[str, Any], handled: frozenset[str]) -> Iterator[str]:
    for key in sorted((old.keys() | new.keys()) - handled):
        if old.get(key, ABSENT) != new.get(key, ABSENT):
            yield key


def describe_operation(name: str, op: Mapping[str, Any]) -> str:
    described = f"{name} ({auth(op)}): {word(ref(op, 'input'))} -> {word(ref(op, 'output'))}"
    names = errors(op)
    described += f"; errors {', '.join(names)}" if names else "; no errors"
    # ``http`` is POST / for every awsJson operation: left out of the line (it stays in the JSON, and
    # a change to it is reported under "operations changed").
    extra = [f"{key} {js(op[key])}" for key in sorted(op.keys() - OPERATION_KEYS - {"http"})]
    return described + "".join(f"; {item}" for item in extra)


def operation_summary(op: Mapping[str, Any]) -> dict[str, Any]:
    summary = {key: value for key, value in op.items() if key not in OPERATION_KEYS}
    summary.update(auth=auth(op), errors=errors(op))
    for key in ("input", "output"):
        if key in op:
            summary[key] = ref(op, key)
    return summary


def describe_shape(name: str, shape: Mapping[str, Any]) -> str:
    what = kind(shape)
    if what == "list":
        what = f"list of {ref(shape, 'member')}"
    elif what == "map":
        what = f"map {ref(shape, 'key')} to {ref(shape, 'value')}"
    parts: list[str] = []
    if "enum" in shape:
        parts.append(", ".join(sorted(shape["enum"])) or "no values")
    if shape["type"] == "structure":
        required = set(shape.get("required", []))
        members = []
        for member, target in sorted(shape.get("members", {}).items()):
            flags = ["required"] if member in required else []
            flags += [f"{key} {js(value)}" for key, value in sorted(target.items()) if key != "shape"]
            members.append(f"{member} {target['shape']}" + (f" ({', '.join(flags)})" if flags else ""))
        parts.append(", ".join(members) or "no members")
    for key in ("min", "max"):
        if key in shape:
            parts.append(f"{key} {word(shape[key])}")
    if "pattern" in shape:
        parts.append(f"pattern {js(shape['pattern'])}")
    parts += [flag for flag in FLAGS if shape.get(flag) and not (flag == "exception" and "exception" in what)]
    parts += [f"{key} {js(shape[key])}" for key in sorted(shape.keys() - SHAPE_KEYS)]
    return f"{name} ({what})" + (f": {', '.join(parts)}" if parts else "")


def diff(old: Model, new: Model) -> list[Fact]:
    """Every fact that tells ``old`` and ``new`` apart, in report order."""
    facts = [*diff_metadata(old, new), *diff_operations(old, new), *diff_shapes(old, new)]
    return sorted(facts, key=lambda fact: (SECTIONS.index(fact.section), fact.subject, fact.text))


def diff_metadata(old: Model, new: Model) -> Iterator[Fact]:
    for key in _other_keys(old.metadata, new.metadata, frozenset()):
        a, b = old.metadata.get(key, ABSENT), new.metadata.get(key, ABSENT)
        yield Fact("metadata", key, key, a, b, f"metadata {key}: {js(a)} -> {js(b)}")


def diff_operations(old: Model, new: Model) -> Iterator[Fact]:
    for name in sorted(new.operations.keys() - old.operations.keys()):
        op = new.operations[name]
        text = f"operation + {describe_operation(name, op)}"
        yield Fact("operations added", name, "operation", ABSENT, operation_summary(op), text)
    for name in sorted(old.operations.keys() - new.operations.keys()):
        op = old.operations[name]
        text = f"operation - {describe_operation(name, op)}"
        yield Fact("operations removed", name, "operation", operation_summary(op), ABSENT, text)
    for name in sorted(old.operations.keys() & new.operations.keys()):
        yield from diff_operation(name, old.operations[name], new.operations[name])


def diff_operation(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Fact]:
    section, head = "operations changed", f"operation {name}:"
    for key in ("input", "output"):
        a, b = ref(old, key), ref(new, key)
        if a != b:
            yield Fact(section, name, key, a, b, f"{head} {key} {word(a)} -> {word(b)}")
        a_ref, b_ref = old.get(key, {}), new.get(key, {})
        for extra in _other_keys(a_ref, b_ref, frozenset({"shape"})):
            a, b = a_ref.get(extra, ABSENT), b_ref.get(extra, ABSENT)
            yield Fact(section, name, f"{key}.{extra}", a, b, f"{head} {key} {extra} {js(a)} -> {js(b)}")
    a_errors, b_errors = set(errors(old)), set(errors(new))
    for error in sorted(b_errors - a_errors):
        yield Fact(section, name, "errors", ABSENT, error, f"{head} error + {error}")
    for error in sorted(a_errors - b_errors):
        yield Fact(section, name, "errors", error, ABSENT, f"{head} error - {error}")
    if auth(old) != auth(new):
        yield Fact(section, name, "auth", auth(old), auth(new), f"{head} auth {auth(old)} -> {auth(new)}")
    for key in _other_keys(old, new, OPERATION_KEYS):
        a, b = old.get(key, ABSENT), new.get(key, ABSENT)
        yield Fact(section, name, key, a, b, f"{head} {key} {js(a)} -> {js(b)}")


def diff_shapes(old: Model, new: Model) -> Iterator[Fact]:
    for name in sorted(new.shapes.keys() - old.shapes.keys()):
        shape = new.shapes[name]
        added = {"kind": kind(shape), "definition": shape}
        yield Fact("shapes added", name, "shape", ABSENT, added, f"shape + {describe_shape(name, shape)}")
    for name in sorted(old.shapes.keys() - new.shapes.keys()):
        shape = old.shapes[name]
        removed = {"kind": kind(shape), "definition": shape}
        yield Fact("shapes removed", name, "shape", removed, ABSENT, f"shape - {describe_shape(name, shape)}")
    for name in sorted(old.shapes.keys() & new.shapes.keys()):
        yield from diff_shape(name, old.shapes[name], new.shapes[name])


def diff_shape(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Fact]:
    section, head = "shapes changed", f"shape {name}:"

    def fact(aspect: str, a: Any, b: Any, text: str) -> Fact:
        return Fact(section, name, aspect, a, b, text)

    if old["type"] != new["type"]:
        yield fact("type", old["type"], new["type"], f"{head} type {old['type']} -> {new['type']}")
    a_enum, b_enum = set(old.get("enum", [])), set(new.get("enum", []))
    for value in sorted(b_enum - a_enum):
        yield fact("enum", ABSENT, value, f"enum {name}: + {value}")
    for value in sorted(a_enum - b_enum):
        yield fact("enum", value, ABSENT, f"enum {name}: - {value}")
    yield from _diff_members(name, old, new)
    for key, label in (("member", "list member"), ("key", "map key"), ("value", "map value")):
        a, b = ref(old, key), ref(new, key)
        if a != b:
            yield fact(key, a, b, f"{head} {label} {word(a)} -> {word(b)}")
    for key in ("min", "max"):
        a, b = old.get(key, ABSENT), new.get(key, ABSENT)
        if a != b:
            yield fact(key, a, b, f"{head} {key} {word(a)} -> {word(b)}")
    a, b = old.get("pattern", ABSENT), new.get("pattern", ABSENT)
    if a != b:
        yield fact("pattern", a, b, f"{head} pattern {js(a)} -> {js(b)}")
    for flag in FLAGS:
        a, b = bool(old.get(flag, False)), bool(new.get(flag, False))
        if a != b:
            yield fact(flag, a, b, f"{head} {flag} {js(a)} -> {js(b)}")
    for key in _other_keys(old, new, SHAPE_KEYS):
        a, b = old.get(key, ABSENT), new.get(key, ABSENT)
        yield fact(key, a, b, f"{head} {key} {js(a)} -> {js(b)}")


def _diff_members(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Fact]:
    section, head = "shapes changed", f"shape {name}:"
    a_members: dict[str, Any] = old.get("members", {})
    b_members: dict[str, Any] = new.get("members", {})
    a_required, b_required = set(old.get("required", [])), set(new.get("required", []))
    for member in sorted(a_members.keys() | b_members.keys()):
        a_ref, b_ref = a_members.get(member, {}), b_members.get(member, {})
        a, b = a_ref.get("shape", ABSENT), b_ref.get("shape", ABSENT)
        aspect = f"members.{member}"
        if a is ABSENT:
            yield Fact(section, name, aspect, a, b, f"{head} member + {member} {b}")
        elif b is ABSENT:
            yield Fact(section, name, aspect, a, b, f"{head} member - {member} {a}")
        elif a != b:
            yield Fact(section, name, aspect, a, b, f"{head} member {member} {a} -> {b}")
        for key in _other_keys(a_ref, b_ref, frozenset({"shape"})):
            x, y = a_ref.get(key, ABSENT), b_ref.get(key, ABSENT)
            text = f"{head} member {member}: {key} {js(x)} -> {js(y)}"
            yield Fact(section, name, f"{aspect}.{key}", x, y, text)
    # Required flags are their own facts, also for a member added or removed with its flag, so
    # "required +" / "required -" finds every change of what a caller must send.
    for member in sorted(b_required - a_required):
        yield Fact(section, name, "required", ABSENT, member, f"{head} required + {member}")
    for member in sorted(a_required - b_required):
        yield Fact(section, name, "required", member, ABSENT, f"{head} required - {member}")


def reachable(models: Sequence[Model], operations: Iterable[str]) -> set[str]:
    """The shapes ``operations`` use in any of ``models``: input, output, errors, and what they contain."""
    todo: list[Any] = []
    for model in models:
        for name in operations:
            if name in model.operations:
                op = model.operations[name]
                todo += [ref(op, "input"), ref(op, "output"), *errors(op)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name is ABSENT or name in seen:
            continue
        seen.add(name)
        for model in models:
            shape = model.shapes.get(name, {})
            todo += [target["shape"] for target in shape.get("members", {}).values()]
            todo += [ref(shape, key) for key in ("member", "key", "value")]
    return seen


def scoped(facts: Sequence[Fact], old: Model, new: Model, operations: Sequence[str]) -> list[Fact]:
    """The facts about ``operations`` and the shapes they reach (metadata stays: it concerns them all)."""
    unknown = sorted(set(operations) - old.operations.keys() - new.operations.keys())
    if unknown:
        raise BumpError(f"--operations: not in either model: {', '.join(unknown)}")
    shapes = reachable((old, new), operations)
    return [
        fact
        for fact in facts
        if fact.section == "metadata"
        or (fact.section.startswith("operations") and fact.subject in operations)
        or (fact.section.startswith("shapes") and fact.subject in shapes)
    ]


# --------------------------------------------------------------------------------------------------
# The report.


def summary(facts: Iterable[Fact]) -> dict[str, int]:
    """Per section, the keys, operations or shapes it names (a changed one counts once)."""
    subjects: dict[str, set[str]] = {section: set() for section in SECTIONS}
    for fact in facts:
        subjects[fact.section].add(fact.subject)
    return {section: len(names) for section, names in subjects.items()}


def summary_line(counts: Mapping[str, int]) -> str:
    return (
        f"summary: {counts['metadata']} metadata changes; operations {counts['operations added']} added, "
        f"{counts['operations removed']} removed, {counts['operations changed']} changed; shapes "
        f"{counts['shapes added']} added, {counts['shapes removed']} removed, {counts['shapes changed']} changed"
    )


def _side(model: Model) -> str:
    return (
        f"{model.source}: api version {model.api_version}, {len(model.operations)} operations, "
        f"{len(model.shapes)} shapes"
    )


def _scope_line(scope: Sequence[str] | None) -> str:
    return f"scope: operations {', '.join(sorted(scope))} and the shapes they reach" if scope else ""


def render_text(old: Model, new: Model, facts: Sequence[Fact], scope: Sequence[str] | None = None) -> str:
    lines = [f"{SERVICE} model: {old.source} -> {new.source}", f"old {_side(old)}", f"new {_side(new)}"]
    lines += [_scope_line(scope)] if scope else []
    counts = summary(facts)
    for section in SECTIONS:
        lines.append(f"== {section} ({counts[section]})")
        lines += [fact.text for fact in facts if fact.section == section]
    if not facts:
        lines.append("no changes")
    lines.append(summary_line(counts))
    return "\n".join(lines) + "\n"


def render_json(old: Model, new: Model, facts: Sequence[Fact], scope: Sequence[str] | None = None) -> str:
    counts = summary(facts)

    def side(model: Model) -> dict[str, Any]:
        return {
            "source": model.source,
            "api_version": model.api_version,
            "operations": len(model.operations),
            "shapes": len(model.shapes),
        }

    doc = {
        "service": SERVICE,
        "old": side(old),
        "new": side(new),
        "changes": bool(facts),
        "scope": sorted(scope) if scope else None,
        "sections": [
            {
                "name": section,
                "count": counts[section],
                "facts": [fact.as_json() for fact in facts if fact.section == section],
            }
            for section in SECTIONS
        ],
        "summary": {section.replace(" ", "_"): count for section, count in counts.items()},
        "summary_line": summary_line(counts),
    }
    return json.dumps(doc, sort_keys=True, indent=2) + "\n"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, as for every other bad argument (argparse would add the usage text).
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(
        prog="model_bump.py",
        description=f"What changed in the {SERVICE} service model between two botocore releases.",
    )
    parser.add_argument("old", help="botocore version, 'installed', or a service-2.json(.gz) file")
    parser.add_argument("new", help="botocore version, 'installed', or a service-2.json(.gz) file")
    parser.add_argument("--json", action="store_true", help="the same facts as a JSON document")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help="where downloaded wheels are kept (default $COGNITO_SPEC_CACHE/botocore or ~/.cache/cognito-spec/botocore)",
    )
    parser.add_argument(
        "--operations",
        metavar="A,B,...",
        help="only these operations and the shapes they reach (e.g. the ones tools/generate.py covers)",
    )
    args = parser.parse_args(argv)
    cache = args.cache_dir or default_cache()
    scope = (
        sorted({name.strip() for name in args.operations.split(",") if name.strip()})
        if args.operations
        else None
    )
    try:
        old, new = load(args.old, cache), load(args.new, cache)
        facts = diff(old, new)
        if scope:
            facts = scoped(facts, old, new, scope)
    except BumpError as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130
    text = render_json(old, new, facts, scope) if args.json else render_text(old, new, facts, scope)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
