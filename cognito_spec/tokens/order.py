"""The order in which the service writes a token's claims.

[I] The order looks arbitrary (``sub, iss, client_id, origin_jti, ...``) but it is the iteration
order of a Java ``HashMap`` holding the claims, sized as ``new HashMap<>(claims)`` sizes itself:
a table of ``tableSizeFor(n / 0.75 + 1)`` buckets for ``n`` claims, each claim in bucket
``(h ^ (h >>> 16)) & (buckets - 1)`` where ``h`` is Java's ``String.hashCode()`` of its name, and
claims sharing a bucket in the order they were put.  This rule reproduces, claim for claim:

* the public access token of the research notes (12 claims, 32 buckets):
  ``sub, iss, client_id, origin_jti, event_id, token_use, scope, auth_time, exp, iat, jti, username``;
* a public 2024 ID token with groups, pre-token-generation claims and ``identities`` (18 claims,
  32 buckets): ``at_hash, sub, cognito:groups, email_verified, iss, cognito:username, ...``;
* a public 2017 ID token (11 claims, 16 buckets).

(A 13-claim ID token from 2017 fits 16 buckets, not 32: the service's sizing may have changed since.
The hand-written samples of the developer guide fit no rule; they are not real tokens.)  The rule
is inferred, not documented: it is written down here, once, and tested against the samples.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["java_string_hash", "service_order"]

_MAX_CAPACITY = 1 << 30


def java_string_hash(name: str) -> int:
    """Java's ``String.hashCode()`` of ``name`` (over UTF-16 code units), as an unsigned 32-bit int."""
    h = 0
    units = name.encode("utf-16-be", "surrogatepass")
    for i in range(0, len(units), 2):
        h = (31 * h + (units[i] << 8 | units[i + 1])) & 0xFFFFFFFF
    return h


def _table_size(n: int) -> int:
    # HashMap(Map m): float ft = s / 0.75f + 1.0f; threshold = tableSizeFor((int) ft)
    wanted = min(int(n / 0.75 + 1.0), _MAX_CAPACITY)
    size = 1
    while size < wanted:
        size <<= 1
    return max(size, 1)


def service_order(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` (claims, in the order they are put) in the order the service writes them."""
    listed = list(dict.fromkeys(names))
    mask = _table_size(len(listed)) - 1

    def bucket(item: tuple[int, str]) -> tuple[int, int]:
        h = java_string_hash(item[1])
        return ((h ^ (h >> 16)) & mask, item[0])

    return tuple(name for _, name in sorted(enumerate(listed), key=bucket))
