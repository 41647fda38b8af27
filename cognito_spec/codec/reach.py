"""What a shape reaches in the model graph: the class of a structure shape, and whether a secret lies below.

The source writer asks these while it writes a class's functions, once per shape; the answers are
cached.  Structures are looked up in the registry (``operations.structure``), imported on first
use because the registry imports the generated classes, which import the codec.
"""

from __future__ import annotations

from cognito_spec.model import Shape, members_of, struct_info

__all__ = ["holds_secret", "reaches_document", "reaches_float", "target", "wire_depth"]


def target(shape: Shape) -> type:
    """The generated class of a structure shape (from the registry)."""
    from cognito_spec.operations import structure

    return structure(shape.target or shape.name)


_CACHE: dict[Shape, bool] = {}


def holds_secret(shape: Shape) -> bool:
    """True when ``shape`` is sensitive or reaches a sensitive shape or member through structure
    members, list items or map keys and values (recursive structures included)."""
    found = _CACHE.get(shape)
    if found is None:
        found = _CACHE[shape] = _reaches_secret(shape)
    return found


def _reaches_secret(start: Shape) -> bool:
    # An explicit walk with a visited set: structures may refer to themselves.
    stack, seen = [start], set()
    while stack:
        shape = stack.pop()
        if shape.sensitive:
            return True
        if shape.type == "structure":
            if shape.name in seen:
                continue
            seen.add(shape.name)
            for _, m in members_of(target(shape)):
                if m.sensitive:
                    return True
                stack.append(m.shape)
        else:
            stack.extend(s for s in (shape.member, shape.key, shape.value) if s is not None)
    return False


_FLOAT_CACHE: dict[type, bool] = {}
_DOCUMENT_CACHE: dict[type, bool] = {}


def reaches_float(cls: type) -> bool:
    """True when a structure class reaches a ``float`` or ``double`` member, or a document, anywhere
    below (its wire value may then hold floats of any magnitude, not only the codec's millisecond
    timestamps)."""
    found = _FLOAT_CACHE.get(cls)
    if found is None:
        found = _FLOAT_CACHE[cls] = _reaches(cls, ("float", "double", "document"))
    return found


def reaches_document(cls: type) -> bool:
    """True when a structure class reaches a document member (any JSON value) anywhere below: no
    check then stands between the parser's numbers and the value (orjson reads an integer beyond
    64 bits as a float, the stdlib as an int), so the fast path is not taken."""
    found = _DOCUMENT_CACHE.get(cls)
    if found is None:
        found = _DOCUMENT_CACHE[cls] = _reaches(cls, ("document",))
    return found


def _reaches(cls: type, types: tuple[str, ...]) -> bool:
    stack: list[Shape] = [m.shape for _, m in members_of(cls)]
    seen: set[str] = set()
    while stack:
        shape = stack.pop()
        if shape.type in types:
            return True
        if shape.type == "structure":
            if shape.name in seen:
                continue
            seen.add(shape.name)
            stack.extend(m.shape for _, m in members_of(target(shape)))
        else:
            stack.extend(s for s in (shape.member, shape.key, shape.value) if s is not None)
    return False


_DEPTH_CACHE: dict[type, int | None] = {}


def wire_depth(cls: type) -> int | None:
    """The deepest nesting of arrays and objects a wire value of ``cls`` can have when every member is
    of its shape (``{}`` is depth 1, as for :data:`cognito_spec.codec.body.MAX_DEPTH`), or ``None``
    when it has no bound: a document member (any JSON value) or a structure reaching itself.

    Why the decoders ask: a value the compiled checker passes without a violation holds only known
    members of their shapes, so its text nests at most this deep, and the bracket count that guards
    the parser (``body._too_deep``) proves nothing more for it.
    """
    if cls not in _DEPTH_CACHE:
        _DEPTH_CACHE[cls] = _depth_of_structure(cls, ())
    return _DEPTH_CACHE[cls]


def _depth_of_structure(cls: type, within: tuple[type, ...]) -> int | None:
    if cls in within:
        return None  # recursive: values may nest without bound
    info = struct_info(cls)
    if info is None or info.role == "error":
        # An error body's envelope members (``__type``) are known keys the checker does not look
        # into: any JSON value passes there, so nothing bounds the depth (hypothesis found it).
        return None
    deepest = 0
    for _, m in members_of(cls):
        d = _depth_of(m.shape, (*within, cls))
        if d is None:
            return None
        deepest = max(deepest, d)
    return 1 + deepest


def _depth_of(shape: Shape, within: tuple[type, ...]) -> int | None:
    if shape.type == "document":
        return None
    if shape.type == "structure":
        return _depth_of_structure(target(shape), within)
    inner = [s for s in (shape.member, shape.value) if s is not None]  # map keys are strings
    if shape.type in ("list", "map"):
        depths = [_depth_of(s, within) for s in inner]
        if None in depths:
            return None
        return 1 + max((d for d in depths if d is not None), default=0)
    return 0
