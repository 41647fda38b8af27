"""What the service answers to one probe, what the emulator answered, and the checks between them.

The service's answer to a malformed request is not written here a second time: it is what the
library's own sans-IO layer answers (:func:`cognito_spec.protocol.server.parse_request`, whose
rules carry their evidence next to the code), so the probe and an emulator built on the library
can never disagree about a fact.  Answers that need state (an unknown user, a revoked token) are
given by the scenario with their source.

Every exchange is also run through the capture checks (:func:`cognito_spec.traffic.check.examine`);
the server's findings become checks of the area they are about (:func:`area_of`): the envelope
(status, headers, error code), validation messages, tokens, or the operation's answer itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import attrs

from cognito_spec.errors import ServiceError
from cognito_spec.operations import error_class
from cognito_spec.protocol.envelope import parse_error
from cognito_spec.protocol.server import parse_request
from cognito_spec.traffic.check import examine
from cognito_spec.traffic.finding import Finding
from cognito_spec.traffic.record import Exchange
from cognito_spec.validation.messages import same_message

__all__ = [
    "AREAS",
    "Area",
    "Check",
    "Expected",
    "Observed",
    "Scrubber",
    "area_of",
    "expect_error",
    "expect_reference",
    "expect_success",
    "judge",
]

Area = Literal["envelope", "validation", "tokens", "operations"]
#: The areas a report scores, in its order.
AREAS: Final[tuple[Area, ...]] = ("envelope", "validation", "tokens", "operations")

_TOKEN_KINDS: Final = frozenset(
    {
        "token_invalid_accepted",
        "id_token_accepted",
        "token_expired_accepted",
        "token_scope_accepted",
        "token_message",
        "issued_token",
        "expires_in",
        "token_type",
        "token_issuer",
    }
)
#: Validation messages are their own area; a refusal that did not come is the probe's own area.
_VALIDATION_KINDS: Final = frozenset({"validation_message"})
#: The longest observed message a report quotes.
_QUOTE: Final = 160


def area_of(f: Finding, default: Area) -> Area:
    """The area a server finding is about: tokens, validation, the envelope, else ``default``."""
    if f.kind in _TOKEN_KINDS:
        return "tokens"
    if f.kind in _VALIDATION_KINDS:
        return "validation"
    if f.location == "envelope":
        return "envelope"
    return default


@attrs.frozen
class Expected:
    """The service's answer: a status, an error code (None for a success) and its message.

    ``message`` is compared only when ``message_known``: where the service's text is not on
    record the probe checks the code alone.  ``source`` says where the library holds the fact.
    """

    status: int
    code: str | None
    message: str | None
    source: str
    message_known: bool = True

    def describe(self) -> str:
        if self.code is None:
            return f"{self.status} success"
        if not self.message_known:
            return f"{self.status} {self.code} (message not on record)"
        return f"{self.status} {self.code}" + (f": {self.message}" if self.message else " (no message)")

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message if self.message_known else None,
            "message_known": self.message_known,
            "source": self.source,
        }


def expect_success(source: str) -> Expected:
    return Expected(200, None, None, source)


def expect_error(code: str, message: str | None, source: str, *, message_known: bool = True) -> Expected:
    """The error ``code`` with ``message``; its status is the one the library records for it."""
    cls = error_class(code)
    status = cls.http_status if cls is not None else 400
    status_note = f"; status {status}: {cls.status_source}" if cls is not None and cls.status_source else ""
    return Expected(status, code, message, source + status_note, message_known)


def expect_reference(
    headers: list[tuple[str, str]] | tuple[tuple[str, str], ...], body: bytes, source: str
) -> Expected:
    """What the library's sans-IO layer answers to this request: the service's answer."""
    try:
        parse_request(headers, body)
    except ServiceError as exc:
        return expect_error(exc.code, exc.message, source)
    return expect_success(source)


@attrs.frozen
class Observed:
    """What the emulator answered: status, error code and message (or the transport failure)."""

    status: int | None
    code: str | None
    message: str | None
    failure: str = ""

    def describe(self, scrub: Scrubber) -> str:
        if self.status is None:
            return f"no answer: {self.failure}"
        if self.code is None and 200 <= self.status < 300:
            return f"{self.status} success"
        text = f"{self.status} {self.code or '(no error code)'}"
        if self.message:
            text += f": {scrub.text(self.message)}"
        return text + (f" [{self.failure}]" if self.failure else "")

    def to_json(self, scrub: Scrubber) -> dict[str, object]:
        return {
            "status": self.status,
            "code": self.code,
            "message": scrub.text(self.message) if self.message is not None else None,
            "failure": self.failure,
        }


@attrs.define
class Scrubber:
    """Replaces the secrets the probe sent (its user's name, password, e-mail, tokens) by their
    names in anything a report quotes from the emulator, unless ``reveal``."""

    reveal: bool = False
    secrets: dict[str, str] = attrs.field(factory=dict)

    def add(self, name: str, value: str | None) -> None:
        if isinstance(value, str) and len(value) >= 4:
            self.secrets[value] = name

    def text(self, value: str) -> str:
        out = value
        if not self.reveal:
            for secret in sorted(self.secrets, key=len, reverse=True):
                out = out.replace(secret, f"<{self.secrets[secret]}>")
        out = " ".join(out.split())
        return out if len(out) <= _QUOTE else out[: _QUOTE - 1] + "…"


def observe(ex: Exchange, failure: str = "") -> Observed:
    if ex.status is None:
        return Observed(None, None, None, failure or "no response")
    if 200 <= ex.status < 300:
        return Observed(ex.status, None, None, failure)
    exc = parse_error(ex.status, ex.response_headers, ex.response_body)
    code = exc.code or None
    message = exc.message if isinstance(exc.message, str) else None
    return Observed(ex.status, code, message, failure)


@attrs.frozen
class Check:
    """One thing a probe checks, in one area: passed or not, and what differed."""

    area: Area
    name: str
    ok: bool
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {"area": self.area, "name": self.name, "ok": self.ok, "note": self.note}


def _answer_check(area: Area, expected: Expected, got: Observed, scrub: Scrubber) -> Check:
    if got.status is None:
        return Check(area, "answer", False, f"no answer: {got.failure}")
    wrong: list[str] = []
    if expected.code is None:
        if got.status != expected.status or got.code is not None:
            wrong.append("a success was expected")
    else:
        if got.code != expected.code:
            wrong.append(f"error code {got.code or 'none'}, not {expected.code}")
        if got.status != expected.status:
            wrong.append(f"status {got.status}, not {expected.status}")
        if got.code == expected.code and expected.message_known:
            if expected.message is None:
                if got.message:
                    wrong.append("a message where the service sends none")
            elif got.message is None or not same_message(got.message, expected.message):
                wrong.append("another message" if got.message else "no message")
    if got.failure:
        wrong.append(got.failure)
    return Check(area, "answer", not wrong, "; ".join(wrong))


def judge(
    ex: Exchange,
    expected: Expected,
    area: Area,
    scrub: Scrubber,
    *,
    failure: str = "",
    extra: Mapping[str, str | None] | None = None,
) -> tuple[Observed, list[Check], list[Finding]]:
    """The observed answer, the checks and the server's findings of one probe's exchange.

    ``extra`` adds checks of the probe's own (name -> None when it passed, else what differed),
    in the probe's area."""
    got = observe(ex, failure)
    checks = [_answer_check(area, expected, got, scrub)]
    for name, problem in (extra or {}).items():
        checks.append(Check(area, name, problem is None, problem or ""))
    findings: list[Finding] = []
    if ex.status is not None:
        report = examine(ex, reveal=scrub.reveal)
        findings = [f for f in report.findings if f.side == "server"]
        failing: dict[Area, list[str]] = {}
        for f in findings:
            if f.severity == "error":
                failing.setdefault(area_of(f, area), []).append(f.kind)
        if "envelope" not in failing:
            checks.append(Check("envelope", "envelope", True))
        for where, kinds in failing.items():
            kinds_text = ", ".join(dict.fromkeys(kinds))
            checks.append(Check(where, "findings" if where != "envelope" else "envelope", False, kinds_text))
    return got, checks, findings
