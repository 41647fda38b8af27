"""Compilation and caches of the functions generated per class: checker, builder, unbuilder.

:mod:`cognito_spec.codec.source` writes the Python text; this module compiles it once per (class,
mode) and caches the function.  The modes:

``check``
    ``check(data, path, out, strict, cnt)`` appends a :class:`~cognito_spec.codec.violations.Violation` to
    ``out`` for every broken constraint of a parsed wire value, and adds the numbers of object keys
    and of string values it visited to ``cnt[0]`` and ``cnt[1]`` (for the duplicate-key test of
    :func:`cognito_spec.codec.body.keys_unique`).
``strict``
    ``strict(data, path, out, strict, cnt, size=-1)`` does both in one pass: the checks of ``check``
    and the objects of ``build``.  Its result is only meaningful when ``out`` stayed empty.
    ``size``, when known, is the length in bytes of the body ``data`` was parsed from: no string or
    collection in it is longer, so the length bounds it cannot break are not tested.
``build``
    ``build(data)`` turns a parsed wire value into objects.  It checks JSON types (no coercion) and
    nothing else; on a wrong type it raises, and the caller re-runs the checker for a precise report.
``unbuild``
    ``unbuild(obj)`` turns an object into its wire dict (exact names, ``None`` omitted).

cattrs' own generated functions measured 2.8 x ``json.loads`` for the AdminGetUser response; these
are what the cattrs converter of :mod:`cognito_spec.codec.converter` dispatches to.

The source of every compiled function is registered with :mod:`linecache` under a file name of its
own (``<cognito_spec check AdminGetUserResponse #3>``), as cattrs does, so tracebacks, ``pdb`` and
``inspect.getsource`` show the generated lines.  ``compile_function(cls, mode, debug=True)`` prints it.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any, Final

from cognito_spec.codec.source import Mode, write_source
from cognito_spec.codec.violations import PathItem, Violation
from cognito_spec.errors import ArgumentTypeError

__all__ = [
    "Builder",
    "Checker",
    "Unbuilder",
    "check",
    "checker_for",
    "compile_function",
    "function_for",
]

Checker = Callable[[Any, tuple[PathItem, ...], list[Violation], bool, list[int]], None]
Builder = Callable[[Any], Any]
Unbuilder = Callable[[Any], dict[str, Any]]


class _Lazy:
    """Calls the cached function of a class on first use; breaks recursion between structures."""

    __slots__ = ("cls", "fn", "mode")

    def __init__(self, cls: type, mode: Mode) -> None:
        self.cls, self.mode = cls, mode
        self.fn: Callable[..., Any] | None = None

    def __call__(self, *args: Any) -> Any:
        if self.fn is None:
            self.fn = function_for(self.cls, self.mode)
        return self.fn(*args)


#: Numbers the fake file names, so a class compiled twice (debug, tests) never shadows its lines.
_SERIAL: Final = itertools.count(1)


def compile_function(cls: type, mode: Mode, *, debug: bool = False) -> Callable[..., Any]:
    """Write and compile the ``mode`` function of a generated class (use :func:`function_for`)."""
    source = write_source(cls, mode)
    if debug:
        print(source.text)
    filename = f"<cognito_spec {mode} {cls.__name__} #{next(_SERIAL)}>"
    # The entry linecache keeps for a file it cannot stat: (size, mtime None, lines, name).  A None
    # mtime tells linecache.checkcache to leave the entry alone.
    linecache.cache[filename] = (len(source.text), None, source.text.splitlines(True), filename)
    namespace = dict(source.globals)
    for name, (target, target_mode) in source.lazy.items():
        namespace[name] = _Lazy(target, target_mode)
    exec(compile(source.text, filename, "exec"), namespace)
    fn: Callable[..., Any] = namespace[mode]
    return fn


_CACHE: dict[tuple[type, Mode], Callable[..., Any]] = {}


def function_for(cls: type, mode: Mode) -> Callable[..., Any]:
    """The compiled ``mode`` function of a generated class, built on first use and cached."""
    key = (cls, mode)
    try:
        fn = _CACHE.get(key)
    except TypeError:  # not even hashable: certainly no shape class
        raise ArgumentTypeError(f"{type(cls).__name__} object is not a cognito_spec shape class") from None
    if fn is None:
        fn = _CACHE[key] = compile_function(cls, mode)
    return fn


def checker_for(cls: type) -> Checker:
    """The compiled checker of a generated class."""
    return function_for(cls, "check")


def check(data: Any, cls: type, *, strict: bool = True) -> list[Violation]:
    """Every violation of a parsed wire value against ``cls``."""
    out: list[Violation] = []
    checker_for(cls)(data, (), out, strict, [0, 0])
    return out
