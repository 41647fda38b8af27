"""Token checks for captures: what the service answers a captured access token, and issued tokens.

No key is needed.  :func:`read_verdict` says what the service does with the ``AccessToken`` of a
request to a token-authorised operation (``op.auth == "access_token"``) at the moment the exchange
was captured (:attr:`~cognito_spec.traffic.record.Exchange.started`), and :func:`token_findings`
compares that with the captured answer.  :func:`authentication_result_findings` checks the tokens
of an ``AuthenticationResult`` (InitiateAuth and friends) as the service issues them.

The verdict follows :func:`cognito_spec.tokens.judge.judge_access_token` (same order, same
boundary: expired when ``now >= exp``), with what a capture cannot know left open:

* The signature cannot be checked without the pool's keys.  A token that cannot be read (not
  three canonical base64url segments of JSON, a claim missing or of the wrong type), that is not
  RS256, or that is an ID token is refused ``Invalid Access Token`` for certain.  [I] A readable
  access token is presumed genuine: an expired one must be refused ``Access Token has expired``
  and one without ``aws.cognito.signin.user.admin`` ``Access Token does not have required
  scopes``, and another message there is a fidelity warning.  A token that looks good may still
  be refused ``Invalid Access Token`` (another pool's endpoint, a key the capture cannot check).
* Revocation is the service's state: ``Access Token has been revoked`` is always a possible
  answer for a token that has not expired (the judge checks revocation before the scope).
* ``cognito-spec redact`` keeps these verdicts: a readable token becomes a stand-in that a judge
  reads alike (:mod:`cognito_spec.tokens.standin`), and an unreadable one a mask that is no token
  either.
* Without a time for the exchange (``started`` absent or not ISO 8601 with an offset) expiry is
  not judged: a success for an otherwise good token is a capture note (``token_time_unknown``),
  never a guess.

Findings never quote the token or a claim; a captured message is quoted only with ``reveal``.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple

import attrs

from cognito_spec.codec.body import DECODER, MISS, ORJSON, keys_unique
from cognito_spec.errors import TokenFormatError
from cognito_spec.protocol.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING_SCOPES,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
    TOKEN_MESSAGES,
)
from cognito_spec.tokens.claims import (
    ADMIN_SCOPE,
    CLAIM_FIELDS,
    MAX_EPOCH_SECOND,
    AccessTokenClaims,
    IdTokenClaims,
)
from cognito_spec.tokens.decode import looks_like_refresh_token, parse_token, read_header
from cognito_spec.tokens.wire import MAX_TOKEN_CHARS
from cognito_spec.traffic.finding import Finding

__all__ = [
    "AUTH_RESULT_MEMBER",
    "READABLE_CHARS",
    "READABLE_MIN",
    "TOKEN_CHARS",
    "TOKEN_MEMBER",
    "TokenVerdict",
    "authentication_result_findings",
    "capture_time",
    "issues_tokens",
    "read_token",
    "read_verdict",
    "token_findings",
]

#: The request member that carries the access token of every token-authorised operation.
TOKEN_MEMBER: Final = "AccessToken"
#: The response member that carries the tokens of a sign-in (InitiateAuth, RespondToAuthChallenge,
#: GetTokensFromRefreshToken and their Admin forms).
AUTH_RESULT_MEMBER: Final = "AuthenticationResult"

_NOT_AUTHORIZED: Final = "NotAuthorizedException"
_KNOWN: Final = frozenset(TOKEN_MESSAGES)
_SCAN: Final[Any] = DECODER.scan_once  # type: ignore[attr-defined]


#: Capture times in the usual form (``2026-11-26T16:00:00.019Z``, as browsers and the CLI write
#: them): their whole second, ``YYYY-MM-DDTHH:MM:SS``, -> its epoch second.  Bounded.
_SECONDS: dict[str, int] = {}
_SECONDS_MAX: Final = 4096
#: The three digits of the usual form's milliseconds -> microseconds (a hit proves ASCII digits).
_MILLIS: Final = {f"{ms:03d}": ms * 1000 for ms in range(1000)}
_WHOLE_SECOND: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


def capture_time(started: object) -> float | None:
    """``started`` (ISO 8601 with an offset or ``Z``) as epoch seconds; None when absent or not so.

    A time without an offset is not read as UTC: whose clock it was is unknown, so it is no time.

    The usual form is read from a table of whole seconds (a capture holds many exchanges a second),
    to the same float: ``datetime.timestamp`` divides the microseconds since the epoch by 10**6,
    correctly rounded, as below (parsing with fromisoformat cost ~6.8k instructions, ~4 % of an
    exchange of JSON lines).
    """
    if type(started) is str and len(started) == 24 and started[19] == "." and started[23] == "Z":
        micros = _MILLIS.get(started[20:23])
        if micros is not None:
            whole = started[:19]
            second = _SECONDS.get(whole)
            if second is None:
                second = _whole_second(whole)
            if second is not None:
                return (second * 1_000_000 + micros) / 1_000_000
    return _parsed_time(started)


def _whole_second(whole: str) -> int | None:
    """The epoch second of ``YYYY-MM-DDTHH:MM:SS`` in UTC, kept in the table; None when not that."""
    if _WHOLE_SECOND.fullmatch(whole) is None:
        return None
    try:
        second = int(datetime.fromisoformat(whole + "Z").timestamp())
    except ValueError:  # no such date or time (month 13, hour 24)
        return None
    if len(_SECONDS) >= _SECONDS_MAX:
        _SECONDS.clear()
    _SECONDS[whole] = second
    return second


def _parsed_time(started: object) -> float | None:
    if not isinstance(started, str):
        return None
    try:
        moment = datetime.fromisoformat(started.strip())
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment.timestamp()


class TokenRead(NamedTuple):
    """What a capture can know of a token without a key (cached per token: captures repeat them).

    A named tuple, made with ``tuple.__new__`` on the hot path (a frozen attrs instance cost the
    fast path an ``__init__`` with three ``object.__setattr__`` per read).  It holds no part of the
    token, so its repr shows none.
    """

    #: ``invalid`` (unreadable or not RS256), ``id`` (an ID token) or None (a readable access token).
    problem: str | None
    exp: int = 0
    scoped: bool = True


_new_read: Final[Any] = tuple.__new__
_INVALID_READ: Final = TokenRead("invalid")
_ID_READ: Final = TokenRead("id")

#: Readings, keyed by a token's last characters (of its signature: one pool's tokens share their
#: header and often the start of their payload), each with the whole token, which a hit must equal.
#: Hashing a 1.2 KB token for functools.lru_cache cost more than reading its payload; comparing it
#: with the one kept is a memcmp.  Bounded: a full table starts again.
_READS: dict[str, tuple[str, TokenRead]] = {}
_READS_MAX: Final = 4096
_KEY_CHARS: Final = 24


def read_token(token: str, checked: bool = False) -> TokenRead:
    """What a capture can know of ``token`` without a key (cached: captures repeat tokens).

    ``checked``: the token is known to hold only :data:`TOKEN_CHARS` (the model's checker passed it
    against its pattern in the model), so the quick reading tests only what that leaves open.  The
    reading is the same either way (tests/test_capture_tokens.py checks it).
    """
    key = token[-_KEY_CHARS:]
    kept = _READS.get(key)
    if kept is not None and kept[0] == token:
        return kept[1]
    read = _quick_read(token, checked)
    if read is None:
        read = _full_read(token)
    if len(_READS) >= _READS_MAX:
        _READS.clear()  # as _HEADERS and _PLANS below: one C call, safe under threads
    _READS[key] = (token, read)
    return read


def _full_read(token: str) -> TokenRead:
    try:
        parsed = parse_token(token)
    except TokenFormatError:
        return _INVALID_READ
    if parsed.header.alg != "RS256":
        return _INVALID_READ
    claims = parsed.claims
    if isinstance(claims, IdTokenClaims):
        return _ID_READ
    assert isinstance(claims, AccessTokenClaims)
    return TokenRead(None, claims.exp, ADMIN_SCOPE in claims.scopes)


# The quick reading.  Every exchange of a capture may carry a token of its own (a session's token
# is cached above, but a capture of many users has as many tokens), and parse_token builds what a
# verifier needs: the signature's bytes, the signing input, typed claims.  A verdict needs three
# facts (readable, the kind, exp and the scope), so _quick_read reads just those for a token in
# the service's form and answers None for anything else, which _full_read then decides: it is
# never the only judge.  tests/test_capture_tokens.py checks the two agree over random tokens.
#
# Each rule of parse_token, and how it is kept here:
# * at most MAX_TOKEN_CHARS, three segments, each base64url without padding in its canonical form:
#   a segment's length must not leave one character over (len % 4 != 1), and the bits the last
#   character leaves unused must be zero, which is exactly "re-encoding gives the segment back"
#   (the table below).  Empty segments go to the full reading (an empty signature is refused
#   there).  The alphabet is checked once per segment, in C: the header's by read_header, the
#   payload's by three searches for what base64 has and base64url lacks ('+', '/', '=') and the strict
#   decoding of its base64 form, the signature's by one deleting translation, or, for a token the model's checker
#   passed (``checked``: it holds TOKEN_CHARS only), by a search for the one of them left, '='.
# * the header: read by decode.read_header itself, once per distinct first segment (the tokens of
#   a pool share one).  Its verdict does not depend on the other segments: a header read_header
#   refuses, or that is not RS256, makes the full reading "invalid" whatever follows.
# * the payload: one JSON object, UTF-8, no NaN, no repeated member.  It is parsed by orjson when
#   the fast path is on (every refusal is a miss; no bracket count: only a flat object is read
#   quickly, and the quote count proves the parse kept every member) or the stdlib's C scanner
#   (DECODER: constants refused); only a flat object whose values are strings, integers, booleans
#   or lists of strings is read quickly (an orjson float for a large integer, a nested object: the
#   full reading), and _keys_unique proves that no member was repeated from the counts of the
#   parse.
# * the claims: claims_from_payload's rules for the known claims of the class its token_use names
#   (each one's kind; the required ones present); any departure goes to the full reading, which
#   refuses or accepts it.

_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: What the model's token pattern (TokenModelType) admits: base64url, its padding and the dots
#: between segments.  read_token(..., checked=True) takes a token its checker passed to hold no other.
TOKEN_CHARS: Final = frozenset(_ALPHABET.decode() + "=.")
#: What a token that reads without a problem holds: three base64url segments without padding and the
#: two dots between them (parse_token's rules, which the quick reading keeps), so at least 5 characters.
READABLE_CHARS: Final = frozenset(_ALPHABET.decode() + ".")
READABLE_MIN: Final = 5
#: The last characters of a canonical segment, by ``len % 4``: 2 leaves 4 bits unused, 3 leaves 2.
_CANONICAL_LAST: Final = {
    0: frozenset(chr(c) for c in _ALPHABET),
    2: frozenset(chr(c) for i, c in enumerate(_ALPHABET) if i % 16 == 0),
    3: frozenset(chr(c) for i, c in enumerate(_ALPHABET) if i % 4 == 0),
}
#: Per class: claim name -> kind, and the required names (from the claims' own field list).
_KINDS: Final = {
    cls: (
        {c.name: c.kind for _, c in CLAIM_FIELDS[cls]},
        frozenset(c.name for _, c in CLAIM_FIELDS[cls] if c.required),
    )
    for cls in (AccessTokenClaims, IdTokenClaims)
}
_ClaimsClass = type[AccessTokenClaims] | type[IdTokenClaims]
_USES: Final[dict[object, _ClaimsClass]] = {"access": AccessTokenClaims, "id": IdTokenClaims}
#: First segment -> whether it is an RS256 header (False: unreadable or another alg); bounded.
_HEADERS: dict[str, bool] = {}
_HEADERS_MAX: Final = 256


def _header_ok(segment: str) -> bool:
    try:
        return _HEADERS[segment]
    except KeyError:
        pass
    try:
        ok = read_header(segment).alg == "RS256"
    except TokenFormatError:
        ok = False
    if len(_HEADERS) >= _HEADERS_MAX:
        _HEADERS.clear()
    _HEADERS[segment] = ok
    return ok


#: (class, claim names, their value types) -> what is left to check of a payload of that form
#: (see _plan); bounded.  The tokens of one pool share a handful of forms.
_Plan = tuple[tuple[str, ...], tuple[str, ...], int]
_PLANS: dict[tuple[_ClaimsClass, tuple[str, ...], tuple[type, ...]], _Plan | None] = {}
_PLANS_MAX: Final = 256


def _plan(cls: _ClaimsClass, names: tuple[str, ...], types: tuple[type, ...]) -> _Plan | None:
    """For a payload of class ``cls`` with these claims and value types: the time claims whose
    range is left to check, the lists whose items must be strings, and the count of string values
    outside the lists; None when claims_from_payload would refuse it or the form is not read
    quickly (any value but a string, an integer, a boolean or a list)."""
    kinds, required = _KINDS[cls]
    if not required <= set(names):
        return None
    times: list[str] = []
    lists: list[str] = []
    strings = 0
    for name, t in zip(names, types, strict=True):
        kind = kinds.get(name)
        if t is str:
            strings += 1
            ok = kind is None or kind == "str"
        elif t is int:
            ok = kind is None or kind in ("int", "time")
            if kind == "time":
                times.append(name)
        elif t is bool:
            ok = kind is None or kind == "bool"
        elif t is list:
            ok = kind is None or kind == "str_list"
            lists.append(name)
        else:
            ok = False
        if not ok:
            return None
    return tuple(times), tuple(lists), strings


def _quick_read(token: str, checked: bool = False) -> TokenRead | None:
    """:func:`_full_read`'s answer for a token in the service's form, or None (see above).

    ``checked``: the token holds only :data:`TOKEN_CHARS` (see :func:`read_token`).
    """
    n = len(token)
    if n > MAX_TOKEN_CHARS or not token.isascii():
        return None
    # Three non-empty segments, found without splitting, each of a canonical length and last
    # character (no copy of the signature is made).
    i = token.find(".")
    j = token.find(".", i + 1)
    if i <= 0 or j <= i + 1 or j >= n - 1 or token.find(".", j + 1) >= 0:
        return None
    last = _CANONICAL_LAST
    try:
        if (
            token[i - 1] not in last[i % 4]
            or token[j - 1] not in last[(j - i - 1) % 4]
            or token[-1] not in last[(n - j - 1) % 4]
        ):
            return None
    except KeyError:  # a length of 4k + 1
        return None
    head = token[:i]
    ok = _HEADERS.get(head)
    if not (_header_ok(head) if ok is None else ok):
        return _INVALID_READ  # read_header refused it, or not RS256: the full reading agrees
    raw = token.encode("ascii")
    if token.find("=", j + 1) >= 0 if checked else not _base64url(raw[j + 1 :]):
        # The signature holds a character outside base64url: of TOKEN_CHARS only "=" is left, as
        # the segments hold no "." (found above), and a search for it copies nothing.
        return None
    body = raw[i + 1 : j]
    # find, not ``in``: bytes.__contains__ tries the argument as an integer first, raising and
    # clearing a TypeError each time (~2k instructions a search).
    if body.find(b"+") >= 0 or body.find(b"/") >= 0 or body.find(b"=") >= 0:
        return None  # base64's two characters, or padding: outside base64url (the full reading refuses)
    try:
        # base64url to base64 by two replacements, each a few memchr calls over a segment that holds
        # few of either (a translation cost ~9 instructions a byte, ~7k a token); the strict
        # decoding refuses every other character outside the alphabet.
        data = binascii.a2b_base64(
            body.replace(b"-", b"+").replace(b"_", b"/") + _PADDING[(j - i - 1) % 4], strict_mode=True
        )
    except binascii.Error:
        return None  # the payload holds a character outside base64url
    payload: Any = MISS
    loads = ORJSON.loads
    if loads is not None:
        try:
            payload = loads(data)
        except ORJSON.error:
            payload = MISS
    if payload is MISS:
        try:
            text = data.decode("utf-8")
            payload, end = _SCAN(text, 0)
        except (UnicodeDecodeError, StopIteration, ValueError, RecursionError):
            return None
        if end != len(text):
            return None
    if type(payload) is not dict:
        return None
    use = payload.get("token_use")
    cls = _USES.get(use) if type(use) is str else None
    if cls is None:
        return None
    key = (cls, tuple(payload), tuple(map(type, payload.values())))
    try:
        plan = _PLANS[key]
    except KeyError:
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        plan = _PLANS[key] = _plan(*key)
    if plan is None:
        return None
    times, lists, strings = plan
    for name in times:
        if not 0 <= payload[name] <= MAX_EPOCH_SECOND:
            return None
    for name in lists:
        items = payload[name]
        for item in items:  # type() in a loop is a specialised instruction; map(type, ...) is a call
            if type(item) is not str:
                return None
        strings += len(items)
    if not _keys_unique(data, len(payload), strings):
        return None
    if cls is IdTokenClaims:
        return _ID_READ
    read: TokenRead = _new_read(TokenRead, (None, payload["exp"], ADMIN_SCOPE in payload["scope"].split()))
    return read


def _base64url(segment: bytes) -> bool:
    """Whether a non-empty ``segment`` holds base64url only: with its two marks made a letter, ASCII
    letters and digits (``bytes.isalnum``).  Each same-length replacement is a few memchr calls on
    text that holds few marks; a deleting translation builds a 256-entry table and costs ~12
    instructions a byte."""
    return segment.replace(b"-", b"A").replace(b"_", b"A").isalnum()


#: The padding a base64 segment of ``len % 4`` characters needs (1 never comes: refused above).
_PADDING: Final = (b"", b"===", b"==", b"=")


def _keys_unique(data: bytes, keys: int, strings: int) -> bool:
    """codec.body.keys_unique for a payload, trying the quote count first whatever the backslashes.

    The service escapes every ``/`` of a claim (``"https:\\/\\/cognito-idp..."``; wire-truth.md,
    tokens: Cognito's JSON escapes ``/`` as ``\\/``), so keys_unique's backslash-free case never
    comes, and its colon bound fails on the colons of the issuer and of ``cognito:groups``.  The
    quote count alone is a proof with backslashes too: every ``"`` of valid JSON delimits a string
    token or is escaped (``\\"``), so the text holds at least two per token written, and each
    repeated key the parse dropped took a token (its own) with it.  Equality with two per token kept
    thus leaves nothing dropped; a difference only says "maybe", and keys_unique then decides.
    """
    return data.count(b'"') == 2 * (keys + strings) or keys_unique(data, keys, strings)


@attrs.frozen
class TokenVerdict:
    """What the service answers a captured access token.

    ``accepted_kind`` names the error finding a success gets (None when a success may be right);
    ``refusal`` is the message the service refuses with, when it is certain; ``allowed`` every
    NotAuthorized message the service may answer with; ``time_unknown`` is set when a success
    could not be judged for want of a time.
    """

    accepted_kind: str | None
    refusal: str | None
    allowed: frozenset[str]
    time_unknown: bool = False


_INVALID: Final = frozenset({INVALID_ACCESS_TOKEN})


def read_verdict(token: object, at: float | None) -> TokenVerdict:
    """The service's verdict on ``token`` at epoch second ``at`` (None: the time is unknown)."""
    if not isinstance(token, str):  # the model's check refuses it first
        return TokenVerdict(None, None, _KNOWN)
    read = read_token(token)
    if read.problem == "invalid":
        return TokenVerdict("token_invalid_accepted", INVALID_ACCESS_TOKEN, _INVALID)
    if read.problem == "id":
        return TokenVerdict("id_token_accepted", INVALID_ACCESS_TOKEN, _INVALID)
    if at is not None and at >= read.exp:
        return TokenVerdict("token_expired_accepted", ACCESS_TOKEN_EXPIRED, frozenset({ACCESS_TOKEN_EXPIRED}))
    # Not expired (or not known to be): revoked is possible, checked before the scope.
    later = {ACCESS_TOKEN_REVOKED} | ({ACCESS_TOKEN_EXPIRED} if at is None else set())
    if not read.scoped:
        refusal = ACCESS_TOKEN_MISSING_SCOPES if at is not None else None
        return TokenVerdict("token_scope_accepted", refusal, frozenset({ACCESS_TOKEN_MISSING_SCOPES, *later}))
    return TokenVerdict(None, None, frozenset({INVALID_ACCESS_TOKEN, *later}), time_unknown=at is None)


_ACCEPTED: Final = {
    "token_invalid_accepted": "the access token is not one the service issues (not an RS256 JWT "
    f"with an access token's claims): the service answers {_NOT_AUTHORIZED} '{INVALID_ACCESS_TOKEN}', "
    "not a success",
    "id_token_accepted": "an ID token sent as the access token: the service answers "
    f"{_NOT_AUTHORIZED} '{INVALID_ACCESS_TOKEN}', not a success",
    "token_expired_accepted": "the access token had expired when the exchange was captured: the "
    f"service answers {_NOT_AUTHORIZED} '{ACCESS_TOKEN_EXPIRED}', not a success",
    "token_scope_accepted": f"the access token lacks the scope {ADMIN_SCOPE}: the service answers "
    f"{_NOT_AUTHORIZED} '{ACCESS_TOKEN_MISSING_SCOPES}', not a success",
}


def token_findings(
    verdict: TokenVerdict, status: int, code: str | None, message: object, *, reveal: bool = False
) -> list[Finding]:
    """The findings of the captured answer (``status``, error ``code`` and ``message``) to a token."""
    if 200 <= status < 300:
        if verdict.accepted_kind is not None:
            return [Finding("error", verdict.accepted_kind, "response", _ACCEPTED[verdict.accepted_kind])]
        if verdict.time_unknown:
            what = (
                "the capture holds no time for this exchange (or none with an offset): "
                "whether the access token had expired could not be judged"
            )
            return [Finding("warning", "token_time_unknown", "response", what)]
        return []
    if code != _NOT_AUTHORIZED or not isinstance(message, str):
        return []
    if message in verdict.allowed:
        return []
    if message not in _KNOWN:
        text = "a NotAuthorizedException message the service never sends for an access token"
    elif verdict.refusal is not None:
        text = f"the service refuses this access token with '{verdict.refusal}', not another message"
    else:
        text = "a NotAuthorizedException message the service cannot send for this access token"
    detail = repr(message) if reveal else "reveal shows the message"
    return [Finding("warning", "token_message", "response", text, pointer="/message", detail=detail)]


# --------------------------------------------------------------------------------------------------
# Tokens as issued: an AuthenticationResult.


def issues_tokens(output: type | None) -> bool:
    """Whether an operation's output carries an ``AuthenticationResult`` (the sign-in operations)."""
    from cognito_spec.model import members_of

    return output is not None and any(m.wire == AUTH_RESULT_MEMBER for _, m in members_of(output))


_WANTS: Final[dict[str, type[AccessTokenClaims] | type[IdTokenClaims]]] = {
    "AccessToken": AccessTokenClaims,
    "IdToken": IdTokenClaims,
}


def authentication_result_findings(result: object, pointer: str = "/" + AUTH_RESULT_MEMBER) -> list[Finding]:
    """The departures of an ``AuthenticationResult`` dict from the tokens the service issues.

    Each token three segments of an RS256 JWT with its class's claims and kinds and its
    ``token_use``; the access token's ``exp - iat`` equal to ``ExpiresIn``; ``TokenType``
    ``Bearer``; every token of the result from one pool (one ``iss``); a refresh token, when
    present, shaped as the service's (five segments, an RSA-OAEP/A256GCM header).
    """
    if not isinstance(result, Mapping):
        return []
    found: list[Finding] = []

    def add(kind: str, where: str, message: str) -> None:
        found.append(Finding("error", kind, "response", message, pointer=f"{pointer}/{where}"))

    issuers: set[str] = set()
    access: AccessTokenClaims | None = None
    for member, cls in _WANTS.items():
        token = result.get(member)
        if token is None:
            continue
        try:
            parsed = parse_token(token) if isinstance(token, str) else None
        except TokenFormatError as exc:
            add("issued_token", member, f"not a token the service issues: {exc}")
            continue
        if parsed is None:
            continue  # not a string: the output shape's type check reports it
        if parsed.header.alg != "RS256":
            add("issued_token", member, "not signed RS256, as the service signs its tokens")
        if not isinstance(parsed.claims, cls):
            add("issued_token", member, f"token_use is not {cls.token_use!r}")
            continue
        issuers.add(parsed.claims.iss)
        if isinstance(parsed.claims, AccessTokenClaims):
            access = parsed.claims
    expires_in = result.get("ExpiresIn")
    if access is not None and expires_in is None:
        # The service sends the access token's lifetime with it (cognito-local#252: clients that
        # schedule their refresh by it broke on an emulator that left it out; whole-api.md section 5).
        add(
            "expires_in", "ExpiresIn", "no ExpiresIn next to the access token; the service sends its lifetime"
        )
    elif access is not None and type(expires_in) is int and access.exp - access.iat != expires_in:
        add("expires_in", "ExpiresIn", "ExpiresIn is not the access token's lifetime (exp - iat)")
    if "TokenType" in result and result["TokenType"] != "Bearer":
        add("token_type", "TokenType", "TokenType is not 'Bearer', which the service sends")
    if len(issuers) > 1:
        add("token_issuer", "IdToken", "the tokens of one result name different issuers (iss)")
    refresh = result.get("RefreshToken")
    if isinstance(refresh, str) and not looks_like_refresh_token(refresh):
        add("issued_token", "RefreshToken", "not shaped as the service's refresh tokens (an encrypted JWT)")
    return found


def result_of(data: Any) -> Any:
    """The ``AuthenticationResult`` of a decoded response body, or None."""
    return data.get(AUTH_RESULT_MEMBER) if type(data) is dict else None
