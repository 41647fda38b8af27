"""Fixtures: valid and deliberately invalid messages, built from the field metadata.

Everything here is driven by a :class:`Source` of integers.  :class:`RandomSource` wraps a seeded
``random.Random`` (the ``cognito-spec fixtures`` command: same seed and same version give the same
bytes in every process); :mod:`cognito_spec.strategies` wraps a hypothesis ``draw`` with the same
:class:`Generator`, so hypothesis strategies and CLI fixtures share every line of value logic and
hypothesis can shrink what it generates.

Where values come from:

* Constraints come from metadata only: lengths, enums and ranges from :class:`~cognito_spec._meta.Shape`,
  patterns through :func:`cognito_spec.patterns.compile` (the syntax tree is walked to build strings
  that match by construction; nothing is generated and then filtered).
* Realism (the default) is a small table of *flavours* keyed by shape or member name: users with a
  UUID ``sub``, standard attributes with matching values, pool ids ``<region>_<9 alphanumerics>``,
  access tokens shaped like the service's JWTs, millisecond timestamps with last-modified not before
  created, unique auth factors, MFA members usually absent.  A flavour's value is checked against
  the model by the compiled checker; a value the model refuses is replaced by a generic one, so a
  future model that tightens a constraint cannot make a fixture invalid.
* ``Options(adversarial=True)`` covers the whole space instead: every Unicode category a pattern
  allows (lone surrogates where no pattern forbids them), edge lengths, edge timestamps, optional
  members present or absent at even odds, and (``unknown_enums``) enum values the model does not
  list, in responses, where the protocol requires clients to accept them.

:meth:`Generator.invalid` breaks exactly one constraint of a valid wire dict and returns the
:class:`~cognito_spec._check.Violation` the checker reports for it.
"""

from __future__ import annotations

import base64
import bisect
import copy
import functools
import hashlib
import hmac
import json
import random
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any, Final, Literal, Protocol, TypeVar, cast

import attrs

from cognito_spec import patterns
from cognito_spec._check import ERROR_ENVELOPE_MEMBERS, Violation
from cognito_spec._codegen import JSON_KIND, check
from cognito_spec._meta import Member, Shape, members_of, struct_info
from cognito_spec._timestamps import EPOCH, TIMESTAMP_MAX, TIMESTAMP_MIN, encode_timestamp
from cognito_spec._unicode_tables import CATEGORIES
from cognito_spec.capture import Exchange, Headers
from cognito_spec.envelope import TOKEN_MESSAGES, render_error
from cognito_spec.errors import CognitoSpecError, ServiceError
from cognito_spec.http import CONTENT_TYPE, render_response
from cognito_spec.operations import Operation
from cognito_spec.validate import service_error
from cognito_spec.wire import dumps, encode_body, to_wire

__all__ = [
    "KINDS",
    "Fixture",
    "Generator",
    "InvalidCase",
    "Kind",
    "Options",
    "Persona",
    "RandomSource",
    "Source",
    "generate",
    "operation",
]

T = TypeVar("T")
Ranges = tuple[tuple[int, int], ...]
Kind = Literal["request", "response", "error", "exchange", "invalid"]
KINDS: Final[tuple[Kind, ...]] = ("request", "response", "error", "exchange", "invalid")

_SIGNING_NAME: Final = "cognito-idp"

# Length of generated strings, lists and unbounded patterns when the model sets no maximum.
_UNBOUNDED_CAP: Final = 4096
# Strings longer than this are built from a repeated chunk of this many characters (fast, still
# valid: only single-class and unconstrained strings are tiled).
_TILE: Final = 256


class GenerationError(CognitoSpecError, ValueError):
    """A shape cannot be generated (for example a pattern with a lookaround)."""


# --------------------------------------------------------------------------------------------------
# Sources of randomness.


class Source(Protocol):
    """Where generators get their choices.  ``integer`` should shrink towards ``lo``; ``chance``
    towards False."""

    def integer(self, lo: int, hi: int) -> int:
        """An integer in ``lo..hi`` inclusive."""
        ...

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        ...


class RandomSource:
    """A :class:`Source` over ``random.Random``: the same seed gives the same choices in every process.

    String seeds are hashed with SHA-512 by ``random`` (never with Python's randomised ``hash``).
    """

    __slots__ = ("rng",)

    def __init__(self, seed: int | str | random.Random = 0) -> None:
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


# --------------------------------------------------------------------------------------------------
# Characters.  Pools split a class into Unicode categories so that adversarial strings visit every
# category a pattern allows, not only the largest blocks.


_intersect = patterns.intersect_ranges
_complement = patterns.complement_ranges


def _subtract(a: Ranges, b: Ranges) -> Ranges:
    return _intersect(a, _complement(b))


_EVERYTHING: Final[Ranges] = ((0, 0x10FFFF),)
# Category C split into parts Unicode's stability policy freezes: controls, surrogates, private use.
# The rest of C (format characters, unassigned code points) stays one bucket.
_C_PARTS: Final[tuple[tuple[str, Ranges], ...]] = (
    ("Cc", ((0x00, 0x1F), (0x7F, 0x9F))),
    ("Cs", ((0xD800, 0xDFFF),)),
    ("Co", ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))),
)
_ALNUM: Final[Ranges] = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A))
_PRINTABLE_ASCII: Final[Ranges] = ((0x21, 0x7E),)


@attrs.frozen
class _Bucket:
    label: str
    ranges: Ranges
    starts: tuple[int, ...]
    size: int

    @classmethod
    def of(cls, label: str, ranges: Ranges) -> _Bucket:
        starts, total = [], 0
        for lo, hi in ranges:
            starts.append(total)
            total += hi - lo + 1
        return cls(label, ranges, tuple(starts), total)

    def nth(self, i: int) -> int:
        j = bisect.bisect_right(self.starts, i) - 1
        return self.ranges[j][0] + i - self.starts[j]


@attrs.frozen
class _CharPool:
    ranges: Ranges
    buckets: tuple[_Bucket, ...]
    plausible: tuple[_Bucket, ...]
    friendly: _Bucket | None

    def pick(self, g: Generator) -> str:
        if not g.options.adversarial:
            if self.friendly is not None and (not self.plausible or not g.chance(0.03)):
                return chr(self.friendly.nth(g.integer(0, self.friendly.size - 1)))
            if self.plausible:
                b = g.choice(self.plausible)
                return chr(b.nth(g.integer(0, b.size - 1)))
        b = g.choice(self.buckets)
        if g.chance(0.2):  # the edges of a range are where translators go wrong
            lo, hi = g.choice(b.ranges)
            return chr(hi if g.chance(0.5) else lo)
        return chr(b.nth(g.integer(0, b.size - 1)))


@functools.cache
def _pool(ranges: Ranges) -> _CharPool:
    if not ranges:
        raise GenerationError("empty character class")
    buckets: list[_Bucket] = []
    for name, cat in CATEGORIES.items():
        if name == "C":
            rest = cat
            for part, part_ranges in _C_PARTS:
                rest = _subtract(rest, part_ranges)
                inter = _intersect(ranges, _intersect(cat, part_ranges))
                if inter:
                    buckets.append(_Bucket.of(part, inter))
            inter = _intersect(ranges, rest)
            if inter:
                buckets.append(_Bucket.of("C", inter))
            continue
        inter = _intersect(ranges, cat)
        if inter:
            buckets.append(_Bucket.of(name, inter))
    friendly = _intersect(ranges, _ALNUM) or _intersect(ranges, _PRINTABLE_ASCII)
    return _CharPool(
        ranges=ranges,
        buckets=tuple(buckets),
        plausible=tuple(b for b in buckets if b.label in ("L", "N", "P", "S")),
        friendly=_Bucket.of("friendly", friendly) if friendly else None,
    )


# A high surrogate followed by a low one is not two lone surrogates on the wire: JSON's \uXXXX
# escapes (and the UTF-16 strings of the service and of most clients) read the pair as one
# supplementary character.  Generated strings never contain such a pair: a low surrogate after a
# high one becomes a high surrogate too (same category, same length).
_SURROGATE_PAIR: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _unpair(text: str, ranges: Ranges) -> str:
    def high(m: re.Match[str]) -> str:
        low = m.group()[1]
        if not _contains(ranges, ord(low) - 0x400):
            raise GenerationError("cannot avoid a surrogate pair in a class without high surrogates")
        return m.group()[0] + chr(ord(low) - 0x400)

    # Substitution never rescans what it wrote, so a run of low surrogates takes a pass per
    # surrogate; runs are short, and each pass runs at C speed over long strings.
    while _SURROGATE_PAIR.search(text) is not None:
        text = _SURROGATE_PAIR.sub(high, text)
    return text


# --------------------------------------------------------------------------------------------------
# Strings from patterns.  A plan knows which lengths a pattern can produce (up to a cap) and builds
# a matching string of any of those lengths by walking the syntax tree: for a sequence it chooses
# each item's length so that the rest can still be completed, for a repetition the count, for an
# alternation an option that can produce the length.  Nothing is generated and then rejected.


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _sumset(a: int, b: int, limit: int) -> int:
    out = 0
    for i in _bits(b):
        out |= a << i
    return out & limit


@attrs.frozen(eq=False)
class _Plan:
    """How to build strings of one pattern (or of no pattern) with a given length."""

    source: str | None
    cap: int
    #: ``(ranges, min, max)`` for unconstrained and single-class patterns: every length in range works.
    simple: tuple[Ranges, int, int | None] | None
    ast: patterns.Node | None
    lengths: dict[int, int]
    folds: dict[int, tuple[tuple[int, ...], bool]]
    #: Code points no character class of the pattern contains (a pattern violation uses one).
    outside: Ranges
    pools: dict[int, _CharPool] = attrs.field(factory=dict)

    def can(self, n: int) -> bool:
        if n < 0:
            return False
        if self.simple is not None:
            _, lo, hi = self.simple
            return lo <= n and (hi is None or n <= hi)
        assert self.ast is not None
        return n <= self.cap and bool(self.lengths[id(self.ast)] >> n & 1)

    def make(self, g: Generator, n: int) -> str:
        if self.simple is not None:
            pool = _pool(self.simple[0])
            if n > _TILE:
                chunk = "".join(pool.pick(g) for _ in range(_TILE))
                return _unpair((chunk * (n // _TILE + 1))[:n], pool.ranges)
            return _unpair("".join(pool.pick(g) for _ in range(n)), pool.ranges)
        assert self.ast is not None
        out: list[str] = []
        self._gen(g, self.ast, n, out)
        text = "".join(out)
        if _SURROGATE_PAIR.search(text) is not None:
            fixed = _unpair(text, _EVERYTHING)
            if self.source is None or not patterns.compile(self.source).fullmatch(fixed):
                raise GenerationError(f"pattern {self.source!r} needs a surrogate pair here")
            text = fixed
        return text

    def _gen(self, g: Generator, node: patterns.Node, n: int, out: list[str]) -> None:
        if isinstance(node, patterns.CharSet):
            pool = self.pools.get(id(node))
            if pool is None:
                pool = self.pools[id(node)] = _pool(node.ranges)
            out.append(pool.pick(g))
        elif isinstance(node, patterns.Group):
            self._gen(g, node.node, n, out)
        elif isinstance(node, patterns.Alt):
            options = [o for o in node.options if self.lengths[id(o)] >> n & 1]
            self._gen(g, g.choice(options), n, out)
        elif isinstance(node, patterns.Seq):
            rest = [1]
            for item in reversed(node.items):
                rest.append(_sumset(rest[-1], self.lengths[id(item)], (1 << (self.cap + 1)) - 1))
            rest.reverse()  # rest[i]: lengths items i.. can produce together
            for i, item in enumerate(node.items):
                choices = [k for k in _bits(self.lengths[id(item)]) if k <= n and rest[i + 1] >> (n - k) & 1]
                k = g.choice(choices)
                self._gen(g, item, k, out)
                n -= k
        elif isinstance(node, patterns.Repeat):
            folds, fixed = self.folds[id(node)]

            def fold(j: int) -> int:
                if j < len(folds):
                    return folds[j]
                return folds[-1] if fixed else 0

            top = len(folds) - 1 if not fixed else max(node.min, len(folds))
            if node.max is not None:
                top = min(top, node.max)
            counts = [k for k in range(node.min, top + 1) if fold(k) >> n & 1]
            count = g.choice(counts)
            inner = self.lengths[id(node.node)]
            for i in range(count):
                choices = [k for k in _bits(inner) if k <= n and fold(count - i - 1) >> (n - k) & 1]
                k = g.choice(choices)
                self._gen(g, node.node, k, out)
                n -= k
        # Anchors produce nothing; lookarounds were refused when the plan was made.


def _lengths(
    node: patterns.Node,
    limit: int,
    lengths: dict[int, int],
    folds: dict[int, tuple[tuple[int, ...], bool]],
) -> int:
    key = id(node)
    if key in lengths:
        return lengths[key]
    if isinstance(node, patterns.CharSet):
        result = 0b10 if node.ranges else 0
    elif isinstance(node, patterns.Anchor):
        result = 1
    elif isinstance(node, patterns.Look):
        raise GenerationError("lookarounds are not supported by the generator")
    elif isinstance(node, patterns.Group):
        result = _lengths(node.node, limit, lengths, folds)
    elif isinstance(node, patterns.Alt):
        result = 0
        for option in node.options:
            result |= _lengths(option, limit, lengths, folds)
    elif isinstance(node, patterns.Seq):
        result = 1
        for item in node.items:
            result = _sumset(result, _lengths(item, limit, lengths, folds), limit)
    else:
        inner = _lengths(node.node, limit, lengths, folds)
        acc, result, fixed = [1], 0, False
        while True:
            k = len(acc) - 1
            if k >= node.min:
                result |= acc[k]
            if node.max is not None and k >= node.max:
                break
            nxt = _sumset(acc[k], inner, limit)
            if nxt == 0:
                break
            if nxt == acc[k]:  # a fixed point: every further count gives the same lengths
                fixed = True
                if node.max is None or node.max >= node.min:
                    result |= nxt
                break
            acc.append(nxt)
        folds[key] = (tuple(acc), fixed)
    lengths[key] = result & limit
    return lengths[key]


def _charsets(node: patterns.Node) -> Iterator[Ranges]:
    if isinstance(node, patterns.CharSet):
        yield node.ranges
    elif isinstance(node, patterns.Seq):
        for item in node.items:
            yield from _charsets(item)
    elif isinstance(node, patterns.Alt):
        for option in node.options:
            yield from _charsets(option)
    elif isinstance(node, patterns.Group | patterns.Repeat | patterns.Look):
        yield from _charsets(node.node)


@functools.cache
def _plan(source: str | None, cap: int) -> _Plan:
    if source is None:
        return _Plan(None, cap, (_EVERYTHING, 0, None), None, {}, {}, ())
    compiled = patterns.compile(source)
    union: list[tuple[int, int]] = []
    for ranges in _charsets(compiled.ast):
        union.extend(ranges)
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(union):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    outside = _complement(tuple(merged))
    single = compiled.single_class
    if single is not None:
        return _Plan(source, cap, single, None, {}, {}, outside)
    lengths: dict[int, int] = {}
    folds: dict[int, tuple[tuple[int, ...], bool]] = {}
    _lengths(compiled.ast, (1 << (cap + 1)) - 1, lengths, folds)
    return _Plan(source, cap, None, compiled.ast, lengths, folds, outside)


def _plan_for(shape: Shape, need: int = 0) -> _Plan:
    cap = max(need, _UNBOUNDED_CAP if shape.length_max is None else shape.length_max + 1)
    return _plan(shape.pattern, cap)


# --------------------------------------------------------------------------------------------------
# Options and the person behind a message.


@attrs.frozen
class Options:
    """What to generate.

    ``adversarial``: the full valid space instead of realistic values.  ``unknown_enums``: enum values
    the model does not list, in responses and errors only (the protocol lets the service add values;
    requests with them are refused); ``None`` follows ``adversarial``.  Such values pass tolerant
    validation and fail strict validation.  ``complete``: every optional member present (the bases of
    invalid cases, so that every member can be broken).
    """

    adversarial: bool = False
    unknown_enums: bool | None = None
    complete: bool = False

    @property
    def open_enums(self) -> bool:
        return self.adversarial if self.unknown_enums is None else self.unknown_enums


@attrs.frozen
class Persona:
    """The user, pool and caller one message (or one exchange) is about; realistic values agree
    with it, so a GetUser response names the user of the access token in its request."""

    region: str
    pool_id: str
    client_id: str
    # Made up, yet shaped like personal data: kept out of repr like the sensitive members they fill.
    sub: str = attrs.field(repr=False)
    username: str = attrs.field(repr=False)
    email: str = attrs.field(repr=False)
    given_name: str = attrs.field(repr=False)
    family_name: str = attrs.field(repr=False)
    phone_number: str = attrs.field(repr=False)
    #: When the exchange happens (millisecond precision, UTC).
    now: datetime
    access_key_id: str
    secret_access_key: str = attrs.field(repr=False)


_REGIONS: Final = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
)
_GIVEN: Final = (
    "Alice", "Bob", "Chloé", "Dmitri", "Emeka", "Fatima", "Grace", "Hiroshi", "Ingrid", "José",
    "Kavya", "Liam", "Mei", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sven", "Zoë",
)  # fmt: skip
_FAMILY: Final = (
    "Smith", "García", "Nguyen", "Okafor", "Müller", "Tanaka", "Kowalski", "Rossi", "Haddad",
    "Johansson", "Patel", "Dubois", "Silva", "Kim", "O'Brien", "Novak",
)  # fmt: skip
_DOMAINS: Final = ("example.com", "example.org", "example.net", "mail.example.com")
_ASCII_FOLD: Final = str.maketrans({"é": "e", "ë": "e", "ü": "u", "í": "i", "'": "", "ø": "o"})
# Area codes with their fictional 555-01xx numbers, and the UK's drama range 07700 900xxx.
_US_AREAS: Final = ("206", "212", "312", "415", "512", "617", "702", "808")
_BASE32: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B64: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_LOWER_ALNUM: Final = "abcdefghijklmnopqrstuvwxyz0123456789"
_ALNUM_TEXT: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Realistic moments: 2023 to 2026.
_NOW_MIN_MS: Final = 1_672_531_200_000
_NOW_MAX_MS: Final = 1_767_225_600_000
_MS: Final = timedelta(milliseconds=1)


def _ms(dt: datetime) -> int:
    return (dt - EPOCH) // _MS


def _at(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------------------------------
# Realistic flavours: domain knowledge, keyed by shape name or member wire name.  Each returns a
# value for the member, or None to fall back on the generic generator.  Values are checked by the
# compiled checker afterwards, never trusted.

Flavour = Callable[["Generator", Shape, str, type, dict[str, Any]], Any]

#: Optional members the service leaves out for most users (no MFA configured), and the rare reasonCode.
_USUALLY_ABSENT: Final = frozenset({"MFAOptions", "PreferredMfaSetting", "UserMFASettingList", "reasonCode"})
#: Members that read a sibling generated first: ``member -> sibling``.
_DEPENDS_ON: Final = {"PreferredMfaSetting": "UserMFASettingList"}
_MFA_SETTINGS: Final = ("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP")
#: What the service says, by error code (short wire texts; absent codes get a generic one, an
#: empty tuple means the service sends no message).
_MESSAGES: Final[dict[str, tuple[str, ...]]] = {
    "UserNotFoundException": ("User does not exist.",),
    "NotAuthorizedException": TOKEN_MESSAGES,
    "ResourceNotFoundException": ("User pool {pool} does not exist.",),
    "InvalidParameterException": ("Invalid parameter.", "1 validation error detected"),
    "TooManyRequestsException": ("Rate exceeded",),
    "PasswordResetRequiredException": ("Password reset required for the user",),
    "UserNotConfirmedException": ("User is not confirmed.",),
    "InternalErrorException": ("Internal server error.",),
    "ForbiddenException": ("Request not allowed.",),
    "SerializationException": (
        "Start of structure or map found where not expected.",
        "Unexpected field type",
    ),
    "UnrecognizedClientException": ("The security token included in the request is invalid.",),
    "UnknownOperationException": (),  # sent without a message
    "OperationNotEnabledException": ("This operation is not enabled.",),
}


def _username(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    return g.persona.username


def _pool_id(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    return g.persona.pool_id


def _access_token(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    return g.access_token()


def _attribute_pairs(g: Generator) -> list[tuple[str, str]]:
    p = g.persona
    pairs = [("sub", p.sub)]
    if g.chance(0.85):
        pairs += [("email", p.email), ("email_verified", "true" if g.chance(0.8) else "false")]
    if g.chance(0.35):
        pairs += [("phone_number", p.phone_number), ("phone_number_verified", g.choice(("true", "false")))]
    if g.chance(0.5):
        pairs += [("given_name", p.given_name), ("family_name", p.family_name)]
    if g.chance(0.2):
        pairs.append(("name", f"{p.given_name} {p.family_name}"))
    if g.chance(0.15):
        pairs.append(("locale", g.choice(("en-US", "en-GB", "fr-FR", "de-DE", "ja-JP", "pt-BR"))))
        pairs.append(("zoneinfo", g.choice(("America/New_York", "Europe/Paris", "Asia/Tokyo"))))
    if g.chance(0.1):
        pairs.append(("birthdate", f"{g.integer(1940, 2008)}-{g.integer(1, 12):02d}-{g.integer(1, 28):02d}"))
    if g.chance(0.1):
        pairs.append(("updated_at", str(_ms(p.now) // 1000 - g.integer(0, 10_000_000))))
    if g.chance(0.25):
        custom = [
            ("custom:tenant_id", g.uuid()),
            ("custom:plan", g.choice(("free", "pro", "enterprise"))),
            ("custom:department", g.choice(("engineering", "sales", "support"))),
            ("custom:employee_id", str(g.integer(10_000, 99_999))),
            ("custom:marketing_opt_in", g.choice(("true", "false"))),
        ]
        pairs += g.sample(custom, g.integer(1, 2))
    return g.shuffled(pairs)


def _attribute_list(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    assert shape.member is not None
    cls = _target(shape.member)
    return tuple(cls(name=n, value=v) for n, v in _attribute_pairs(g))


def _attribute(g: Generator, cls: type) -> Any:
    name, value = g.choice(_attribute_pairs(g))
    return cls(name=name, value=value)


def _mfa_option(g: Generator, cls: type) -> Any:
    if g.chance(0.85):
        return cls(delivery_medium="SMS", attribute_name="phone_number")
    return cls(delivery_medium="EMAIL", attribute_name="email")


def _mfa_settings(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    return tuple(g.sample(_MFA_SETTINGS, g.integer(1, len(_MFA_SETTINGS))))


def _preferred_mfa(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    settings = sib.get("UserMFASettingList")
    return g.choice(settings) if settings else None


def _auth_factors(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    assert shape.member is not None and shape.member.enum is not None
    known = list(shape.member.enum)
    chosen = [v for v in known if v != "PASSWORD" and g.chance(0.3)]
    if "PASSWORD" in known and g.chance(0.9):
        chosen.insert(0, "PASSWORD")
    if not chosen:
        chosen = [g.choice(known)]
    cls = shape.member.enum_class
    return tuple(cls(v) for v in chosen) if cls is not None else tuple(chosen)


def _user_status(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    assert shape.enum is not None
    value = "CONFIRMED" if g.chance(0.8) else g.choice(shape.enum)
    return shape.enum_class(value) if shape.enum_class is not None else value


def _enabled(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    return g.chance(0.95)


def _message(g: Generator, shape: Shape, wire: str, owner: type, sib: dict[str, Any]) -> Any:
    code = getattr(owner, "code", None)
    if not isinstance(code, str) or not issubclass(owner, ServiceError):
        return None
    texts = _MESSAGES.get(code, ("An error occurred.",))
    return g.choice(texts).replace("{pool}", g.persona.pool_id) if texts else None


_SHAPE_FLAVOURS: Final[dict[str, Flavour]] = {
    "UsernameType": _username,
    "UserPoolIdType": _pool_id,
    "TokenModelType": _access_token,
    "AttributeListType": _attribute_list,
    "UserMFASettingListType": _mfa_settings,
    "ConfiguredUserAuthFactorsListType": _auth_factors,
    "UserStatusType": _user_status,
    "MessageType": _message,
}
_MEMBER_FLAVOURS: Final[dict[str, Flavour]] = {
    "PreferredMfaSetting": _preferred_mfa,
    "Enabled": _enabled,
}
_STRUCT_FLAVOURS: Final[dict[str, Callable[[Generator, type], Any]]] = {
    "AttributeType": _attribute,
    "MFAOptionType": _mfa_option,
}


def _any(n: int) -> bool:
    return True


def _target(shape: Shape) -> type:
    from cognito_spec.shapes import STRUCTURES

    return STRUCTURES[shape.target or shape.name]


# --------------------------------------------------------------------------------------------------
# The generator.


@attrs.frozen
class InvalidCase:
    """A wire dict that breaks exactly one constraint of ``cls``, and the violation it must produce."""

    cls: type
    #: Not in repr: it holds values of sensitive members (user names, tokens).
    wire: dict[str, Any] = attrs.field(repr=False)
    violation: Violation

    @property
    def label(self) -> str:
        return f"{self.violation.kind} at {self.violation.pointer or '/'}"


@attrs.frozen
class _Mutation:
    label: str
    apply: Callable[[Generator, dict[str, Any]], Violation]


class Generator:
    """Builds values of the generated classes from their metadata, choosing with a :class:`Source`.

    One generator is one story: its :class:`Persona` (drawn on first use) is shared by everything it
    makes, so the request and response of an exchange are about the same user.
    """

    def __init__(self, source: Source, options: Options | None = None, *, persona: Persona | None = None):
        self.source = source
        self.options = options or Options()
        self._persona = persona
        self._open_enums_here = False

    # -- primitive choices -----------------------------------------------------------------------

    def integer(self, lo: int, hi: int) -> int:
        return self.source.integer(lo, hi)

    def chance(self, p: float) -> bool:
        return self.source.chance(p)

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.source.integer(0, len(seq) - 1)]

    def shuffled(self, seq: Sequence[T]) -> list[T]:
        items = list(seq)
        for i in range(len(items) - 1, 0, -1):
            j = self.integer(0, i)
            items[i], items[j] = items[j], items[i]
        return items

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        """``k`` distinct items of ``seq``, in ``seq``'s order."""
        pool = list(range(len(seq)))
        picked = sorted(pool.pop(self.integer(0, len(pool) - 1)) for _ in range(min(k, len(seq))))
        return [seq[i] for i in picked]

    def text(self, alphabet: str, n: int) -> str:
        return "".join(alphabet[self.integer(0, len(alphabet) - 1)] for _ in range(n))

    def octets(self, n: int) -> bytes:
        return self.integer(0, (1 << (8 * n)) - 1).to_bytes(n, "big") if n else b""

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.integer(0, (1 << 128) - 1), version=4))

    # -- the persona -----------------------------------------------------------------------------

    @property
    def persona(self) -> Persona:
        if self._persona is None:
            self._persona = self._make_persona()
        return self._persona

    def _make_persona(self) -> Persona:
        region = self.choice(_REGIONS)
        given, family = self.choice(_GIVEN), self.choice(_FAMILY)
        local = f"{given}.{family}".lower().translate(_ASCII_FOLD)
        if self.chance(0.4):
            local += str(self.integer(1, 99))
        email = f"{local}@{self.choice(_DOMAINS)}"
        sub = self.uuid()
        roll = self.integer(0, 9)
        if roll < 5:
            username = sub  # pools that sign in with an email alias name users by their sub
        elif roll < 7:
            username = email
        else:
            username = f"{given.lower()}{family[0].lower()}{self.integer(1, 999)}".translate(_ASCII_FOLD)
        if self.chance(0.7):
            phone = f"+1{self.choice(_US_AREAS)}55501{self.integer(0, 99):02d}"
        else:
            phone = f"+447700900{self.integer(0, 999):03d}"
        return Persona(
            region=region,
            pool_id=f"{region}_{self.text(_ALNUM_TEXT, 9)}",
            client_id=self.text(_LOWER_ALNUM, 26),
            sub=sub,
            username=username,
            email=email,
            given_name=given,
            family_name=family,
            phone_number=phone,
            now=_at(self.integer(_NOW_MIN_MS, _NOW_MAX_MS)),
            access_key_id="AKIA" + self.text(_BASE32, 16),
            secret_access_key=self.text(_B64, 40),
        )

    def access_token(self) -> str:
        """An access token shaped like the service's: an RS256 JWT with its claim set."""
        p = self.persona
        iat = _ms(p.now) // 1000 - self.integer(0, 3000)
        header = {"kid": base64.b64encode(self.octets(32)).decode("ascii"), "alg": "RS256"}
        claims = {
            "sub": p.sub,
            "iss": f"https://cognito-idp.{p.region}.amazonaws.com/{p.pool_id}",
            "client_id": p.client_id,
            "origin_jti": self.uuid(),
            "event_id": self.uuid(),
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": iat - self.integer(0, 7200),
            "exp": iat + 3600,
            "iat": iat,
            "jti": self.uuid(),
            "username": p.username,
        }
        return ".".join(
            (
                _b64url(_compact(header).encode()),
                _b64url(_compact(claims).encode()),
                _b64url(self.octets(256)),
            )
        )

    # -- values ----------------------------------------------------------------------------------

    def instance(self, cls: type[T]) -> T:
        """A valid instance of a generated class."""
        info = struct_info(cls)
        if info is None:
            raise TypeError(f"{cls!r} is not a cognito_spec shape class")
        self._open_enums_here = self.options.open_enums and info.role in ("output", "error")
        return self._struct(cls)

    def _struct(self, cls: type[T]) -> T:
        info = struct_info(cls)
        assert info is not None
        realistic = not self.options.adversarial
        if realistic and info.name in _STRUCT_FLAVOURS:
            made = cast(T, _STRUCT_FLAVOURS[info.name](self, cls))
            if not check(to_wire(made), cls):
                return made
        members = sorted(
            members_of(cls), key=lambda am: am[1].wire in _DEPENDS_ON or "LastModified" in am[1].wire
        )
        values: dict[str, Any] = {}
        kwargs: dict[str, Any] = {}
        flavoured: dict[str, tuple[str, Member]] = {}
        for attr, m in members:
            if not self._present(cls, info.role, m, values):
                continue
            value = None
            if realistic:
                flavour = _MEMBER_FLAVOURS.get(m.wire) or _SHAPE_FLAVOURS.get(m.shape.name)
                if flavour is not None:
                    value = flavour(self, m.shape, m.wire, cls, values)
                    if value is not None:
                        flavoured[m.wire] = (attr, m)
            if value is None:
                value = self.value(m.shape, m.wire, values)
            values[m.wire] = kwargs[attr] = value
        obj = cls(**kwargs)
        if flavoured:
            # Flavours know the domain, the model has the last word: a flavoured value the model
            # refuses is replaced by a generic one.
            refused = {v.path[0] for v in check(to_wire(obj), cls) if v.path and v.path[0] in flavoured}
            if refused:
                for wire in sorted(refused, key=str):
                    attr, m = flavoured[str(wire)]
                    values[m.wire] = kwargs[attr] = self.value(m.shape, m.wire, values)
                obj = cls(**kwargs)
        return obj

    def _present(self, cls: type, role: str, m: Member, siblings: dict[str, Any]) -> bool:
        if m.required or self.options.complete:
            return True
        if self.options.adversarial:
            return self.chance(0.5)
        if role == "error":
            if m.wire == getattr(cls, "message_member", None):
                return _MESSAGES.get(getattr(cls, "code", ""), ("",)) != ()
            return m.wire not in _USUALLY_ABSENT or self.chance(0.1)
        if m.wire in _DEPENDS_ON:
            return _DEPENDS_ON[m.wire] in siblings and self.chance(0.8)
        if m.wire in _USUALLY_ABSENT:
            return self.chance(0.15)
        return self.chance(0.9)

    def value(self, shape: Shape, wire: str = "", siblings: dict[str, Any] | None = None) -> Any:
        """A generic valid value of a shape (no flavours), as the classes hold it."""
        t = shape.type
        adversarial = self.options.adversarial
        if t == "string":
            if shape.enum is not None:
                return self._enum(shape)
            return self.string(shape)
        if t == "boolean":
            return self.chance(0.5)
        if t in ("integer", "long"):
            return self._integer(shape)
        if t in ("float", "double"):
            return self._float(shape)
        if t == "timestamp":
            return _at(self._timestamp_ms(wire, siblings or {}))
        if t == "blob":
            lo, hi = self._length(shape, None)
            return self.octets(self._pick_length(lo, hi, _any, bounded=shape.length_max is not None, long=64))
        if t == "list":
            assert shape.member is not None
            item = shape.member
            lo, hi = self._length(shape, None)
            if not adversarial:
                hi = min(hi, max(lo, 3))
            bounded = shape.length_max is not None
            n = self._pick_length(
                max(lo, 1) if self.options.complete else lo, hi, _any, bounded=bounded, long=20
            )
            if item.enum is not None and not adversarial:
                # Realistic lists of enum values hold each value once.
                values = self.sample(item.enum, n) if n <= len(item.enum) else None
                if values is not None and len(values) >= lo:
                    return tuple(item.enum_class(v) for v in values) if item.enum_class else tuple(values)
            return tuple(self.value(item, wire) for _ in range(n))
        if t == "map":
            assert shape.key is not None and shape.value is not None
            lo, hi = self._length(shape, None)
            n = self._pick_length(lo, min(hi, lo + 5), _any)
            out: dict[Any, Any] = {}
            for _ in range(4 * n + 8):
                if len(out) >= n:
                    break
                out[self.value(shape.key, wire)] = self.value(shape.value, wire)
            return out
        if t == "structure":
            return self._struct(_target(shape))
        raise GenerationError(f"cannot generate shape type {t!r}")  # pragma: no cover

    def _enum(self, shape: Shape) -> Any:
        assert shape.enum is not None
        if self._open_enums_here and self.chance(0.25):
            unknown = self._unknown_enum_value(shape)
            if unknown is not None:
                return unknown
        value = self.choice(shape.enum)
        return shape.enum_class(value) if shape.enum_class is not None else value

    def _unknown_enum_value(self, shape: Shape) -> str | None:
        assert shape.enum is not None
        known = shape.enum
        base = self.choice(known)
        for candidate in (f"{base}_V2", base.lower(), "NEW_VALUE", f"{base}2"):
            if candidate not in known and self._string_fits(shape, candidate):
                return candidate
        return None

    @staticmethod
    def _string_fits(shape: Shape, value: str) -> bool:
        n = len(value)
        if shape.length_min is not None and n < shape.length_min:
            return False
        if shape.length_max is not None and n > shape.length_max:
            return False
        return shape.pattern is None or patterns.compile(shape.pattern).fullmatch(value)

    @staticmethod
    def _length(shape: Shape, plan: _Plan | None) -> tuple[int, int]:
        lo = shape.length_min or 0
        hi = shape.length_max if shape.length_max is not None else _UNBOUNDED_CAP
        if plan is not None and plan.simple is not None:
            _, plo, phi = plan.simple
            lo = max(lo, plo)
            if phi is not None:
                hi = min(hi, phi)
        return lo, hi

    def _pick_length(
        self, lo: int, hi: int, ok: Callable[[int], bool], *, bounded: bool = True, long: int = 1000
    ) -> int:
        """A length in ``lo..hi`` that ``ok`` accepts: short when realistic, edges when adversarial.

        ``bounded=False`` says ``hi`` is only a generation cap, not a model limit: the long edge is
        then a window ``long`` wide above ``lo + long // 5``.
        """
        if hi < lo:
            raise GenerationError(f"no length in {lo}..{hi}")
        if self.options.adversarial:
            roll = self.integer(0, 9)
            if roll == 0:
                window = (lo, lo + 1)
            elif roll == 1 and bounded:
                window = (hi - 1, hi)
            elif roll == 1:
                window = (lo + long // 5, lo + long // 5 + long)
            else:
                window = (lo, lo + 40)
        else:
            start = max(lo, 1)
            window = (start, start + 15)
        a, b = max(lo, window[0]), min(hi, window[1])
        candidates = [n for n in range(a, b + 1) if ok(n)]
        if not candidates:
            candidates = [n for n in range(lo, min(hi, lo + _UNBOUNDED_CAP) + 1) if ok(n)][:64]
        if not candidates:
            raise GenerationError(f"no achievable length in {lo}..{hi}")
        return self.choice(candidates)

    def string(self, shape: Shape, length: int | None = None) -> str:
        """A string of a string shape, of the given length or of a chosen valid one."""
        plan = _plan_for(shape, length or 0)
        if length is None:
            lo, hi = self._length(shape, plan)
            length = self._pick_length(lo, hi, plan.can, bounded=shape.length_max is not None)
        if self.options.adversarial or shape.pattern is not None:
            return plan.make(self, length)
        return self._words(length)

    def _words(self, n: int) -> str:
        """Plausible text of exactly ``n`` characters (realistic strings without a pattern)."""
        words = ("alpha", "beta", "user", "pool", "token", "value", "sample", "data", "test", "note")
        out = ""
        while len(out) < n:
            out += ("" if not out else " ") + self.choice(words)
        out = out[:n]
        return out[:-1] + "x" if out.endswith(" ") else out

    def _integer(self, shape: Shape) -> int:
        bits = 31 if shape.type == "integer" else 63
        lo = int(shape.range_min) if shape.range_min is not None else -(1 << bits)
        hi = int(shape.range_max) if shape.range_max is not None else (1 << bits) - 1
        if self.options.adversarial and self.chance(0.3):
            return self.choice((lo, hi, min(max(0, lo), hi)))
        if not self.options.adversarial:
            return self.integer(max(lo, 0), min(hi, max(lo, 0) + 1000))
        return self.integer(lo, hi)

    def _float(self, shape: Shape) -> float:
        lo = float(shape.range_min) if shape.range_min is not None else -1e9
        hi = float(shape.range_max) if shape.range_max is not None else 1e9
        if self.options.adversarial and self.chance(0.3):
            return self.choice((lo, hi))
        steps = 1_000_000
        return lo + (hi - lo) * self.integer(0, steps) / steps

    def _timestamp_ms(self, wire: str, siblings: dict[str, Any]) -> int:
        if self.options.adversarial:
            lo, hi = TIMESTAMP_MIN * 1000, TIMESTAMP_MAX * 1000 - 1
            roll = self.integer(0, 9)
            if roll == 0:
                return self.choice((lo, hi, 0, -1, 1))
            if roll == 1:
                return self.integer(lo // 1000, hi // 1000) * 1000  # whole seconds: written as integers
            return self.integer(lo, hi)
        now = _ms(self.persona.now)
        if "LastModified" in wire:
            # Not before anything created in the same structure: users are modified after creation.
            created = [
                _ms(v) for k, v in sorted(siblings.items()) if "Creat" in k and isinstance(v, datetime)
            ]
            if created:
                floor = max(created)
                return floor if self.chance(0.3) else self.integer(floor, max(floor, now))
        return now - self.integer(0, 3 * 365 * 86_400_000)

    # -- messages --------------------------------------------------------------------------------

    def request(self, op: Operation) -> Any:
        return self.instance(op.input)

    def response(self, op: Operation) -> Any:
        return self.instance(op.output) if op.output is not None else None

    def error(self, op: Operation, cls: type[ServiceError] | None = None) -> ServiceError:
        """An error of the operation: ``cls``, or one chosen (realistic: mostly the model's own)."""
        if cls is None:
            modelled = [e for e in op.errors if e.modelled]
            pick_modelled = modelled and (self.options.adversarial or self.chance(0.85))
            cls = self.choice(modelled if pick_modelled and not self.options.adversarial else op.errors)
        return self.instance(cls)

    def request_headers(self, op: Operation, body: bytes) -> Headers:
        p = self.persona
        host = f"cognito-idp.{p.region}.amazonaws.com"
        headers = [("Host", host), ("X-Amz-Target", op.target), ("Content-Type", CONTENT_TYPE)]
        if op.auth == "sigv4":
            amz_date = p.now.strftime("%Y%m%dT%H%M%SZ")
            auth = _sigv4_authorization(p, host, op.target, body, amz_date)
            headers += [("X-Amz-Date", amz_date), ("Authorization", auth)]
        headers.append(("Content-Length", str(len(body))))
        return tuple(headers)

    def success(self, obj: Any) -> tuple[int, Headers, bytes]:
        """The service's answer carrying ``obj`` (an output object, or None for an operation without
        output): rendered by :func:`cognito_spec.http.render_response`, plus transport headers."""
        if obj is None:
            # An operation without output answers an empty object (none in this model yet).
            body = b"{}"
            head = [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", self.uuid())]
            return 200, self._transport([*head, ("Content-Length", "2")]), body
        status, headers, body = render_response(obj, request_id=self.uuid())
        return status, self._transport(headers), body

    def failure(self, err: ServiceError) -> tuple[int, Headers, bytes]:
        """The service's answer for an error: :func:`cognito_spec.envelope.render_error` plus transport
        headers (``{"__type":"<Code>","message":...}``, ``x-amzn-ErrorType: <Code>:``)."""
        status, headers, body = render_error(err, request_id=self.uuid())
        return status, self._transport(headers), body

    def _transport(self, headers: list[tuple[str, str]]) -> Headers:
        sent = self.persona.now + timedelta(milliseconds=self.integer(5, 400))
        return (*headers, ("Date", format_datetime(sent, usegmt=True)), ("Connection", "keep-alive"))

    def exchange(
        self,
        op: Operation,
        *,
        outcome: Literal["response", "error"] | None = None,
        error: type[ServiceError] | None = None,
        index: int = 0,
    ) -> Exchange:
        """A whole exchange: the request as a client sends it and the service's answer.

        ``outcome`` chooses a success or an error (``error`` names the class); by default one in five
        exchanges fails with one of the operation's errors.
        """
        body = dumps(self.request(op))
        if outcome is None:
            outcome = "error" if error is not None or self.chance(0.2) else "response"
        if outcome == "response":
            status, headers, out = self.success(self.response(op))
        else:
            status, headers, out = self.failure(self.error(op, error))
        return self._exchange(op, body, status, headers, out, index)

    def rejected_exchange(self, op: Operation, *, index: int = 0) -> tuple[Exchange, InvalidCase]:
        """A request that breaks exactly one constraint, answered as the service answers it.

        The answer is :func:`cognito_spec.validate.service_error` of the violation (an
        InvalidParameterException with the service's message, or a SerializationException); a
        violation the service tolerates (an unknown member) gets a normal success.
        """
        case = self.invalid(op.input)
        body = encode_body(case.wire)
        err = service_error([case.violation])
        if err is None:
            status, headers, out = self.success(self.response(op))
        else:
            status, headers, out = self.failure(err)
        return self._exchange(op, body, status, headers, out, index), case

    def broken_response_exchange(self, op: Operation, *, index: int = 0) -> tuple[Exchange, InvalidCase]:
        """A valid request answered by a success whose body breaks exactly one constraint (what a
        faulty emulator sends; clients and validators under test should notice)."""
        if op.output is None:
            raise GenerationError(f"{op.name} has no output to break")
        case = self.invalid(op.output)
        request = dumps(self.request(op))
        out = encode_body(case.wire)
        # The success envelope of cognito_spec.http.render_response, which refuses invalid objects.
        head = [("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", self.uuid())]
        headers = self._transport([*head, ("Content-Length", str(len(out)))])
        return self._exchange(op, request, 200, headers, out, index), case

    def _exchange(
        self, op: Operation, body: bytes, status: int, headers: Headers, out: bytes, index: int
    ) -> Exchange:
        p = self.persona
        ms = _ms(p.now) % 1000
        return Exchange(
            request_headers=self.request_headers(op, body),
            request_body=body,
            status=status,
            response_headers=headers,
            response_body=out,
            method="POST",
            url=f"https://cognito-idp.{p.region}.amazonaws.com/",
            index=index,
            started=p.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms:03d}Z",
        )

    # -- invalid data ----------------------------------------------------------------------------

    def valid_wire(self, cls: type) -> dict[str, Any]:
        """The wire dict of a valid instance (error bodies with their ``__type``)."""
        obj: Any = self.instance(cls)
        wire = to_wire(obj)
        if issubclass(cls, ServiceError):
            wire = {"__type": cls.code, **wire}
        return wire

    def mutations(self, cls: type) -> tuple[dict[str, Any], list[_Mutation]]:
        """A valid wire dict with every member present, and every way to break one constraint of it."""
        base_options = attrs.evolve(self.options, complete=True, unknown_enums=False)
        base = Generator(self.source, base_options, persona=self.persona).valid_wire(cls)
        return base, list(_struct_mutations(cls, base, ()))

    def invalid(self, cls: type) -> InvalidCase:
        """A wire dict that breaks exactly one constraint of ``cls``, with its violation."""
        base, muts = self.mutations(cls)
        # The kind first, then the place: every kind is as likely as any other, however many
        # members a structure has.
        labels = sorted({m.label for m in muts})
        label = self.choice(labels)
        return self._apply(cls, base, self.choice([m for m in muts if m.label == label]))

    def all_invalid(self, cls: type) -> list[InvalidCase]:
        """One invalid case for every way to break one constraint of a complete valid wire dict."""
        base, muts = self.mutations(cls)
        return [self._apply(cls, base, m) for m in muts]

    def _apply(self, cls: type, base: dict[str, Any], mutation: _Mutation) -> InvalidCase:
        wire = copy.deepcopy(base)
        breaker_options = attrs.evolve(self.options, complete=False, unknown_enums=False)
        breaker = Generator(self.source, breaker_options, persona=self.persona)
        violation = mutation.apply(breaker, wire)
        return InvalidCase(cls, wire, violation)


def _sigv4_authorization(p: Persona, host: str, target: str, body: bytes, amz_date: str) -> str:
    """A real SigV4 signature over the signed headers, with the persona's (made-up) credentials."""
    date = amz_date[:8]
    scope = f"{date}/{p.region}/{_SIGNING_NAME}/aws4_request"
    signed = "content-type;host;x-amz-date;x-amz-target"
    canonical = "\n".join(
        (
            "POST",
            "/",
            "",
            f"content-type:{CONTENT_TYPE}\nhost:{host}\nx-amz-date:{amz_date}\nx-amz-target:{target}\n",
            signed,
            hashlib.sha256(body).hexdigest(),
        )
    )
    to_sign = "\n".join(("AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()))
    key = ("AWS4" + p.secret_access_key).encode()
    for part in (date, p.region, _SIGNING_NAME, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={p.access_key_id}/{scope}, SignedHeaders={signed}, Signature={signature}"


# --------------------------------------------------------------------------------------------------
# Mutations: each breaks one constraint at one place and predicts the checker's violation exactly
# (path, kind, limit, shape, sensitivity), reading everything from the metadata the checker reads.

Path = tuple[str | int, ...]


def _locate(root: Any, path: Path) -> Any:
    node = root
    for step in path:
        node = node[step]
    return node


def _set(path: Path, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(root: dict[str, Any]) -> None:
        _locate(root, path[:-1])[path[-1]] = value

    return apply


def _wire_value(shape: Shape, value: Any) -> Any:
    """The wire form of a value the generator made for ``shape``."""
    t = shape.type
    if value is None:
        return None
    if t == "string":
        return str.__str__(value)
    if t == "timestamp":
        return encode_timestamp(value)
    if t == "blob":
        return base64.b64encode(value).decode("ascii")
    if t == "list":
        assert shape.member is not None
        return [_wire_value(shape.member, v) for v in value]
    if t == "map":
        assert shape.key is not None and shape.value is not None
        return {_wire_value(shape.key, k): _wire_value(shape.value, v) for k, v in value.items()}
    if t == "structure":
        return to_wire(value)
    return value


# A value of the wrong JSON type for each shape type, each a mistake real clients make.
_WRONG_TYPE: Final[dict[str, Any]] = {
    "string": 42,
    "boolean": "true",
    "integer": "1",
    "long": "1",
    "float": [],
    "double": [],
    "timestamp": "2024-05-01T12:00:00Z",
    "blob": 42,
    "list": {},
    "map": [],
    "structure": [],
}
# Characters for pattern violations, most telling first: a space, controls, '@', a non-ASCII letter,
# a zero-width space, an emoji, a lone surrogate.  The first one outside the pattern is used.
_OUTSIDERS: Final = " \t\n@é\x00\u200b\U0001f600\ud800"


def _v(path: Path, kind: str, limit: Any, shape: str, sensitive: bool, value: Any = None) -> Violation:
    return Violation(path, kind, limit, "error", value, sensitive, shape)  # type: ignore[arg-type]


def _struct_mutations(cls: type, data: dict[str, Any], path: Path) -> Iterator[_Mutation]:
    info = struct_info(cls)
    assert info is not None
    known = {m.wire for _, m in members_of(cls)}
    if info.role == "error":
        known.update(ERROR_ENVELOPE_MEMBERS)
    yield _unknown_member(info.name, sorted(known), data, path)
    for _, m in members_of(cls):
        mpath = (*path, m.wire)
        if m.required and m.wire in data:
            yield _required(mpath, m)
        yield from _value_mutations(m.shape, mpath, m.sensitive, data.get(m.wire))


def _unknown_member(owner: str, known: list[str], data: dict[str, Any], path: Path) -> _Mutation:
    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        candidates = []
        for w in known:
            for variant in (w[:1].swapcase() + w[1:], w.lower(), w + "s"):
                if variant not in known and variant not in candidates:
                    candidates.append(variant)
        name = g.choice(candidates) if candidates else "UnexpectedMember"
        _locate(root, path)[name] = "unexpected"
        return _v((*path, name), "unknown_member", None, owner, False)

    return _Mutation("unknown_member", apply)


def _required(path: Path, m: Member) -> _Mutation:
    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        del _locate(root, path[:-1])[path[-1]]
        return _v(path, "required", None, m.shape.name, m.sensitive)

    return _Mutation("required", apply)


def _value_mutations(shape: Shape, path: Path, sens: bool, value: Any) -> Iterator[_Mutation]:
    eff = sens or shape.sensitive
    yield _wrong_type(shape, path, eff)
    t = shape.type
    if t == "string":
        if shape.enum is not None:
            yield _bad_enum(shape, path, eff)
            return
        plan = _plan_for(shape, (shape.length_max or 0) + 1)
        if shape.length_min and plan.can(shape.length_min - 1):
            yield _bad_string_length(shape, path, eff, "length_min", shape.length_min - 1)
        if shape.length_max is not None and plan.can(shape.length_max + 1):
            yield _bad_string_length(shape, path, eff, "length_max", shape.length_max + 1)
        if shape.pattern is not None and plan.outside:
            lo, hi = Generator._length(shape, plan)
            if any(plan.can(n) for n in range(max(lo, 1), min(hi, lo + 64) + 1)):
                yield _bad_pattern(shape, path, eff, plan)
    elif t == "timestamp":
        yield _bad_timestamp(shape, path, eff)
    elif t in ("integer", "long", "float", "double"):
        for kind, bound in (("range_min", shape.range_min), ("range_max", shape.range_max)):
            if bound is not None:
                yield _bad_range(shape, path, eff, kind, bound)
    elif t == "list":
        assert shape.member is not None
        if shape.length_min:
            yield _bad_list_length(shape, path, eff, "length_min", shape.length_min - 1, value)
        if shape.length_max is not None:
            yield _bad_list_length(shape, path, eff, "length_max", shape.length_max + 1, value)
        if isinstance(value, list) and value:
            last = len(value) - 1
            yield _null_item(shape.member, (*path, last), eff)
            yield from _value_mutations(shape.member, (*path, 0), eff, value[0])
    elif t == "structure" and isinstance(value, dict):
        yield from _struct_mutations(_target(shape), value, path)


def _wrong_type(shape: Shape, path: Path, eff: bool) -> _Mutation:
    bad = _WRONG_TYPE[shape.type]

    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        _set(path, copy.copy(bad))(root)
        if shape.type == "structure":
            owner = struct_info(_target(shape))
            assert owner is not None
            return _v(path, "type", JSON_KIND["structure"], owner.name, False, bad)
        return _v(path, "type", JSON_KIND[shape.type], shape.name, eff, bad)

    return _Mutation("type", apply)


def _null_item(item: Shape, path: Path, list_sens: bool) -> _Mutation:
    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        _set(path, None)(root)
        return _v(path, "type", JSON_KIND[item.type], item.name, list_sens)

    return _Mutation("null item", apply)


def _bad_enum(shape: Shape, path: Path, eff: bool) -> _Mutation:
    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        value = g._unknown_enum_value(shape)
        if value is None:  # pragma: no cover - every model enum admits one of the candidates
            raise GenerationError(f"no unknown value fits {shape.name}")
        _set(path, value)(root)
        return _v(path, "enum", shape.enum, shape.name, eff, value)

    return _Mutation("enum", apply)


def _bad_string_length(shape: Shape, path: Path, eff: bool, kind: str, n: int) -> _Mutation:
    limit = shape.length_min if kind == "length_min" else shape.length_max

    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        value = _plan_for(shape, n).make(g, n)
        _set(path, value)(root)
        return _v(path, kind, limit, shape.name, eff, value)

    return _Mutation(kind, apply)


def _bad_pattern(shape: Shape, path: Path, eff: bool, plan: _Plan) -> _Mutation:
    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        lo, hi = Generator._length(shape, plan)
        n = g._pick_length(max(lo, 1), hi, plan.can, bounded=shape.length_max is not None)
        text = list(plan.make(g, n))
        telling = [c for c in _OUTSIDERS if _contains(plan.outside, ord(c))]
        bad = g.choice(telling) if telling else chr(_pool(plan.outside).buckets[0].nth(0))
        text[g.integer(0, n - 1)] = bad
        value = "".join(text)
        _set(path, value)(root)
        return _v(path, "pattern", shape.pattern, shape.name, eff, value)

    return _Mutation("pattern", apply)


def _contains(ranges: Ranges, cp: int) -> bool:
    i = bisect.bisect_right(ranges, (cp, 0x110000)) - 1
    return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]


def _bad_timestamp(shape: Shape, path: Path, eff: bool) -> _Mutation:
    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        # The first instant a datetime cannot hold, or the last second before year 1.
        value = g.choice((TIMESTAMP_MAX, TIMESTAMP_MIN - 1, float(TIMESTAMP_MAX) * 10))
        _set(path, value)(root)
        return _v(path, "timestamp_range", None, shape.name, eff, value)

    return _Mutation("timestamp_range", apply)


def _bad_range(shape: Shape, path: Path, eff: bool, kind: str, bound: float) -> _Mutation:
    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        step = 1 if shape.type in ("integer", "long") else 0.5
        value = bound - step if kind == "range_min" else bound + step
        _set(path, value)(root)
        return _v(path, kind, bound, shape.name, eff, value)

    return _Mutation(kind, apply)


def _bad_list_length(shape: Shape, path: Path, eff: bool, kind: str, n: int, current: Any) -> _Mutation:
    assert shape.member is not None
    item = shape.member
    limit = shape.length_min if kind == "length_min" else shape.length_max

    def apply(g: Generator, root: dict[str, Any]) -> Violation:
        items = list(current) if isinstance(current, list) else []
        items = items[:n]
        while len(items) < n:
            items.append(_wire_value(item, g.value(item)))
        _set(path, items)(root)
        return _v(path, kind, limit, shape.name, eff, items)

    return _Mutation(kind, apply)


# --------------------------------------------------------------------------------------------------
# Fixtures for the command line: records with exact bodies, deterministic per seed and index.


@attrs.frozen
class Fixture:
    """One generated fixture.  ``body`` is exact (for an invalid case: the invalid message);
    ``exchange`` is set for exchanges and invalid cases, ``violation`` for invalid cases."""

    operation: str
    kind: Kind
    shape: str
    index: int
    # Bodies and headers hold sensitive members (tokens, user names) and stay out of repr.
    body: bytes = attrs.field(repr=False)
    status: int | None = None
    headers: Headers = attrs.field(default=(), repr=False)
    exchange: Exchange | None = attrs.field(default=None, repr=False)
    violation: Violation | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON record of the fixture (``--format json``/``jsonl``).  Exchanges use the
        JSON-lines record of :mod:`cognito_spec.capture`, so captures tools read them back."""
        if self.kind == "exchange" and self.exchange is not None:
            from cognito_spec.capture import exchange_to_json

            return exchange_to_json(self.exchange)
        record: dict[str, Any] = {
            "operation": self.operation,
            "kind": self.kind,
            "index": self.index,
            "shape": self.shape,
        }
        if self.status is not None:
            record["status"] = self.status
        if self.headers:
            record["headers"] = [list(h) for h in self.headers]
        record["body"] = self.body.decode("utf-8")
        if self.violation is not None:
            v = self.violation
            record["violation"] = {
                "pointer": v.pointer,
                "path": list(v.path),
                "kind": v.kind,
                "limit": list(v.limit) if isinstance(v.limit, tuple) else v.limit,
                "shape": v.shape,
            }
        return record


def operation(name: str | Operation) -> Operation:
    """An operation by name or ``X-Amz-Target`` (KeyError when unknown)."""
    from cognito_spec import OPERATIONS, OPERATIONS_BY_TARGET

    if isinstance(name, Operation):
        return name
    op = OPERATIONS.get(name) or OPERATIONS_BY_TARGET.get(name)
    if op is None:
        raise KeyError(name)
    return op


def generate(
    op: str | Operation,
    kind: Kind = "exchange",
    *,
    count: int = 1,
    seed: int = 0,
    options: Options | None = None,
    error: str | None = None,
) -> Iterator[Fixture]:
    """``count`` fixtures of one kind for an operation.

    ``error`` names the error code of ``error`` fixtures and makes ``exchange`` fixtures fail with it
    (KeyError when the operation cannot return it).  Fixture ``i`` depends only on ``(seed,
    operation, kind, error, i, options)`` and the package version: the first ``k`` fixtures of a
    longer run are the fixtures of a run with ``count=k``.
    """
    operation_ = operation(op)
    error_cls = None
    if error is not None:
        error_cls = operation_.error_for_code(error)
        if error_cls is None:
            raise KeyError(error)
    if kind not in KINDS:
        raise ValueError(f"unknown fixture kind {kind!r}")
    opts = options or Options()
    tag = f"{'adversarial' if opts.adversarial else 'realistic'}/{opts.open_enums}/{error or ''}"
    for i in range(count):
        g = Generator(RandomSource(f"cognito-spec/{seed}/{operation_.name}/{kind}/{tag}/{i}"), opts)
        yield _fixture(g, operation_, kind, i, error_cls)


def _fixture(g: Generator, op: Operation, kind: Kind, i: int, error: type[ServiceError] | None) -> Fixture:
    name = op.name
    if kind == "request":
        req = g.request(op)
        body = dumps(req)
        return Fixture(name, kind, type(req).__name__, i, body, headers=g.request_headers(op, body))
    if kind == "response":
        resp = g.response(op)
        status, headers, body = g.success(resp)
        shape = type(resp).__name__ if resp is not None else ""
        return Fixture(name, kind, shape, i, body, status, headers)
    if kind == "error":
        err = g.error(op, error)
        status, headers, body = g.failure(err)
        return Fixture(name, kind, type(err).__name__, i, body, status, headers)
    if kind == "exchange":
        ex = g.exchange(op, index=i, error=error)
        return Fixture(name, kind, op.name, i, ex.response_body or b"", ex.status, exchange=ex)
    if kind == "invalid":
        classes = [c for c in (op.input, op.output) if c is not None]
        cls = classes[i % len(classes)]
        # Each invalid message travels in an exchange (HAR output): an invalid request with the
        # service's answer to it, or a valid request answered with an invalid response.
        if cls is op.input:
            ex, case = g.rejected_exchange(op, index=i)
            invalid_body = ex.request_body
        else:
            ex, case = g.broken_response_exchange(op, index=i)
            invalid_body = ex.response_body
        return Fixture(
            name, kind, cls.__name__, i, invalid_body or b"", exchange=ex, violation=case.violation
        )
    raise ValueError(f"unknown fixture kind {kind!r}")
