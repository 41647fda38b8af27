"""Which captured exchanges are Cognito user pools calls: :func:`skip_reason`, :func:`iter_exchanges`.

Entries that are not Cognito user pools calls are skipped and counted in a :class:`ReadStats`: CORS
``OPTIONS`` preflights, requests to other services, and calls to Cognito operations the pinned model
does not cover (counted by name).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from cognito_spec.traffic.record import Exchange, header

__all__ = ["ReadStats", "iter_exchanges", "skip_reason"]


@attrs.define
class ReadStats:
    """What a reader saw: entries read, and the ones it skipped by reason.

    Reasons: ``preflight`` (CORS ``OPTIONS``), ``not_cognito`` (another service or site),
    ``uncovered_operation`` (a Cognito user pools operation outside the pinned model; ``uncovered``
    counts them by name).
    """

    entries: int = 0
    skipped: Counter[str] = attrs.field(factory=Counter)
    uncovered: Counter[str] = attrs.field(factory=Counter)

    def merge(self, other: ReadStats) -> None:
        self.entries += other.entries
        self.skipped.update(other.skipped)
        self.uncovered.update(other.uncovered)


def _cognito_targets() -> tuple[str, Any]:
    from cognito_spec.operations import OPERATIONS_BY_TARGET, TARGET_PREFIX

    return TARGET_PREFIX + ".", OPERATIONS_BY_TARGET


_PREFIX, _TARGETS = _cognito_targets()
_COGNITO_HOST: Final = re.compile(r"\A[a-z][a-z0-9+.-]*://cognito-idp[.-]", re.IGNORECASE)


def skip_reason(ex: Exchange) -> str | None:
    """Why a reader skips this exchange (see :class:`ReadStats`), or None to validate it.

    The ``X-Amz-Target`` header decides first: a target of a covered operation is kept, any other
    target of the Cognito user pools service is ``uncovered_operation``.  Without a Cognito target,
    an exchange is still kept when its URL is a ``cognito-idp`` endpoint: a call to Cognito with a
    missing or foreign target is exactly what validation should report.
    """
    if ex.method.upper() == "OPTIONS":
        return "preflight"
    target = header(ex.request_headers, "x-amz-target")
    if target is not None:
        target = target.strip()
        if target in _TARGETS:
            return None
        if target.startswith(_PREFIX):
            return "uncovered_operation"
    if _COGNITO_HOST.match(ex.url):
        return None
    return "not_cognito"


def iter_exchanges(exchanges: Iterable[Exchange], stats: ReadStats | None = None) -> Iterator[Exchange]:
    """The exchanges to validate: skips what :func:`skip_reason` names, counting it in ``stats``."""
    if stats is None:
        stats = ReadStats()
    for ex in exchanges:
        stats.entries += 1
        reason = skip_reason(ex)
        if reason is None:
            yield ex
            continue
        stats.skipped[reason] += 1
        if reason == "uncovered_operation":
            target = (header(ex.request_headers, "x-amz-target") or "").strip()
            stats.uncovered[target[len(_PREFIX) :][:64]] += 1
