"""What a shape reaches in the model graph: the class of a structure shape, and whether a secret lies below.

The source writer asks these while it writes a class's functions, once per shape; the answers are
cached.  Structures are looked up in the registry (``operations.structure``), imported on first
use because the registry imports the generated classes, which import the codec.
"""

from __future__ import annotations

from cognito_spec.model import Shape, members_of

__all__ = ["holds_secret", "reaches_document", "reaches_float", "target"]


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
