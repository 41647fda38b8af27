"""Redaction of a whole exchange (``cognito-spec redact``): every credential masked, nothing else changed.

What is masked, in every exchange whether the model describes it or not:

* **Credential headers** (:data:`SENSITIVE_HEADERS`: ``Authorization``, ``Cookie``, ``Set-Cookie``,
  ...) whole; tokens in the URL-valued headers (``Location``, ``Referer``) as in URLs; JWTs and
  bearer tokens inside any other header value.
* **URLs**: credential parameters of the query and of the fragment (the hosted UI's ``code=``,
  ``id_token=``, ``access_token=``, ``refresh_token=``, ``client_secret=``, ...), any JWT-shaped
  value, the password of ``user:password@``.  Only the values change; every other byte stays.
* **Bodies of the operations the model covers**: the members it marks sensitive, at any depth
  (:func:`cognito_spec.validation.redact.mask_json`: masks chosen so the copy validates exactly as
  the original), plus members the model does not know whose name says credential (``IdToken``,
  ``SessionToken``, ``SecretKey``, ...) and JWTs inside any other string.  In an error's message, the
  sensitive values of the same exchange's request (the user name an emulator quotes) are masked too.
* **Bodies of Cognito operations outside the model** and error bodies of unknown codes: every
  string (``__type`` kept), since which members are secret is unknown here.
* **Any other traffic** (identity pools, the hosted UI's ``/oauth2/token``, ...): JSON members whose
  name says credential (``Logins`` values, ``Credentials.SecretKey``/``SessionToken``, ``id_token``,
  ...), credential parameters of form bodies, and JWTs and bearer tokens anywhere in text.

Bodies that are not text (not UTF-8) cannot be judged and are copied as they are; text bodies that
are neither JSON nor a form only lose what looks like a token.  Both are counted in
:class:`RedactStats`, which says what was masked by kind; values are never part of it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Final
from urllib.parse import unquote_plus

import attrs

from cognito_spec.codec.body import decode_body
from cognito_spec.errors import DecodeError
from cognito_spec.operations import error_class, operation_for_target
from cognito_spec.protocol.headers import header_map
from cognito_spec.tokens.standin import standin
from cognito_spec.traffic.fast import code_of
from cognito_spec.traffic.record import Exchange, Headers
from cognito_spec.traffic.rewrite import rewrite_har, rewrite_jsonl
from cognito_spec.traffic.scope import skip_reason
from cognito_spec.traffic.source import CaptureSource
from cognito_spec.validation.jsontext import Path, decode_string
from cognito_spec.validation.redact import REDACTED, LeafRule, mask_json, position

if TYPE_CHECKING:
    from cognito_spec.operations import Operation

__all__ = [
    "SENSITIVE_HEADERS",
    "RedactStats",
    "credential_name",
    "field_rule",
    "mask_form",
    "mask_text",
    "mask_url",
    "redact_capture",
    "redact_exchange",
    "redactor",
]

#: Headers whose values are credentials; :func:`redact_exchange` masks them whole.
SENSITIVE_HEADERS: Final = frozenset(
    {"authorization", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization"}
)
#: Headers whose values are URLs, masked as :func:`mask_url` masks URLs.
URL_HEADERS: Final = frozenset({"location", "referer", "content-location", "refresh"})

#: A JWT (or JWE): base64url segments joined by dots, the first one a JSON header (``eyJ`` is ``{"``).
JWT: Final = re.compile(r"eyJ[A-Za-z0-9_=-]*(?:\.[A-Za-z0-9_=-]*){2,4}")
_BEARER: Final = re.compile(r"(?i)(\bbearer[ \t]+)([A-Za-z0-9._~+/=-]+)")
_NAME_WORDS: Final = ("token", "secret", "password", "passwd", "session", "cookie", "authorization")
_NAME_EXACT: Final = frozenset({"logins", "apikey", "privatekey"})
#: Names with a credential word that hold none (OAuth's ``token_type: Bearer``, a JWT's ``token_use``).
_NAME_NOT: Final = frozenset({"tokentype", "tokenuse"})
_PARAM_EXACT: Final = frozenset({"code", "codeverifier", "assertion", "clientassertion", "pwd"})
_MESSAGE_MEMBERS: Final = frozenset({"message", "Message", "errorMessage", "error_description"})
#: Known values shorter than this are not looked for in messages (``a`` would mask every ``a``).
_KNOWN_MIN: Final = 4


def _norm(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def credential_name(name: str) -> bool:
    """True when a JSON member's name says its value is a credential (``IdToken``, ``SecretKey``,
    ``SessionToken``, ``Password``, ``Logins``, ...)."""
    n = _norm(name)
    return n in _NAME_EXACT or (n not in _NAME_NOT and any(w in n for w in _NAME_WORDS))


def _credential_param(name: str) -> bool:
    n = _norm(name)
    return n in _PARAM_EXACT or credential_name(name)


@attrs.define
class RedactStats:
    """What a redaction did: values masked by kind, bodies it could not judge by reason.

    Kinds: ``sensitive_member`` (the model says so), ``credential_member`` (a JSON member named like
    a credential), ``unmodelled_string`` (every string of a body this model does not describe),
    ``unreadable_body`` (strings of a body that does not parse), ``message_value`` (a known secret in
    an error message), ``jwt`` and ``bearer`` (token-shaped text anywhere), ``credential_header``,
    ``url_parameter``, ``form_parameter``, ``cookie`` (HAR cookie lists).  Unjudged: ``binary``
    (not UTF-8: copied as it is), ``text`` (neither JSON nor a form: only token-shaped text masked).
    ``verdict_changed`` counts values for which no mask keeping the verdict exists (masked anyway).
    """

    entries: int = 0
    masked: Counter[str] = attrs.field(factory=Counter)
    unjudged: Counter[str] = attrs.field(factory=Counter)
    verdict_changed: int = 0

    def merge(self, other: RedactStats) -> None:
        self.entries += other.entries
        self.masked.update(other.masked)
        self.unjudged.update(other.unjudged)
        self.verdict_changed += other.verdict_changed

    def summary(self) -> list[str]:
        """Lines for people: counts only, never a value."""

        def counts(c: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(c.items())) or "none"

        lines = [
            f"redacted {self.entries} entries",
            f"  masked: {sum(self.masked.values())} ({counts(self.masked)})",
            f"  not judged: {sum(self.unjudged.values())} ({counts(self.unjudged)})",
        ]
        if self.verdict_changed:
            lines.append(f"  masks that change a verdict: {self.verdict_changed}")
        return lines


# -- text, URLs, forms, headers ------------------------------------------------------------------


def mask_text(text: str, stats: RedactStats) -> str:
    """``text`` with JWTs and bearer tokens masked."""
    if "eyJ" in text:
        text, n = JWT.subn(REDACTED, text)
        stats.masked["jwt"] += n
    if "earer" in text:
        text, n = _BEARER.subn(lambda m: m.group(1) + REDACTED, text)
        stats.masked["bearer"] += n
    return text


def mask_form(text: str, stats: RedactStats, kind: str = "form_parameter") -> str:
    """A ``name=value&...`` string with the values of credential parameters (and JWT-shaped values)
    masked; every other byte is kept."""
    parts = text.split("&")
    changed = False
    for i, part in enumerate(parts):
        name, eq, value = part.partition("=")
        if not eq or not value:
            continue
        if _credential_param(unquote_plus(name)) or JWT.search(unquote_plus(value)):
            parts[i] = name + "=" + REDACTED
            stats.masked[kind] += 1
            changed = True
    return "&".join(parts) if changed else text


_USERINFO: Final = re.compile(r"\A([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#@:]*):([^/?#@]*)@")


def mask_url(url: str, stats: RedactStats) -> str:
    """A URL with the credential parameters of its query and fragment masked (``code``, ``id_token``,
    ``access_token``, ...), JWT-shaped values anywhere, and the password of ``user:password@``."""
    if not url:
        return url
    out = url
    m = _USERINFO.match(out)
    if m is not None and m.group(2):
        out = m.group(1) + ":" + REDACTED + "@" + out[m.end() :]
        stats.masked["url_parameter"] += 1
    base, hash_, fragment = out.partition("#")
    path, q, query = base.partition("?")
    if query:
        query = mask_form(query, stats, "url_parameter")
    if fragment:
        fragment = mask_form(fragment, stats, "url_parameter")
    out = path + q + query + hash_ + fragment
    return mask_text(out, stats) if "eyJ" in out else out


def _mask_headers(headers: Headers, stats: RedactStats, known: list[str]) -> Headers:
    out = []
    for k, v in headers:
        lk = k.lower()
        if lk in SENSITIVE_HEADERS:
            if v != REDACTED:
                stats.masked["credential_header"] += 1
                known.append(v)
                m = _BEARER.search(v)
                if m is not None:
                    known.append(m.group(2))
            out.append((k, REDACTED))
        elif lk in URL_HEADERS:
            out.append((k, mask_url(v, stats)))
        else:
            out.append((k, mask_text(v, stats) if "eyJ" in v or "earer" in v else v))
    return tuple(out)


def _mask_message_header(
    headers: Headers, masker: Callable[[str], str] | None, stats: RedactStats
) -> Headers:
    """``x-amzn-ErrorMessage`` masked as the body's message is: the service repeats the message
    there, and a copy must keep the two agreeing (and not quote the secret in the header)."""
    if masker is None:
        return headers
    out = []
    for k, v in headers:
        masked = masker(v) if k.lower() == "x-amzn-errormessage" else v
        if masked != v:
            stats.masked["message_value"] += 1
        out.append((k, masked))
    return tuple(out)


# -- bodies ---------------------------------------------------------------------------------------


def _jwt_in(raw: str) -> str | None:
    """The value of a string token with its JWTs masked, or None when it holds none."""
    if "eyJ" not in raw:
        return None
    value = decode_string(raw)
    masked = JWT.sub(REDACTED, value)
    return masked if masked != value else None


def _known_masker(known: list[str] | None) -> Callable[[str], str] | None:
    """What masks the known secrets of an exchange inside a message (None: there are none)."""
    needles = sorted({k for k in known or () if len(k) >= _KNOWN_MIN}, key=len, reverse=True)
    if not needles:
        return None

    def masker(value: str) -> str:
        masked = value
        for needle in needles:
            masked = masked.replace(needle, REDACTED)
        return JWT.sub(REDACTED, masked) if masked != value else value

    return masker


def _model_rule(cls: type | None, known: list[str] | None) -> LeafRule:
    """Leaves of a body the model describes: unknown members named like credentials, JWTs, and (in
    a response) known secrets inside a message."""
    masker = _known_masker(known)

    def rule(path: Path, kind: str, raw: str) -> tuple[str, str | None] | None:
        if kind != "s":
            return None
        outside = cls is not None and position(cls, path)[1] is None
        if outside and any(type(p) is str and credential_name(p) for p in path):
            return "credential_member", None
        if masker is not None and len(path) == 1 and path[0] in _MESSAGE_MEMBERS:
            value = decode_string(raw)
            masked = masker(value)
            if masked != value:
                return "message_value", masked
        jwt = _jwt_in(raw)
        return ("jwt", jwt) if jwt is not None else None

    return rule


def _every_string(path: Path, kind: str, raw: str) -> tuple[str, str | None] | None:
    if kind != "s" or path == ("__type",):
        return None
    return "unmodelled_string", None


def _generic_rule(path: Path, kind: str, raw: str) -> tuple[str, str | None] | None:
    if kind != "s":
        return None
    if any(type(p) is str and credential_name(p) for p in path):
        return "credential_member", None
    jwt = _jwt_in(raw)
    return ("jwt", jwt) if jwt is not None else None


def _count(stats: RedactStats, found: Counter[str]) -> None:
    stats.masked.update(found)


def _cognito_body(
    body: bytes | None, cls: type | None, rule: LeafRule, stats: RedactStats, values: list[str] | None
) -> bytes | None:
    """A body of the Cognito user pools service: validated, so the masks keep its verdict."""
    if not body:
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8 (a lone surrogate a JSON-lines writer let through, say): the service refuses it
        # before reading it.  Mask every string all the same, and keep the copy invalid UTF-8.
        text = body.decode("utf-8", "surrogateescape")
        done = mask_json(text, None, _every_string)
        _count(stats, done.masked)
        out = done.text.encode("utf-8", "surrogateescape")
        try:
            out.decode("utf-8")
        except UnicodeDecodeError:
            return out
        # Every invalid byte sat in a masked string: end with the UTF-8 form of a lone surrogate,
        # invalid again, and one that every capture format can still carry (as a \udfff escape).
        return out + "\udfff".encode("utf-8", "surrogatepass")
    done = mask_json(text, cls, rule, standin=standin)
    _count(stats, done.masked)
    if not done.kept:
        stats.verdict_changed += 1
    if values is not None:
        values.extend(done.values)
    return done.text.encode("utf-8") if done.text != text else body


def _other_body(body: bytes | None, content_type: str, stats: RedactStats) -> bytes | None:
    """A body of other traffic: JSON, a form, text or binary, judged by what it looks like."""
    if not body:
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        stats.unjudged["binary"] += 1
        return body
    ct = content_type.lower()
    if "x-www-form-urlencoded" in ct:
        out = mask_form(text, stats)
    elif "json" in ct or text.lstrip()[:1] in ("{", "["):
        done = mask_json(text, None, _generic_rule)
        if done.readable or "json" in ct:
            _count(stats, done.masked)
            out = done.text
        else:
            stats.unjudged["text"] += 1
            out = mask_text(text, stats)
    else:
        stats.unjudged["text"] += 1
        out = mask_text(text, stats)
    return out.encode("utf-8") if out != text else body


def _response_class(ex: Exchange, op: Operation | None) -> type | None:
    if ex.status is None:
        return None
    if 200 <= ex.status < 300:
        return op.output if op is not None else None
    code = code_of(header_map(ex.response_headers).get("x-amzn-errortype"))
    if code is None and ex.response_body:
        try:
            parsed = decode_body(ex.response_body)
        except DecodeError:
            parsed = None
        code = code_of(parsed.get("__type")) if type(parsed) is dict else None
    return error_class(code or "")


def redact_exchange(ex: Exchange, *, stats: RedactStats | None = None) -> Exchange:
    """A copy of an exchange with every credential masked (see the module documentation).

    The copy validates exactly as the original (same findings: kind, severity, location, pointer).
    ``stats``, when given, receives the counts of what was masked.
    """
    st = stats if stats is not None else RedactStats()
    st.entries += 1
    known: list[str] = []
    request_headers = _mask_headers(ex.request_headers, st, known)
    response_headers = _mask_headers(ex.response_headers, st, known)
    url = mask_url(ex.url, st)
    reason = skip_reason(ex)
    if reason in ("preflight", "not_cognito"):
        hm = header_map(ex.request_headers)
        request_body = _other_body(ex.request_body, hm.get("content-type", ""), st)
        rm = header_map(ex.response_headers)
        response_body = _other_body(ex.response_body, rm.get("content-type", ""), st)
    else:
        target = header_map(ex.request_headers).get("x-amz-target")
        op = operation_for_target(target.strip()) if target is not None else None
        if op is None:
            request_body = _cognito_body(ex.request_body, None, _every_string, st, known)
            response_body = _cognito_body(ex.response_body, None, _every_string, st, None)
        else:
            request_body = _cognito_body(ex.request_body, op.input, _model_rule(op.input, None), st, known)
            cls = _response_class(ex, op)
            rule = _model_rule(cls, known) if cls is not None else _every_string
            response_body = _cognito_body(ex.response_body, cls, rule, st, None)
            if cls is not None:
                response_headers = _mask_message_header(response_headers, _known_masker(known), st)
    out = attrs.evolve(
        ex,
        request_headers=request_headers,
        response_headers=response_headers,
        url=url,
        request_body=request_body,
        response_body=response_body,
    )
    return ex if out == ex else out


#: A transform that also counts (what :mod:`cognito_spec.traffic.rewrite` applies to each entry).
Redactor = Callable[[Exchange], Exchange]


def redactor(stats: RedactStats) -> Redactor:
    """:func:`redact_exchange` counting into ``stats``."""
    return lambda ex: redact_exchange(ex, stats=stats)


def _name_of(entry: object, path: Path) -> str:
    node: object = entry
    for p in path[:-1]:
        if isinstance(node, dict) and type(p) is str:
            node = node.get(p)
        elif isinstance(node, list) and type(p) is int and p < len(node):
            node = node[p]
        else:
            return ""
    name = node.get("name") if isinstance(node, dict) else None
    return name if isinstance(name, str) else ""


def field_rule(stats: RedactStats) -> Callable[[Path, str, object], str | None]:
    """What to write for a string of a capture entry outside its exchange (None: keep it).

    HAR cookie lists lose their values; ``queryString`` and ``postData.params`` their credential
    parameters; ``redirectURL`` is masked as a URL; any other string (a page title holding the
    callback URL, a custom field) loses what looks like a token.
    """

    def rule(path: Path, value: str, entry: object) -> str | None:
        if len(path) == 4 and path[1] == "cookies" and path[3] == "value":
            if value == REDACTED:
                return None
            stats.masked["cookie"] += 1
            return REDACTED
        if path[-1:] == ("value",) and (
            path[:2] == ("request", "queryString") or path[:3] == ("request", "postData", "params")
        ):
            if (
                value
                and value != REDACTED
                and (_credential_param(_name_of(entry, path)) or JWT.search(value))
            ):
                stats.masked["url_parameter" if path[1] == "queryString" else "form_parameter"] += 1
                return REDACTED
            return None
        if "://" in value:
            new = mask_url(value, stats)
        elif "eyJ" in value or "earer" in value:
            new = mask_text(value, stats)
        else:
            return None
        return new if new != value else None

    return rule


def redact_capture(src: CaptureSource, out: IO[str]) -> RedactStats:
    """Write a redacted copy of an open capture to ``out`` (HAR stays HAR, JSON lines stay JSON lines);
    returns what was masked.  Every byte that holds no credential is copied as it was.

    ``out`` may receive lone surrogates where the capture held their UTF-8 form: open files with
    ``encoding="utf-8", errors="surrogatepass", newline=""``.
    """
    stats = RedactStats()
    rewrite = rewrite_har if src.format == "har" else rewrite_jsonl
    rewrite(src, out, redactor(stats), field_rule(stats))
    return stats
