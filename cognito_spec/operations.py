"""The registry: the one place that answers "which operation, which error, which structure".

Every look-up by name goes through here (rule 1 of the design: look a fact up where it lives):

* :data:`OPERATIONS`: operation by name; :data:`OPERATIONS_BY_TARGET`: by ``X-Amz-Target``;
* :func:`error_class`: error class by wire code; :func:`structure`: generated class by shape name;
  :data:`STRUCTURES`: every generated structure and error class by shape name.

The rows themselves are generated (:mod:`cognito_spec.shapes`).  The maps are built on first use, so
importing this module costs nothing, and a row names its classes without importing them: asking for
``op.input`` imports that operation's module only.  Code that handles "any operation" iterates
:data:`OPERATIONS` instead of naming operations, so adding one to the generator is all it takes.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Literal, TypeVar, cast

import attrs

from cognito_spec.errors import ArgumentTypeError, ServiceError, UnknownNameError
from cognito_spec.shapes._version import TARGET_PREFIX

__all__ = [
    "OPERATIONS",
    "OPERATIONS_BY_TARGET",
    "STRUCTURES",
    "TARGET_PREFIX",
    "AuthKind",
    "Operation",
    "error_class",
    "operation",
    "operation_for_target",
    "structure",
]

#: ``sigv4``: a signed IAM call (``Authorization`` header).  ``optional``: signed or not, both taken
#: (an overlay exception to the model, with its source: GetClientToken, GetDerivedToken).
#: ``access_token``: an unsigned call that carries the user's access token in the body.  ``none``:
#: unsigned without a token.  A signed call to an unsigned operation is no fault (optionalAuth).
AuthKind = Literal["sigv4", "optional", "access_token", "none"]


K = TypeVar("K")
V = TypeVar("V")


@functools.cache
def _shapes() -> Any:
    # The index module, imported once (import_module on every look-up cost ~10 us each).
    return importlib.import_module("cognito_spec.shapes")


@attrs.frozen
class Operation:
    """One operation of the model.  Its classes are resolved from their shape names on first use."""

    name: str
    #: The ``X-Amz-Target`` header value, ``AWSCognitoIdentityProviderService.<Name>``.
    target: str
    input_name: str
    output_name: str | None
    #: Every error the operation may return, by code: the model's list, then the service-level errors.
    error_names: tuple[str, ...]
    auth: AuthKind
    documentation_url: str

    @property
    def input(self) -> type:
        """The request class."""
        return structure(self.input_name)

    @property
    def output(self) -> type | None:
        """The response class (None for an operation whose response has no body)."""
        return None if self.output_name is None else structure(self.output_name)

    @property
    def errors(self) -> tuple[type[ServiceError], ...]:
        """Every error class the operation may return."""
        return tuple(_error(name) for name in self.error_names)

    def error_for_code(self, code: str) -> type[ServiceError] | None:
        """The error class for a wire code, if this operation may return it."""
        return _error(code) if code in self.error_names else None


class _LazyMap(Mapping[K, V]):
    """A read-only mapping built by ``build`` on first use."""

    __slots__ = ("_build", "_data")

    def __init__(self, build: Callable[[], dict[K, V]]) -> None:
        self._build = build
        self._data: dict[K, V] | None = None

    def _get(self) -> dict[K, V]:
        data = self._data
        if data is None:
            data = self._data = self._build()
        return data

    def __getitem__(self, key: K) -> V:
        return self._get()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __contains__(self, key: object) -> bool:
        return key in self._get()

    def __repr__(self) -> str:
        return f"<{len(self)} entries: {', '.join(map(str, list(self)[:4]))}, ...>"


@functools.cache
def _rows() -> tuple[Operation, ...]:
    from cognito_spec.shapes._rows import OPERATION_ROWS

    return tuple(
        Operation(
            name=name,
            target=f"{TARGET_PREFIX}.{name}",
            input_name=input_name,
            output_name=output_name,
            error_names=error_names,
            auth=cast("AuthKind", auth),
            documentation_url=url,
        )
        for name, input_name, output_name, error_names, auth, url in OPERATION_ROWS
    )


#: Every operation by name, in model order.
OPERATIONS: Final[Mapping[str, Operation]] = _LazyMap(lambda: {op.name: op for op in _rows()})
#: Every operation by its ``X-Amz-Target`` header value (the match is exact, as the service's).
OPERATIONS_BY_TARGET: Final[Mapping[str, Operation]] = _LazyMap(lambda: {op.target: op for op in _rows()})


class _Structures(Mapping[str, type]):
    """Generated classes by shape name; one class is imported when it is asked for, all on iteration."""

    __slots__ = ()

    @staticmethod
    def _names() -> tuple[str, ...]:
        names: tuple[str, ...] = _shapes().STRUCTURE_NAMES
        return names

    def __getitem__(self, name: str) -> type:
        if name not in self._names():
            raise KeyError(name)
        cls: type = getattr(_shapes(), name)
        return cls

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __repr__(self) -> str:
        return f"<{len(self)} generated classes>"


#: Every generated structure and error class by shape name.
STRUCTURES: Final[Mapping[str, type]] = _Structures()


def _name(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{what} is a str, not {type(value).__name__}")
    return value


def structure(name: str) -> type:
    """The generated class of a shape name; :class:`~cognito_spec.errors.UnknownNameError` if none."""
    _name(name, "a shape name")
    try:
        return STRUCTURES[name]
    except KeyError:
        raise UnknownNameError(f"no generated class is named {name!r}") from None


def _error(code: str) -> type[ServiceError]:
    cls = error_class(code)
    if cls is None:
        raise UnknownNameError(f"no error class has the code {code!r}")
    return cls


def error_class(code: str) -> type[ServiceError] | None:
    """The error class of a wire code (``UserNotFoundException``), or None for a code the model lacks."""
    cls = STRUCTURES.get(_name(code, "an error code"))
    return cls if isinstance(cls, type) and issubclass(cls, ServiceError) else None


def operation(name: str) -> Operation:
    """An operation by name or by ``X-Amz-Target``; :class:`~cognito_spec.errors.UnknownNameError` if none."""
    _name(name, "an operation name")
    op = OPERATIONS.get(name) or OPERATIONS_BY_TARGET.get(name)
    if op is None:
        raise UnknownNameError(f"no operation is named {name!r}")
    return op


def operation_for_target(target: str) -> Operation | None:
    """The operation an ``X-Amz-Target`` header names, or None (the match is exact, as the service's)."""
    return OPERATIONS_BY_TARGET.get(target)
