"""Field and class metadata: the single place every constraint of the model is written down.

The generated classes in :mod:`cognito_spec.shapes` describe each member with :func:`member`, which
stores a :class:`Member` under the namespaced metadata key :data:`META_KEY`.  The codec, the
validator, the JSON Schemas and the strategies all read constraints from there and nowhere else.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar, dataclass_transform

import attrs

from cognito_spec import _hypothesis
from cognito_spec.errors import ArgumentTypeError

__all__ = [
    "META_KEY",
    "JsonValue",
    "Member",
    "Shape",
    "StructInfo",
    "member",
    "members_of",
    "shape",
    "struct_info",
]

META_KEY = "cognito_spec"

ShapeType = Literal[
    "string",
    "boolean",
    "integer",
    "long",
    "float",
    "double",
    "timestamp",
    "blob",
    "structure",
    "list",
    "map",
    "document",
]

#: The value of a ``document`` member (a Smithy document: any JSON value, e.g. a WebAuthn credential
#: or managed login branding settings), as the JSON parser returns it.
JsonValue = Any
Role = Literal["input", "output", "error", "structure"]

T = TypeVar("T")


@attrs.frozen
class Shape:
    """A model shape as the wire sees it: its type and every constraint on its values.

    ``length_min``/``length_max`` count characters (code points) for strings, items for lists,
    entries for maps, bytes for blobs.  ``range_min``/``range_max`` bound numbers.  ``target`` names
    the structure class of a structure shape; ``member``/``key``/``value`` describe collections.
    """

    name: str
    type: ShapeType
    length_min: int | None = None
    length_max: int | None = None
    range_min: int | float | None = None
    range_max: int | float | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    enum_class: builtins.type | None = attrs.field(default=None, eq=False)
    sensitive: bool = False
    target: str | None = None
    member: Shape | None = None
    key: Shape | None = None
    value: Shape | None = None


@attrs.frozen
class Member:
    """One member of a structure: wire name, shape, and the member-level traits."""

    wire: str
    shape: Shape
    required: bool = False
    sensitive: bool = False


@attrs.frozen
class StructInfo:
    """What a generated class is in the model: shape name, role, and where it came from."""

    name: str
    role: Role
    model_version: str
    documentation_url: str | None = None


def _redacted(value: object) -> str:
    return "None" if value is None else "<redacted>"


def member(
    wire: str,
    shape: Shape,
    *,
    required: bool = False,
    sensitive: bool = False,
    default: Any = attrs.NOTHING,
    converter: Callable[[Any], Any] | None = None,
    kw_only: bool = True,
) -> Any:
    """An attrs field for a model member.

    Generated code passes ``default=None`` for every member except the required members of input
    shapes, which stay mandatory constructor arguments.  (Passing it explicitly is what tells type
    checkers, through ``dataclass_transform``, which arguments are optional.)  Sensitive members are
    shown as ``<redacted>`` in ``repr``.  Members are keyword-only, except the message of an error
    (``kw_only=False``), which an exception takes positionally as well.
    """
    hidden = sensitive or shape.sensitive
    meta = {META_KEY: Member(wire=wire, shape=shape, required=required, sensitive=hidden)}
    kwargs: dict[str, Any] = {
        "kw_only": kw_only,
        "metadata": meta,
        "repr": _redacted if hidden else True,
        "default": default,
    }
    if converter is not None:
        kwargs["converter"] = converter
    return attrs.field(**kwargs)


@dataclass_transform(field_specifiers=(member,), kw_only_default=True, frozen_default=True, eq_default=True)
def shape(info: StructInfo) -> Callable[[type[T]], type[T]]:
    """Class decorator of generated shapes: records the StructInfo and makes a frozen attrs class.

    Each class is reported to :mod:`cognito_spec._hypothesis`, which registers it with hypothesis
    when hypothesis is in use (and costs a list append when it is not).
    """

    def wrap(cls: type[T]) -> type[T]:
        cls.__cognito__ = info  # type: ignore[attr-defined]
        # Errors too compare by value (attrs' auto_exc would make them compare by identity, as
        # exceptions usually do): a decoded error equals the one that was encoded.
        # Each member says whether it is keyword-only (see member()).
        made = attrs.define(cls, frozen=True, slots=True, kw_only=False, auto_exc=False, eq=True)
        _hypothesis.created(made)
        return made

    return wrap


def struct_info(cls: type) -> StructInfo | None:
    """The StructInfo of a generated class, or None for anything else."""
    info = getattr(cls, "__cognito__", None)
    return info if isinstance(info, StructInfo) else None


def is_shape_class(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and struct_info(cls) is not None


def members_of(cls: type) -> tuple[tuple[str, Member], ...]:
    """``(python attribute name, Member)`` for every member of a generated class, in model order."""
    cached: tuple[tuple[str, Member], ...] | None = _MEMBERS_CACHE.get(cls)
    if cached is None:
        cached = tuple((f.name, f.metadata[META_KEY]) for f in attrs.fields(cls) if META_KEY in f.metadata)
        _MEMBERS_CACHE[cls] = cached
    return cached


_MEMBERS_CACHE: dict[type, tuple[tuple[str, Member], ...]] = {}


def to_tuple(value: Iterable[T] | None) -> tuple[T, ...] | None:
    """Converter of list members: lists and tuples become tuples (so instances stay immutable)."""
    if value is None or isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return tuple(value)
    raise ArgumentTypeError(f"expected a list or tuple, got {type(value).__name__}")
