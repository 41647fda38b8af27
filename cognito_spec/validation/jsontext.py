"""JSON text as tokens with their spans and member paths, for edits that keep every other byte.

:func:`scan` reads a JSON text the way RFC 8259 (and Python's ``json``) writes it and lists its
leaf tokens (strings, numbers, literals, object keys) with their character span and the path of the
value they belong to.  :func:`splice` writes a copy with some spans replaced.  A redacted copy made
this way keeps what a parse-and-dump round trip would lose: ``1e400`` stays ``1e400`` (not
``Infinity``), ``1.682955829578123456789`` keeps its digits, a repeated key stays repeated, a lone
surrogate stays the ``\\ud800`` escape it was, white space and key order stay as they were.

The scanner is iterative (an explicit stack), so nesting depth costs memory, never recursion.
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Iterable
from typing import Final, Literal

__all__ = ["Path", "Token", "TokenKind", "decode_string", "scan", "splice"]

PathItem = str | int
Path = tuple[PathItem, ...]
#: ``s`` a string value, ``n`` a number, ``l`` true/false/null, ``k`` an object key, ``c`` a whole
#: object or array (listed when it closes, after what it holds).
TokenKind = Literal["s", "n", "l", "k", "c"]
#: ``(kind, start, end, path)``: ``text[start:end]`` is the token; ``path`` locates its value (for a
#: key: the member it names).
Token = tuple[TokenKind, int, int, Path]

_WS: Final = re.compile(r"[ \t\n\r]*")  # matches everywhere (possibly empty)
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
# Possessive (Python 3.11): an unterminated string fails in linear time, never by backtracking.
_STRING: Final = re.compile(r'"(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+"')
_LITERALS: Final = ("true", "false", "null")

# Parser states.
_VALUE, _VALUE_OR_END, _KEY, _KEY_OR_END, _COLON, _AFTER = range(6)


def decode_string(token: str) -> str:
    """The value of a JSON string token (quotes included), as ``json`` decodes it."""
    value: str = json.decoder.scanstring(token, 1)[0]  # type: ignore[attr-defined]
    return value


def scan(text: str, pos: int = 0) -> tuple[list[Token], int | None]:
    """The tokens of the JSON text ``text[pos:]``, and where it stops being JSON (None: nowhere).

    Tokens before the error position are all good; the position is the start of the first token (or
    of the trailing data) that breaks the grammar, or ``len(text)`` when the text ends early.
    """
    tokens: list[Token] = []
    path: list[PathItem] = []
    stack: list[bool] = []  # True: object, False: array
    opened: list[int] = []  # where each open container starts
    state = _VALUE
    n = len(text)
    ws = _WS.match
    while True:
        if pos < n and text[pos] in " \t\n\r":  # compact JSON has none: skip the regex call
            pos = ws(text, pos).end()  # type: ignore[union-attr]
        if pos >= n:
            return tokens, (None if not stack and state == _AFTER else n)
        c = text[pos]
        if state in (_VALUE, _VALUE_OR_END):
            if c == "]" and state == _VALUE_OR_END:
                stack.pop()
                path.pop()
                pos += 1
                tokens.append(("c", opened.pop(), pos, tuple(path)))
                state = _AFTER
            elif c == "{":
                stack.append(True)
                opened.append(pos)
                path.append("")
                pos += 1
                state = _KEY_OR_END
            elif c == "[":
                stack.append(False)
                opened.append(pos)
                path.append(0)
                pos += 1
                state = _VALUE_OR_END
            elif c == '"':
                m = _STRING.match(text, pos)
                if m is None:
                    return tokens, pos
                tokens.append(("s", pos, m.end(), tuple(path)))
                pos = m.end()
                state = _AFTER
            elif c == "-" or "0" <= c <= "9":
                m = _NUMBER.match(text, pos)
                if m is None:
                    return tokens, pos
                tokens.append(("n", pos, m.end(), tuple(path)))
                pos = m.end()
                state = _AFTER
            else:
                for lit in _LITERALS:
                    if text.startswith(lit, pos):
                        tokens.append(("l", pos, pos + len(lit), tuple(path)))
                        pos += len(lit)
                        state = _AFTER
                        break
                else:
                    return tokens, pos
        elif state in (_KEY, _KEY_OR_END):
            if c == "}" and state == _KEY_OR_END:
                stack.pop()
                path.pop()
                pos += 1
                tokens.append(("c", opened.pop(), pos, tuple(path)))
                state = _AFTER
            elif c == '"':
                m = _STRING.match(text, pos)
                if m is None:
                    return tokens, pos
                path[-1] = decode_string(m.group())
                tokens.append(("k", pos, m.end(), tuple(path)))
                pos = m.end()
                state = _COLON
            else:
                return tokens, pos
        elif state == _COLON:
            if c != ":":
                return tokens, pos
            pos += 1
            state = _VALUE
        else:  # _AFTER a value
            if not stack:
                return tokens, pos  # data after the top-level value
            if c == ",":
                if stack[-1]:
                    state = _KEY
                else:
                    path[-1] = int(path[-1]) + 1
                    state = _VALUE
                pos += 1
            elif c == ("}" if stack[-1] else "]"):
                stack.pop()
                path.pop()
                pos += 1
                tokens.append(("c", opened.pop(), pos, tuple(path)))
            else:
                return tokens, pos


def splice(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each span ``[start, end)`` replaced; the spans must not overlap."""
    out: list[str] = []
    at = 0
    for start, end, new in sorted(edits):
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)
