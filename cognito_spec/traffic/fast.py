"""The one fast path of capture validation: proving a clean exchange clean, straight from a record.

A capture of real traffic is mostly clean successes.  ``record_quick_parts`` and ``har_quick_parts``
pull the parts of a JSON-lines record or a HAR entry in their most common form; ``quick_valid``
answers only "valid, with no finding at all" or "don't know", and everything it is unsure of goes
through the full check (:mod:`cognito_spec.traffic.check`), which decides.
"""

from __future__ import annotations

import re
from itertools import chain
from sys import getrecursionlimit
from typing import TYPE_CHECKING, Any, Final

import attrs

from cognito_spec import patterns
from cognito_spec.codec.body import (
    DECODER,
    MAX_DEPTH,
    MISS,
    ORJSON,
    count_opening,
    fast_value,
    keys_unique,
    too_deep,
)
from cognito_spec.codec.compile import function_for
from cognito_spec.codec.reach import wire_depth
from cognito_spec.codec.violations import Violation
from cognito_spec.operations import error_class, operation_for_target
from cognito_spec.patterns import ranges
from cognito_spec.protocol.envelope import error_code
from cognito_spec.protocol.headers import fold_name, map_of_pairs
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.traffic.tokens import (
    READABLE_CHARS,
    READABLE_MIN,
    TOKEN_CHARS,
    TOKEN_MEMBER,
    capture_time,
    issues_tokens,
    read_token,
    read_verdict,
    token_findings,
)

if TYPE_CHECKING:
    from cognito_spec.model import Member

#: A request id as the service writes it: a UUID.
UUID: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def code_of(value: object) -> str | None:
    """The bare code of an ``X-Amzn-ErrorType`` or ``__type`` value (see envelope.error_code)."""
    if not isinstance(value, str):
        return None
    return error_code(value).strip() or None


def error_type_departure(value: str, code: str) -> str | None:
    """How an ``X-Amzn-ErrorType`` value naming ``code`` departs from the service's ``<Code>:``.

    None when it is that form.  The service writes the bare shape name followed by one colon and
    nothing after it: ``NotAuthorizedException:``, ``UserNotFoundException:``,
    ``ExpiredCodeException:`` (whole-api.md section 0 item 8, wire-truth.md section 4.2).  The
    protocol lets clients cut a URL after the colon and a namespace before ``#``, and other AWS
    services send them, but no capture of this service shows either (whether it ever appends a
    URL is open question 2 of wire-truth.md: flagging it is a fidelity note, never an error).
    """
    text = value.strip()
    if text == code + ":":
        return None
    head, colon, tail = text.partition(":")
    if "#" in head:
        return "a namespace before '#'"
    if not colon:
        return "no trailing colon"
    return "text after the colon" if tail else "spacing around the code"


def message_header_agrees(message: object, header: str | None) -> bool:
    """Whether ``x-amzn-ErrorMessage`` is what the service sends with a body's ``message``.

    The service repeats a non-empty message in the header (seen for NotAuthorizedException,
    UserNotFoundException and ExpiredCodeException: whole-api.md section 0 item 8 and the table row
    for ExpiredCodeException; wire-truth.md section 4.2).  [I] That it does so for every error with a
    message is inferred: no capture shows an error without it (wire-truth.md open question 2).
    Only a printable ASCII message is compared with the header: an HTTP header cannot carry other
    text reliably, and what the service does with it is not known (render_error writes ``?`` and
    spaces for it).
    """
    if not isinstance(message, str):
        return True
    text = message.strip()
    if not text:
        return True
    if header is None:
        return False
    if not (text.isascii() and text.isprintable()):
        return True
    return header.strip() == text


#: What the quick readers return: method, request headers, request body, status, response headers,
#: response body, and when the exchange started (``started``, None when the capture has none).
#: Headers map folded names (protocol.headers) to their first value, stripped; the quick readers
#: keep only the names quick_valid reads (:data:`REQUEST_NAMES`, :data:`RESPONSE_NAMES`).
QuickParts = tuple[str, dict[str, str], str, int, dict[str, str], str, str | None]

#: The header names, folded, that :func:`quick_valid` reads of a request and of a response.  A map
#: of just these gives it the same answer as the whole map (tests/test_quick_parts.py checks it).
REQUEST_NAMES: Final = frozenset({"x-amz-target", "content-type", "authorization"})
RESPONSE_NAMES: Final = frozenset(
    {"content-type", "x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage"}
)


#: Per set of wanted names: spellings seen -> their fold when it is wanted, else "" (seen, not
#: wanted).  One dict look-up per pair both folds the name and says whether it is wanted, and a hit
#: proves the name a str (no other JSON value equals one).  Bounded as protocol.headers.FOLDED is.
_SPELLED: Final[dict[frozenset[str], dict[str, str]]] = {REQUEST_NAMES: {}, RESPONSE_NAMES: {}}
_SPELLED_MAX: Final = 1024
_SPELLED_LONGEST: Final = 64


def _wanted_fold(name: object, wanted: frozenset[str]) -> str | None:
    """A pair's name folded when ``wanted`` holds it, "" when not, None when it is no str; kept in
    the spellings of ``wanted`` (the look-up the quick readers make first)."""
    if type(name) is not str:
        return None
    key = fold_name(name)
    mark = key if key in wanted else ""
    spelled = _SPELLED[wanted]
    if len(name) <= _SPELLED_LONGEST and len(spelled) < _SPELLED_MAX:
        spelled[name] = mark
    return mark


def _picked(pairs: list[Any], wanted: frozenset[str]) -> dict[str, str] | None:
    """The first value, stripped, of each ``wanted`` name among JSON-lines header pairs (lists of
    two strings), as map_of_pairs gives it; None when any pair is of another form.

    ``wanted`` is :data:`REQUEST_NAMES` or :data:`RESPONSE_NAMES`; names are read through its table
    of spellings (:data:`_SPELLED`); the whole map is never built.
    """
    spelled = _SPELLED[wanted]
    out: dict[str, str] = {}
    key: str | None
    try:
        for pair in pairs:
            # A two-letter string unpacks too: it is no pair.  Tested in the loop, where type() is a
            # specialised instruction: set(map(type, pairs)) cost ~300 instructions a pair.
            if type(pair) is not list:
                return None
            name, value = pair
            try:
                key = spelled[name]  # a specialised instruction; dict.get is a method call
            except KeyError:
                key = _wanted_fold(name, wanted)
                if key is None:
                    return None
            if type(value) is not str:
                return None
            if key and key not in out:
                out[key] = value.strip(" \t")
    except (ValueError, TypeError):  # not two items; an unhashable name
        return None
    return out


def _picked_har(headers: list[Any], wanted: frozenset[str]) -> dict[str, str] | None:
    """:func:`_picked` for HAR header objects (``name`` and ``value`` strings, other members
    ignored); None when any header is of another form."""
    spelled = _SPELLED[wanted]
    out: dict[str, str] = {}
    key: str | None
    try:
        for h in headers:
            name = h["name"]
            value = h["value"]
            if type(name) is not str or type(value) is not str:
                return None
            try:
                key = spelled[name]
            except KeyError:
                key = _wanted_fold(name, wanted)
            if key and key not in out:
                out[key] = value.strip(" \t")
    except (KeyError, TypeError):
        return None
    return out


def record_quick_parts(record: Any, line: bytes = b"") -> QuickParts | None:
    """The parts of a JSON-lines record in its most common form (text bodies, header pairs as lists
    of two strings); None for any other form, which :func:`exchange_from_record` then reads (or
    refuses).  Whatever this accepts, :func:`exchange_from_record` accepts too.

    ``line`` is the text the record was parsed from, when a parser that reads deeper than
    json.loads parsed it (orjson reads 1024 levels; json.loads fewer, by its recursion limit).  A
    line whose text outside the strings it keeps could nest deeper than json.loads reads has its
    brackets counted (codec.body's bound, as fast_value counts them), and beyond MAX_DEPTH it is
    None: the full path reads it, as json.loads does.  The parsed record's shape is no bound: a
    repeated key's dropped value nests unseen.

    This is the CLI's fast path (``cognito_spec.traffic.check.quick_valid`` takes these parts): no
    :class:`Exchange` is built for a record that turns out valid.
    """
    if type(record) is not dict:
        return None
    req = record.get("request")
    resp = record.get("response")
    if type(req) is not dict or type(resp) is not dict:
        return None
    started = record.get("started")
    url = record.get("url", "")
    if type(url) is not str or (started is not None and type(started) is not str):
        return None
    method = req.get("method", "POST")
    status = resp.get("status")
    qt = req.get("body")
    rt = resp.get("body")
    qh = req.get("headers")
    rh = resp.get("headers")
    if (
        type(method) is not str
        or type(status) is not int
        or type(qt) is not str
        or type(rt) is not str
        or type(qh) is not list
        or type(rh) is not list
    ):
        return None
    qd = _picked(qh, REQUEST_NAMES)
    rd = _picked(rh, RESPONSE_NAMES)
    if qd is None or rd is None:
        return None
    # The line's nesting.  The parsed record's shape proves nothing: a repeated key's first value is
    # dropped (by orjson and json.loads alike) yet nests as deep as it likes, where orjson reads
    # 1024 levels and json.loads fewer (found by tests/test_quick_parts.py).  Its brackets lie
    # outside the text of the strings the parse kept (each written in at least a byte per
    # character, the members' texts apart), so a line whose rest is no longer than the recursion
    # limit nests at most half of it, which json.loads reads: it stops at the limit less the frames
    # already on the stack, and no caller of the fast path (the CLI, a --jobs worker, a Dask task)
    # runs half the limit deep [I] (the test reads half the limit from 400 frames down).  The
    # bodies, url and start are taken away first, the header strings (proved strings by _picked)
    # only when that is not enough; a line still longer has its brackets counted.
    limit = getrecursionlimit()
    slack = len(line) - len(qt) - len(rt) - len(url) - (len(started) if started is not None else 0)
    if slack > limit:
        slack -= sum(map(len, chain.from_iterable(qh))) + sum(map(len, chain.from_iterable(rh)))
        if slack > limit and count_opening(line, MAX_DEPTH) > MAX_DEPTH:
            return None
    return method, qd, qt, status, rd, rt, started


def har_quick_parts(entry: Any) -> QuickParts | None:
    """The same for a HAR entry: text bodies without ``encoding``, an integer status, header objects
    of two strings; None otherwise (:func:`exchange_from_har_entry` then reads or refuses it)."""
    if type(entry) is not dict:
        return None
    # Members whose absence makes the answer None are indexed (a specialised instruction, where
    # dict.get is a method call: ~1k instructions an entry, callgrind); a KeyError is that None.
    try:
        req = entry["request"]
        resp = entry["response"]
        if type(req) is not dict or type(resp) is not dict:
            return None
        post = req["postData"]
        content = resp["content"]
        if (
            type(post) is not dict
            or type(content) is not dict
            or post.get("encoding")
            or content.get("encoding")
        ):
            return None
        qt = post["text"]
        rt = content["text"]
        status = resp["status"]
        qh = req["headers"]
        rh = resp["headers"]
    except KeyError:
        return None
    started = entry.get("startedDateTime")
    method = req.get("method", "")
    if (
        type(method) is not str
        or type(req.get("url", "")) is not str
        or (started is not None and type(started) is not str)
    ):
        return None
    if (
        type(status) is not int
        or status == 0
        or type(qt) is not str
        or type(rt) is not str
        or type(qh) is not list
        or type(rh) is not list
    ):
        return None
    qd = _picked_har(qh, REQUEST_NAMES)
    rd = _picked_har(rh, RESPONSE_NAMES)
    if qd is None or rd is None:
        return None
    return method, qd, qt, status, rd, rt, started


# The fast path.  A capture of real traffic is mostly clean successes; proving one clean costs a
# fraction of the full check when nothing has to be explained.  ``quick_valid`` answers only "valid,
# with no finding at all" or "don't know": every exchange it is unsure of goes through _Checker,
# which decides.  tests/test_exchange.py checks the two agree.


_SCAN: Final[Any] = DECODER.scan_once  # type: ignore[attr-defined]


_UNCLEAN: Final = object()


#: The characters of a one-member object of a string, beside its key's and value's: braces, colon,
#: two quotes each (see the one-member proof in _clean_body).
_MEMBER_TEXT: Final = 7
_TOKEN_MEMBER_TEXT: Final = len(TOKEN_MEMBER) + _MEMBER_TEXT


def _clean_body(text: str, check: Any, strict: bool, bounded: bool) -> Any:
    """The JSON value of a body text that is one object with nothing around it and breaks nothing of
    its shape (no warning either), else :data:`_UNCLEAN`.

    ``check`` None: the input of a token-only operation (see :func:`_token_only`), whose check the
    caller leaves to the token's reading; the value must be that one member, a string.

    ``bounded``: a value the checker passes without a violation nests at most MAX_DEPTH deep
    (codec.reach.wire_depth), and the count of its quotes proves that the parse kept every member
    of the text, so the text nests no deeper either: the bracket count guarding the parser
    (codec.body.fast_value) proves nothing more and is left out, as validation leaves it out.

    orjson when the fast path of codec.body is on (every refusal falls through to the stdlib), then
    the stdlib's C scanner without JSONDecoder.decode's wrapper.  An orjson parse of a ``str``
    proves there is no lone surrogate (orjson refuses one), which the stdlib's scanner accepts and
    the full path reports (invalid_utf8); a text opening with ``{`` has no byte-order mark.  Text
    around the value (white space) goes to the full path, which accepts it; so does any other value
    than an object, which no operation's input, output or error takes.
    """
    if text[:1] != "{" or text[-1:] != "}":
        return _UNCLEAN
    data = MISS
    loads = ORJSON.loads
    if loads is not None:
        if bounded:
            try:
                data = loads(text)
            except ORJSON.error:
                data = MISS
        else:
            data = fast_value(text)
    if data is MISS:
        if not text.isascii():
            try:
                text.encode("utf-8")  # a lone surrogate: the bytes were not UTF-8 (invalid_utf8)
            except UnicodeEncodeError:
                return _UNCLEAN
        if not bounded and too_deep(text):
            return _UNCLEAN
        try:
            data, end = _SCAN(text, 0)
        except (StopIteration, ValueError, RecursionError):
            return _UNCLEAN
        if end != len(text):
            return _UNCLEAN
    if check is None:
        # A token-only input (_Quick.token_only): the token's reading stands for the check.  The
        # text is that one member, once (the length test below), and its value a string.
        if type(data) is dict and len(data) == 1:
            token = data.get(TOKEN_MEMBER)
            if type(token) is str and len(text) == len(token) + _TOKEN_MEMBER_TEXT:
                return data
        return _UNCLEAN
    out: list[Violation] = []
    cnt = [0, 0]
    check(data, (), out, strict, cnt)
    if out:
        return _UNCLEAN
    if len(data) == 1:
        # One member whose value is a string (a token-authorised request: its token is ~1 KB, which
        # the quote count below would read).  A text of one member k: v is at least len(k) + len(v)
        # + 7 characters long (braces, colon, two quotes each; an escape only lengthens), and a
        # repeated member the parse dropped adds at least its comma, key, colon and value: a text of
        # exactly that length holds that member once.
        for key, value in data.items():
            if type(value) is str and len(text) == len(key) + len(value) + _MEMBER_TEXT:
                return data
    # The quote count proves the keys unique with or without backslashes (see traffic.tokens'
    # _keys_unique); keys_unique decides when it fails.
    kept = cnt[0] + cnt[1]  # string tokens the parse kept: keys and string values
    return data if text.count('"') == 2 * kept or keys_unique(text, cnt[0], cnt[1]) else _UNCLEAN


def _bounded(cls: type) -> bool:
    """Whether a value of ``cls`` that its checker passes nests at most MAX_DEPTH deep."""
    depth = wire_depth(cls)
    return depth is not None and depth <= MAX_DEPTH


#: The code points of TOKEN_CHARS, for _token_checked.
_TOKEN_RANGES: Final = ranges.chars("".join(sorted(TOKEN_CHARS)))


def _token_class(cls: type | None) -> tuple[Member, tuple[ranges.Ranges, int, int | None]] | None:
    """The token member of an input ``cls``, with its pattern as ``(ranges, min, max)`` when the
    pattern (from the model) is one class repeated; None otherwise."""
    from cognito_spec.model import members_of

    if cls is None:
        return None
    m = next((m for _, m in members_of(cls) if m.wire == TOKEN_MEMBER), None)
    if m is None or m.shape.pattern is None:
        return None
    single = patterns.compile(m.shape.pattern).single_class
    return None if single is None else (m, single)


def _token_checked(cls: type | None) -> bool:
    """Whether the checker of an input ``cls`` passes only tokens of :data:`TOKEN_CHARS`: its token
    member's pattern, from the model, is one class repeated that admits no other character."""
    found = _token_class(cls)
    return found is not None and not ranges.subtract(found[1][0], _TOKEN_RANGES)


#: The code points of READABLE_CHARS, for _token_only.
_READABLE_RANGES: Final = ranges.chars("".join(sorted(READABLE_CHARS)))


def _token_only(cls: type | None) -> bool:
    """Whether the input ``cls`` is the access token alone, required, with no rule that a token
    reading without a problem could break: a string shape whose one rule is a pattern of one class
    repeated, holding every character such a token holds (:data:`READABLE_CHARS`), with no upper
    bound and a lower one it meets.  For a success, the fast path then lets the reading prove the
    request (the class test of a 1.2 KB token cost ~14k instructions, ~7 % of an exchange), and
    takes the signature's alphabet from the reading too (not ``checked``)."""
    from cognito_spec.model import members_of

    found = _token_class(cls)
    if found is None or cls is None or len(list(members_of(cls))) != 1:
        return False
    m, (chars, least, most) = found
    shape = m.shape
    return (
        m.required
        and shape.type == "string"
        and (shape.length_min, shape.length_max, shape.enum) == (None, None, None)
        and not ranges.subtract(_READABLE_RANGES, chars)
        and least <= READABLE_MIN
        and most is None
    )


@attrs.frozen
class _Quick:
    """What the fast path needs of one operation, looked up once."""

    name: str
    check_in: Any
    check_out: Any
    sigv4: bool
    #: The codes of the errors the operation may return.
    codes: frozenset[str]
    #: Error code -> (class, the status the service sends with it, the body's message member), for
    #: the codes that came so far.  Each is looked up when an error of that code first comes, and its
    #: checker compiled then (function_for caches it): the checkers of an operation's dozen errors
    #: cost a run ~40 ms, more than its successes' own, and even importing the classes of the
    #: errors that never come costs more than the classes of the exchanges that do.
    errors: dict[str, tuple[type, int, str]]
    #: Authorised by the access token in the body: its verdict must agree with the answer.
    token: bool = False
    #: The output carries an AuthenticationResult (checked by traffic.tokens): for the full check.
    issues: bool = False
    #: Whether the input's and the output's values nest at most MAX_DEPTH deep (see _clean_body).
    in_bounded: bool = False
    out_bounded: bool = False
    #: A token the input's checker passed holds traffic.tokens.TOKEN_CHARS only (its pattern in the
    #: model says so: _token_checked), which read_token then need not test again.
    token_checked: bool = False
    #: The input is the token alone, and a reading without a problem proves its check (_token_only).
    token_only: bool = False


#: Per target, built on first use of that operation: compiling the checkers of all 153 operations
#: up front cost the first exchange of a run ~6 s; one operation's cost tens of milliseconds.
#: None marks a target that names no operation with an output (the full check reports it).
_QUICK: dict[str, _Quick | None] = {}


def _quick_for(target: str) -> _Quick | None:
    try:
        return _QUICK[target]
    except KeyError:
        pass
    op = operation_for_target(target) if target else None
    quick = None
    if op is not None and op.output is not None:
        quick = _Quick(
            op.name,
            function_for(op.input, "check"),
            function_for(op.output, "check"),
            op.auth == "sigv4",
            frozenset(op.error_names),
            {},
            op.auth == "access_token",
            issues_tokens(op.output),
            _bounded(op.input),
            _bounded(op.output),
            _token_checked(op.input),
            op.auth == "access_token" and _token_only(op.input),  # the reading must be asked for
        )
    if op is not None:  # unknown targets are not remembered: a capture could name endlessly many
        _QUICK[target] = quick
    return quick


def quick_valid(
    method: str,
    request_headers: dict[str, str],
    request_text: str,
    status: int,
    response_headers: dict[str, str],
    response_text: str,
    started: str | None = None,
) -> str | None:
    """The operation's name when the exchange has no finding at all; None when it may have one.

    The headers are maps of lower-cased names to first values, stripped (see :func:`quick_headers`);
    maps of just :data:`REQUEST_NAMES` and :data:`RESPONSE_NAMES` (as the quick readers give them)
    give the same answer, since no other name is read.
    Covers clean successes and clean errors (declared for the operation, with the service's status,
    ``X-Amzn-ErrorType`` and ``__type`` agreeing); anything else is for the full check.  For an
    operation authorised by an access token the answer must also be the service's answer to the
    token at ``started`` (:mod:`cognito_spec.traffic.tokens`, the same verdict the full check reads).
    """
    target = request_headers.get("x-amz-target", "")
    quick = _QUICK[target] if target in _QUICK else _quick_for(target)
    if quick is None or method != "POST" or not request_text:
        return None
    if (
        request_headers.get("content-type") != CONTENT_TYPE
        or response_headers.get("content-type") != CONTENT_TYPE
        or (quick.sigv4 and "authorization" not in request_headers)
    ):
        return None
    rid = response_headers.get("x-amzn-requestid")
    if rid is None or UUID.fullmatch(rid) is None:
        return None
    # A success of a token-only operation: the token's reading (required below) proves the request.
    alone = status == 200 and quick.token_only
    request = _clean_body(request_text, None if alone else quick.check_in, True, quick.in_bounded)
    if request is _UNCLEAN:
        return None
    if status == 200:
        if quick.issues or _clean_body(response_text, quick.check_out, False, quick.out_bounded) is _UNCLEAN:
            return None
        if quick.token:
            # What token_findings says of a 2xx answer, inline: no finding for a readable access
            # token with the scope, not expired at a known time.  ``checked``: the input's checker
            # passed the token against the model's pattern (not run for a token-only input).
            token = request.get(TOKEN_MEMBER)
            if type(token) is not str:
                return None  # the full check decides (the input check has refused it already)
            read = read_token(token, quick.token_checked and not alone)
            if read.problem is not None or not read.scoped:
                return None
            at = capture_time(started)
            if at is None or at >= read.exp:
                return None
        return quick.name
    error_type = response_headers.get("x-amzn-errortype")
    code = code_of(error_type)
    if code is None or code not in quick.codes or error_type != code + ":":
        return None
    known = quick.errors.get(code)
    if known is None:
        cls = error_class(code)
        if cls is None:  # pragma: no cover - every code of an operation's list has its class
            return None
        known = quick.errors[code] = (cls, cls.http_status, cls.message_member)
    cls, http_status, message_member = known
    if status != http_status or f'"{code}"' not in response_text:
        return None
    data = _clean_body(response_text, function_for(cls, "check"), False, False)  # error classes have no bound
    if data is _UNCLEAN or type(data) is not dict or data.get("__type") != code:
        return None
    message = data.get(message_member)
    if not message_header_agrees(message, response_headers.get("x-amzn-errormessage")):
        return None
    if quick.token and _token_findings(request, started, status, code, message):
        return None
    return quick.name


def _token_findings(request: Any, started: str | None, status: int, code: str | None, message: Any) -> bool:
    verdict = read_verdict(request.get(TOKEN_MEMBER), capture_time(started))
    return bool(token_findings(verdict, status, code, message))


def quick_headers(pairs: Any) -> dict[str, str] | None:
    """``(name, value)`` pairs as :func:`quick_valid` wants them, or None when they are not str pairs.

    Only ``str`` has both ``lower`` and ``strip`` among JSON values, so this also proves the types.
    """
    try:
        return map_of_pairs(pairs)
    except (AttributeError, TypeError, ValueError):
        return None


__all__ = [
    "REQUEST_NAMES",
    "RESPONSE_NAMES",
    "UUID",
    "QuickParts",
    "code_of",
    "error_type_departure",
    "har_quick_parts",
    "message_header_agrees",
    "quick_headers",
    "quick_valid",
    "record_quick_parts",
]
