"""Syntax trees written out for the two engines we run patterns on: stdlib ``re`` and ECMA-262.

* :func:`python` gives stdlib ``re`` source in which every class is spelled out as explicit code
  point ranges, anchors as ``\\A``/``\\Z`` (Python's ``$`` would also match before a trailing newline).
  Measured on the model's patterns, stdlib ``re`` with spelled-out classes beats the third-party
  ``regex`` module by a wide margin, so ``re`` is the run-time engine and ``regex`` a test oracle.
* :func:`ecma` gives ECMA-262 source (``u`` flag semantics) for JSON Schema's ``pattern`` keyword:
  Unicode properties stay symbolic (``\\p{L}``), shorthand classes whose meaning differs between
  Java and ECMA are spelled out (the parser recorded each class's spelling in its node).
"""

from __future__ import annotations

from cognito_spec.patterns.ranges import Ranges
from cognito_spec.patterns.syntax import Alt, Anchor, Boundary, CharSet, Group, Node, Repeat, Seq

__all__ = ["ecma", "python", "python_class"]


def _py_char(cp: int) -> str:
    ch = chr(cp)
    if ch.isalnum() and cp < 0x80:
        return ch
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def python_class(ranges: Ranges) -> str:
    """Stdlib ``re`` source of a character class given as code point ranges."""
    return _py_class(ranges)


def _py_class(ranges: Ranges) -> str:
    if not ranges:
        return "(?!)"
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _py_char(ranges[0][0])
    parts = []
    for lo, hi in ranges:
        parts.append(_py_char(lo) if lo == hi else f"{_py_char(lo)}-{_py_char(hi)}")
    return "[" + "".join(parts) + "]"


_W = "[0-9A-Za-z_]"
_BOUNDARY = f"(?:(?<={_W})(?!{_W})|(?<!{_W})(?={_W}))"
_NOT_BOUNDARY = f"(?:(?<={_W})(?={_W})|(?<!{_W})(?!{_W}))"


def _emit_python(node: Node) -> str:
    if isinstance(node, CharSet):
        return _py_class(node.ranges)
    if isinstance(node, Seq):
        return "".join(_emit_python(n) for n in node.items)
    if isinstance(node, Alt):
        return "|".join(_emit_python(n) for n in node.options)
    if isinstance(node, Group):
        return ("(" if node.capturing else "(?:") + _emit_python(node.node) + ")"
    if isinstance(node, Repeat):
        return "(?:" + _emit_python(node.node) + ")" + _quant(node)
    if isinstance(node, Anchor):
        return r"\A" if node.kind == "start" else r"\Z"
    if isinstance(node, Boundary):
        # Spelled out: the stdlib's \b on str patterns counts every Unicode letter as a word character.
        return _NOT_BOUNDARY if node.negated else _BOUNDARY
    return f"(?{node.kind}" + _emit_python(node.node) + ")"


def _emit_ecma(node: Node) -> str:
    if isinstance(node, CharSet):
        return node.ecma
    if isinstance(node, Seq):
        return "".join(_emit_ecma(n) for n in node.items)
    if isinstance(node, Alt):
        return "|".join(_emit_ecma(n) for n in node.options)
    if isinstance(node, Group):
        return ("(" if node.capturing else "(?:") + _emit_ecma(node.node) + ")"
    if isinstance(node, Repeat):
        inner = _emit_ecma(node.node)
        if not isinstance(node.node, CharSet | Group):
            inner = "(?:" + inner + ")"
        return inner + _quant(node)
    if isinstance(node, Anchor):
        return "^" if node.kind == "start" else "$"
    if isinstance(node, Boundary):
        return "\\B" if node.negated else "\\b"  # ASCII word characters with the u flag (no i)
    return f"(?{node.kind}" + _emit_ecma(node.node) + ")"


def _quant(node: Repeat) -> str:
    if (node.min, node.max) == (0, None):
        q = "*"
    elif (node.min, node.max) == (1, None):
        q = "+"
    elif (node.min, node.max) == (0, 1):
        q = "?"
    elif node.max is None:
        q = f"{{{node.min},}}"
    elif node.min == node.max:
        q = f"{{{node.min}}}"
    else:
        q = f"{{{node.min},{node.max}}}"
    return q + ("?" if node.lazy else "")


def python(node: Node) -> str:
    """Stdlib ``re`` source of a tree (compile it with ``re.DOTALL``; use ``fullmatch``)."""
    return _emit_python(node)


def ecma(node: Node) -> str:
    """ECMA-262 source of a tree (``u`` flag), without the whole-string anchors."""
    return _emit_ecma(node)
