"""JSON Schemas (Draft 2020-12) derived from the generated classes, and a validator that reads them.

:func:`json_schema` is a pure function of a class and its field metadata.  ``tools/generate.py``
writes one file per request, response and error into ``schemas/``; the wheel ships them as
``cognito_spec/schemas``.  The schemas describe what strict decoding accepts:

* full-match patterns in ECMA-262 syntax (``^(?:...)$``), translated by :mod:`cognito_spec.patterns`;
* timestamps as numbers of epoch seconds within what a ``datetime`` holds;
* ``additionalProperties: false`` everywhere; enum lists (strict: the enums are open only in
  tolerant decoding);
* ``null`` allowed for optional members, because the codec reads a received ``null`` as absent;
* error schemas also allow the protocol's ``__type`` member.

Facts that are not validation keywords (the model and Unicode versions at the root, ``x-sensitive``
and ``x-timestamp-format`` on members) are written as a JSON object in the node's ``$comment``,
read back by :func:`annotations_of`.  ``$comment`` because it is the one keyword a strict validator must
accept anywhere and ignore: ajv's default strict mode refuses every unknown keyword (``x-*``
included), and a vocabulary of our own would need a custom meta-schema that every user registers
before compiling, so the files would no longer work with default options.

:data:`SchemaValidator` is ``Draft202012Validator`` with a ``pattern`` keyword that understands the
same dialect (Unicode properties, ASCII ``\\w``), used as an independent oracle in the tests.  It is
about 40 times slower than ``json.loads``; validate with :mod:`cognito_spec.codec.converter` on hot paths.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from cognito_spec import patterns
from cognito_spec.codec.violations import ERROR_ENVELOPE_MEMBERS, TIMESTAMP_MAX, TIMESTAMP_MIN
from cognito_spec.errors import ArgumentTypeError, UnknownNameError
from cognito_spec.model import Shape, members_of, struct_info
from cognito_spec.patterns._unicode_tables import UNICODE_VERSION

__all__ = [
    "DIALECT",
    "SchemaValidator",
    "all_schemas",
    "annotations_of",
    "check_schema",
    "json_schema",
    "load_schema",
    "schema_id",
    "validator_for",
]

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"


def schema_id(name: str) -> str:
    return f"urn:cognito-spec:schema:{name}"


def annotations_of(node: Mapping[str, Any]) -> dict[str, Any]:
    """The facts a schema node carries besides validation keywords, by name (see the module docs).

    ``{"x-sensitive": True}`` on a sensitive member, ``{"x-timestamp-format": "epoch-seconds"}`` on a
    timestamp, ``{"x-model-version": ..., "x-unicode-version": ...}`` at the root; ``{}`` elsewhere.
    """
    comment = node.get("$comment")
    if comment is None:
        return {}
    facts: dict[str, Any] = json.loads(comment)
    return facts


def _annotate(node: dict[str, Any], name: str, value: object) -> None:
    node["$comment"] = json.dumps({**annotations_of(node), name: value}, ensure_ascii=False)


def _shape_schema(shape: Shape, defs: dict[str, Any]) -> dict[str, Any]:
    t = shape.type
    out: dict[str, Any]
    if t == "string":
        out = {"type": "string"}
        if shape.length_min:
            out["minLength"] = shape.length_min
        if shape.length_max is not None:
            out["maxLength"] = shape.length_max
        if shape.pattern is not None:
            out["pattern"] = patterns.compile(shape.pattern).ecma
        if shape.enum is not None:
            out["enum"] = list(shape.enum)
    elif t == "boolean":
        out = {"type": "boolean"}
    elif t in ("integer", "long"):
        out = {"type": "integer"}
        if shape.range_min is not None:
            out["minimum"] = shape.range_min
        if shape.range_max is not None:
            out["maximum"] = shape.range_max
    elif t in ("float", "double"):
        out = {"anyOf": [{"type": "number"}, {"enum": ["NaN", "Infinity", "-Infinity"]}]}
    elif t == "timestamp":
        out = {
            "type": "number",
            "minimum": TIMESTAMP_MIN,
            "exclusiveMaximum": TIMESTAMP_MAX,
        }
        _annotate(out, "x-timestamp-format", "epoch-seconds")
    elif t == "blob":
        out = {"type": "string", "contentEncoding": "base64"}
    elif t == "document":
        out = {}  # any JSON value
        _annotate(out, "x-smithy-document", True)
    elif t == "list":
        assert shape.member is not None
        out = {"type": "array", "items": _shape_schema(shape.member, defs)}
        if shape.length_min:
            out["minItems"] = shape.length_min
        if shape.length_max is not None:
            out["maxItems"] = shape.length_max
    elif t == "map":
        assert shape.key is not None and shape.value is not None
        out = {
            "type": "object",
            "propertyNames": _shape_schema(shape.key, defs),
            "additionalProperties": _shape_schema(shape.value, defs),
        }
        if shape.length_min:
            out["minProperties"] = shape.length_min
        if shape.length_max is not None:
            out["maxProperties"] = shape.length_max
    elif t == "structure":
        from cognito_spec.operations import STRUCTURES

        name = shape.target or shape.name
        if name not in defs:
            defs[name] = {}  # placeholder first: recursive shapes terminate
            defs[name] = _structure_schema(STRUCTURES[name], defs)
        return {"$ref": f"#/$defs/{name}"}
    else:  # pragma: no cover
        raise AssertionError(t)
    if shape.sensitive:
        _annotate(out, "x-sensitive", True)
    return out


def _structure_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    info = struct_info(cls)
    if info is None:
        raise ArgumentTypeError(f"{cls!r} is not a cognito_spec shape class")
    properties: dict[str, Any] = {}
    required: list[str] = []
    for _, m in members_of(cls):
        prop = _shape_schema(m.shape, defs)
        if m.sensitive and "$ref" not in prop:
            _annotate(prop, "x-sensitive", True)
        if m.required:
            required.append(m.wire)
        elif "type" in prop:
            prop["type"] = [prop["type"], "null"]
        else:
            prop = {"anyOf": [prop, {"type": "null"}]}
        properties[m.wire] = prop
    if info.role == "error":
        for wire in ERROR_ENVELOPE_MEMBERS:
            properties.setdefault(wire, {"type": "string"})
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of a generated class: a pure function of the class and its metadata."""
    info = struct_info(cls)
    if info is None:
        raise ArgumentTypeError(f"{cls!r} is not a cognito_spec shape class")
    defs: dict[str, Any] = {}
    body = _structure_schema(cls, defs)
    doc: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": schema_id(info.name),
        "title": info.name,
        "description": f"{info.role} shape {info.name} of cognito-idp; reference: {info.documentation_url}",
        "$comment": json.dumps(
            {"x-model-version": info.model_version, "x-unicode-version": UNICODE_VERSION}, ensure_ascii=False
        ),
        **body,
    }
    if defs:
        doc["$defs"] = dict(sorted(defs.items()))
    return doc


def all_schemas() -> dict[str, dict[str, Any]]:
    """Every request, response and error schema by shape name, in a stable order."""
    from cognito_spec.operations import STRUCTURES

    out: dict[str, dict[str, Any]] = {}
    for name, cls in sorted(STRUCTURES.items()):
        info = struct_info(cls)
        if info is not None and info.role in ("input", "output", "error"):
            out[name] = json_schema(cls)
    return out


def _schema_files() -> Iterator[Path]:
    shipped = resources.files("cognito_spec") / "schemas"
    if shipped.is_dir():
        yield Path(str(shipped))
    yield Path(__file__).resolve().parent.parent / "schemas"  # a source checkout


def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema file by shape name (``AdminGetUserResponse``)."""
    if not name.isidentifier():
        raise UnknownNameError(name)
    for folder in _schema_files():
        path = folder / f"{name}.json"
        if path.is_file():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
    raise UnknownNameError(name)


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    try:
        compiled = patterns.compile_ecma(pattern)
    except patterns.PatternError as exc:
        yield ValidationError(f"unsupported pattern {pattern!r}: {exc}")
        return
    if compiled.regex.search(instance) is None:
        # The value is not quoted: it may be a secret.
        yield ValidationError(f"value does not match {pattern!r}")


def _is_ecma_regex(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    patterns.compile_ecma(instance)  # raises PatternError, which the format checker reports
    return True


_FORMATS = jsonschema.FormatChecker()
_FORMATS.checks("regex", raises=patterns.PatternError)(_is_ecma_regex)


#: Draft 2020-12 with the model's pattern dialect (see module docs), for instances and for the
#: ``regex`` format of ``pattern`` values when checking a schema itself.
def _is_integer(checker: Any, instance: object) -> bool:
    # JSON Schema counts 1.0 as an integer; the codec does not coerce, so neither does the oracle.
    return isinstance(instance, int) and not isinstance(instance, bool)


_TYPES = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)

SchemaValidator: Final = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"pattern": _pattern}, type_checker=_TYPES, format_checker=_FORMATS
)


def check_schema(document: dict[str, Any]) -> None:
    """Check a schema against the Draft 2020-12 metaschema, reading ``pattern`` values in our dialect.

    (jsonschema's own ``check_schema`` would compile them with Python's ``re``, which rejects ``\\p{L}``.)
    """
    SchemaValidator.check_schema(document, format_checker=_FORMATS)


@functools.cache
def validator_for(cls: type) -> Any:
    """A :data:`SchemaValidator` for the schema of ``cls`` (cached)."""
    return SchemaValidator(json_schema(cls))
