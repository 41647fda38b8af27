"""Hypothesis strategies for every generated class and every operation (the ``hypothesis`` extra).

After ``pip install cognito-spec[hypothesis]`` hypothesis finds these through its entry point
(:mod:`cognito_spec._hypothesis`, which imports nothing), so ``st.from_type(AdminGetUserResponse)``
works in any test suite without importing this module.  Importing it registers every generated
class as well, for environments without the entry point (a source checkout on ``PYTHONPATH``).

The values come from :class:`cognito_spec.fixtures.generator.Generator`, the same code the ``cognito-spec
fixtures`` command runs with a seeded ``random.Random``; here every choice is a hypothesis draw, so
failing examples shrink (towards short strings, early alphabet letters, absent optional members).
Nothing is built with ``st.builds`` and filtered: constraints are met by construction, so there are
no ``filter_too_much`` or health-check failures at any setting.

Realistic values by default; ``adversarial=True`` explores the full valid space (every Unicode
category a pattern allows, lone surrogates where no pattern forbids them, edge lengths and
timestamps, and enum values the model does not list in responses; switch the last off with
``unknown_enums=False`` when a test needs strict validity).

* :func:`from_class` -- instances of any generated class (requests, responses, structures, errors)
* :func:`wire` -- their wire dicts; error bodies carry ``__type``
* :func:`requests`, :func:`responses`, :func:`errors` -- by operation
* :func:`exchanges` -- whole HTTP exchanges as :class:`cognito_spec.traffic.record.Exchange`
* :func:`invalid` -- ``(wire dict, Violation)`` pairs that break exactly one constraint
"""

from __future__ import annotations

# First, before hypothesis: installed metadata of older versions names this module's
# _hypothesis_setup_hook as the entry point, and importing hypothesis below runs it while this
# module is still half initialised.  With the hook already bound, that works (no import circle).
from cognito_spec._hypothesis import _hypothesis_setup_hook

# isort: split
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from hypothesis import strategies as st

# The generator is imported on first use only: hypothesis may import this module at its own import.
if TYPE_CHECKING:
    from cognito_spec.codec.violations import Violation
    from cognito_spec.errors import ServiceError
    from cognito_spec.fixtures import Generator, Options, TokenTrouble
    from cognito_spec.operations import Operation
    from cognito_spec.traffic.record import Exchange

__all__ = [
    "errors",
    "exchanges",
    "from_class",
    "invalid",
    "operations",
    "requests",
    "responses",
    "wire",
]

T = TypeVar("T")


class _DrawSource:
    """A :class:`cognito_spec.fixtures.Source` whose choices are hypothesis draws.

    Hypothesis holds a bounded amount of choice data per example.  After :attr:`BUDGET` draws (long
    adversarial strings) the rest of the example comes from a ``random.Random`` seeded by one more
    draw: still reproducible, and the early, structural choices still shrink.
    """

    BUDGET: Final = 400

    __slots__ = ("calls", "draw", "rng")

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw
        self.calls = 0
        self.rng: random.Random | None = None

    def integer(self, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        if self.rng is None:
            self.calls += 1
            if self.calls <= self.BUDGET:
                value: int = self.draw(st.integers(lo, hi))
                return value
            self.rng = random.Random(self.draw(st.integers(0, (1 << 64) - 1)))
        return self.rng.randint(lo, hi)

    def chance(self, p: float) -> bool:
        if p <= 0:
            return False
        if p >= 1:
            return True
        # Shrinks towards False: the smallest draws fall below the threshold.
        return self.integer(0, 999) >= round((1 - p) * 1000)


def _generated(make: Callable[[Generator], T], options: Options, label: str) -> st.SearchStrategy[T]:
    from cognito_spec.fixtures import Generator

    def strategy(draw: Callable[[st.SearchStrategy[Any]], Any]) -> T:
        return make(Generator(_DrawSource(draw), options))

    strategy.__name__ = strategy.__qualname__ = label  # hypothesis shows it in reprs and reports
    return st.composite(strategy)()


def _options(adversarial: bool, unknown_enums: bool | None, token: TokenTrouble | None = None) -> Options:
    from cognito_spec.fixtures import Options

    return Options(adversarial=adversarial, unknown_enums=unknown_enums, token=token)


def operation(op: str | Operation) -> Operation:
    from cognito_spec.fixtures import operation as find

    return find(op)


_CACHE: dict[tuple[type, bool, bool | None], st.SearchStrategy[Any]] = {}


def from_class(
    cls: type[T], *, adversarial: bool = False, unknown_enums: bool | None = None
) -> st.SearchStrategy[T]:
    """Valid instances of a generated class (the strategy ``st.from_type(cls)`` resolves to)."""
    from cognito_spec.errors import ArgumentTypeError
    from cognito_spec.model import struct_info

    key = (cls, adversarial, unknown_enums)
    found: st.SearchStrategy[T] | None = _CACHE.get(key)
    if found is None:
        if struct_info(cls) is None:
            raise ArgumentTypeError(f"{cls!r} is not a cognito_spec shape class")
        opts = _options(adversarial, unknown_enums)
        found = _CACHE[key] = _generated(lambda g: g.instance(cls), opts, cls.__name__)
    return found


def wire(
    cls: type, *, adversarial: bool = False, unknown_enums: bool | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Wire dicts of valid instances: exact member names, what a body parses to (errors with ``__type``)."""
    return _generated(
        lambda g: g.valid_wire(cls), _options(adversarial, unknown_enums), f"wire_{cls.__name__}"
    )


def requests(
    op: str | Operation, *, adversarial: bool = False, unknown_enums: bool | None = None
) -> st.SearchStrategy[Any]:
    """Requests of an operation (by name, ``X-Amz-Target`` or :class:`Operation`)."""
    return from_class(operation(op).input, adversarial=adversarial, unknown_enums=unknown_enums)


def responses(
    op: str | Operation, *, adversarial: bool = False, unknown_enums: bool | None = None
) -> st.SearchStrategy[Any]:
    """Successful responses of an operation."""
    output = operation(op).output
    if output is None:
        return st.none()
    return from_class(output, adversarial=adversarial, unknown_enums=unknown_enums)


def errors(
    op: str | Operation, *, adversarial: bool = False, unknown_enums: bool | None = None
) -> st.SearchStrategy[ServiceError]:
    """Any error the operation may return, as a :class:`cognito_spec.ServiceError` instance."""
    found = operation(op)
    return st.sampled_from(found.errors).flatmap(
        lambda cls: from_class(cls, adversarial=adversarial, unknown_enums=unknown_enums)
    )


def operations() -> st.SearchStrategy[Operation]:
    """Any operation of the model."""
    from cognito_spec.operations import OPERATIONS

    return st.sampled_from(tuple(OPERATIONS.values()))


def exchanges(
    op: str | Operation | None = None,
    *,
    outcome: Literal["response", "error"] | None = None,
    adversarial: bool = False,
    unknown_enums: bool | None = None,
    token: TokenTrouble | None = None,
    token_accepted: bool = False,
) -> st.SearchStrategy[Exchange]:
    """Whole exchanges, bodies exactly as the service and its clients send them.

    Requests carry ``Host``, ``X-Amz-Target``, ``Content-Type`` and ``Content-Length``; SigV4
    operations also ``X-Amz-Date`` and a real ``Authorization`` signature (made-up credentials);
    access-token operations carry the token in the body only.  Responses carry ``x-amzn-RequestId``
    and ``Date``; errors ``x-amzn-ErrorType: <Code>:`` and ``{"__type": "<Code>", "message": ...}``
    with the status the service sends.  ``outcome`` picks responses or errors (default: both).
    The request and the response of an exchange are about the same user.

    Access tokens carry the service's claims about that user.  ``token`` gives token-authorised
    requests a token the service refuses (``expired``, ``revoked``, ``no_scope``, ``id_token``,
    ``malformed``; see :mod:`cognito_spec.fixtures.tokens`), answered as the service answers it;
    ``token_accepted=True`` answers it with a success instead, as a faulty emulator does (the
    finding that gets is ``fixtures.tokens.ACCEPTED_FINDING[token]``).  With ``op=None`` and a
    ``token``, only token-authorised operations are drawn.
    """
    opts = _options(adversarial, unknown_enums, token)
    if op is None:
        from cognito_spec.operations import OPERATIONS

        pool = tuple(o for o in OPERATIONS.values() if token is None or o.auth == "access_token")
        return st.sampled_from(pool).flatmap(
            lambda found: exchanges(
                found,
                outcome=outcome,
                adversarial=adversarial,
                unknown_enums=unknown_enums,
                token=token,
                token_accepted=token_accepted,
            )
        )
    found = operation(op)
    if token is not None and found.auth != "access_token":
        from cognito_spec.errors import ArgumentValueError

        raise ArgumentValueError(f"{found.name} is not authorised by an access token: no token trouble")
    return _generated(
        lambda g: g.exchange(found, outcome=outcome, token_accepted=token_accepted),
        opts,
        f"exchanges_{found.name}",
    )


def invalid(cls: type, *, adversarial: bool = False) -> st.SearchStrategy[tuple[dict[str, Any], Violation]]:
    """``(wire dict, violation)``: a complete valid wire dict with exactly one constraint broken.

    The violation is what ``cognito_spec.codec.compile.check(wire, cls, strict=True)`` reports, exactly
    (path, kind, limit, shape and sensitivity).  Kinds: length below or above a limit by one,
    pattern, enum, JSON type (a ``null`` list item included), missing required member, unknown
    member, timestamp out of range, numeric range.
    """

    def make(g: Generator) -> tuple[dict[str, Any], Violation]:
        case = g.invalid(cls)
        return case.wire, case.violation

    return _generated(make, _options(adversarial, False), f"invalid_{cls.__name__}")


# An explicit import of this module registers every generated class, with or without the entry point.
_hypothesis_setup_hook()
