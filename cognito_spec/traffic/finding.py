"""What a capture check reports: one :class:`Finding` per problem, an :class:`ExchangeReport` per exchange.

A finding's ``kind`` and ``message`` are the same for the same cause in every exchange, so a report
can group them; what differs from one exchange to the next (the value, the header as sent, the
status) is in ``detail``.  :mod:`cognito_spec.traffic.check` makes them.

Finding kinds (stable strings), with their severity and :attr:`Finding.side`:

=========================  ========  =======  ==================================================
kind                       severity  side     meaning
=========================  ========  =======  ==================================================
required, type, length_*,  error     client,  a member breaks the input shape (location
pattern, enum, range_*,              server   ``request``, side client) or the output or error
timestamp_range,                              shape (``response``, side server): the validation
malformed_json,                               kinds of :class:`~cognito_spec.codec.violations.Violation`.
invalid_utf8                                  A request's are warnings with ``expected`` set when
                                              the response refuses it as the service does
unknown_member             warning   client,  a member the pinned model does not know (new, or a
                                     server   typo); the service ignores it in a request
duplicate_key              warning   client,  a repeated key in an object (readers keep the last)
                                     server
unknown_operation          error     client   X-Amz-Target of the service's prefix naming an
                                              operation the model lacks: the service answers
                                              UnknownOperationException (400), and the response
                                              is checked against that envelope
missing_target             error     client   no X-Amz-Target on a request the exchange shows is
                                              for Cognito (traffic/scope.py): the same answer
foreign_target             error     client   another service's X-Amz-Target sent to an endpoint
                                              that serves Cognito user pools alone: the same answer
method                     error     client   the request is not a POST
content_type               error     client,  Content-Type is not ``application/x-amz-json-1.1``:
                                     server   a request the service cannot route (client), or a
                                              response, success or error, labelled with another
                                              type or none (server)
authorization              warning   client   an IAM-authorised (SigV4) operation without
                                              ``Authorization``
json_content_type          warning   server   a response labelled ``application/json``
request_id                 error     server   the response has no ``x-amzn-RequestId`` header
request_id_format          warning   server   the request id is not a UUID, as the service's are
status                     error     server   a status the service does not send for this response
model_http_status          warning   server   an error status taken from the model's httpError trait
error_code                 error     server   an error without a code, or header and body
                                              disagreeing
error_header               warning   server   an error without ``X-Amzn-ErrorType`` or ``__type``
error_type_format          warning   server   ``x-amzn-ErrorType`` not written ``<Code>:`` (no
                                              colon, a URL or a namespace), or a ``__type`` with a
                                              namespace: clients read both, the service sends
                                              neither
error_message_header       warning   server   an error with a message but no
                                              ``x-amzn-ErrorMessage``, or one that differs from the
                                              body's message
undeclared_error           error     server   an error code the operation cannot return
rejection_expected         error     server   the request breaks the model, but the response is not
                                              the error the service answers it with
validation_message         warning   server   the right InvalidParameterException, another message
token_invalid_accepted     error     server   a success for an access token the service cannot
                                              read (not an RS256 JWT with its claims): it answers
                                              NotAuthorizedException ``Invalid Access Token``
id_token_accepted          error     server   a success for an ID token sent as the access token
                                              (``Invalid Access Token``)
token_expired_accepted     error     server   a success for an access token expired at the
                                              exchange's ``started`` (``now >= exp``):
                                              ``Access Token has expired``
token_scope_accepted       error     server   a success for an access token without
                                              ``aws.cognito.signin.user.admin``: ``Access Token
                                              does not have required scopes``
token_message              warning   server   a NotAuthorizedException for a token-authorised
                                              operation whose message is not the service's for
                                              that token, or none of its four token messages
token_time_unknown         warning   capture  a success for a good-looking access token in an
                                              exchange without ``started``: expiry not judged
issued_token, expires_in,  error     server   an AuthenticationResult whose tokens the service
token_type, token_issuer                      would not issue (see traffic/tokens.py; runs for
                                              every operation with that output: InitiateAuth,
                                              RespondToAuthChallenge, GetTokensFromRefreshToken
                                              and the Admin forms)
body_missing               warning   capture  the capture did not keep a body (no text, or an empty
                                              one where Content-Length announces one)
no_response                warning   capture  the capture holds no response (HAR status 0 too)
=========================  ========  =======  ==================================================

The token kinds (:mod:`cognito_spec.traffic.tokens`) need no key: they judge the claims at the
time the exchange was captured, as :func:`cognito_spec.tokens.judge_access_token` does, and never
quote the token or a claim.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from cognito_spec.codec.violations import Violation, json_pointer, member_path

__all__ = [
    "CAPTURE_KINDS",
    "ExchangeReport",
    "Finding",
    "Location",
    "Severity",
    "Side",
    "short",
    "violation_finding",
]

Severity = Literal["error", "warning"]
#: Where: ``request`` (the request: method, headers, body), ``response`` (the response body) or
#: ``envelope`` (the response's status and headers).
Location = Literal["request", "response", "envelope"]
#: Whom a finding is about: ``client`` (the request the client sent), ``server`` (the answer the
#: server gave, envelope included) or ``capture`` (the recording itself: a body the tool did not keep,
#: a response it did not record).
Side = Literal["client", "server", "capture"]

#: Finding kinds that describe the recording, not the traffic.
CAPTURE_KINDS: Final = frozenset({"body_missing", "no_response", "token_time_unknown"})


@attrs.frozen
class Finding:
    """One problem of an exchange.

    ``pointer`` (RFC 6901) and ``member_path`` (the service's spelling, ``userAttributes.1.member.name``)
    locate a body finding; ``header`` names the header an envelope finding is about.  ``message``
    says what is wrong in words that depend only on the cause; ``detail`` holds what this exchange
    showed of it (the value, the header as sent, the status), or is empty.  Both are already
    redacted unless the finding was made with ``reveal=True``: a sensitive value, a credential
    header or a captured error message never appears in them otherwise.
    """

    severity: Severity
    kind: str
    location: Location
    message: str
    pointer: str = ""
    member_path: str = ""
    header: str | None = None
    #: True for a client's finding whose refusal the capture shows, as the service refuses it: the
    #: request breaks the model and the response is the service's answer to that.  Such a finding
    #: is a warning, and nothing in the exchange departs from the service.
    expected: bool = False
    detail: str = ""

    @property
    def side(self) -> Side:
        """Whom the finding is about (see :data:`Side`): the capture for what the recording did not
        keep, the client for anything in the request (its headers included), the server for the
        rest (the response's status, headers and body, and a refusal that did not come)."""
        if self.kind in CAPTURE_KINDS:
            return "capture"
        return "client" if self.location == "request" else "server"

    @property
    def path(self) -> str:
        """Where, in one word: the header name, the JSON pointer, or ``/`` for a whole body."""
        if self.header is not None:
            return self.header
        return self.pointer or "/"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record with a fixed set of keys (``header`` is null when not about one)."""
        return {
            "severity": self.severity,
            "kind": self.kind,
            "location": self.location,
            "pointer": self.pointer,
            "member_path": self.member_path,
            "header": self.header,
            "side": self.side,
            "expected": self.expected,
            "message": self.message,
            "detail": self.detail,
        }


@attrs.frozen
class ExchangeReport:
    """The findings of one exchange, with the operation it called (None when it names none)."""

    operation: str | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def valid(self) -> bool:
        return self.errors == 0


# --------------------------------------------------------------------------------------------------
# A broken constraint as a finding.

#: Violation kinds whose value says nothing more than the kind (or is not there to say).
_VALUELESS_KINDS: Final = frozenset({"required", "unknown_member", "duplicate_key"})
#: The body-level violations: one message each, the parser's account (a position) as the detail.
_BODY_MESSAGES: Final = {
    "malformed_json": "the body is not valid JSON",
    "invalid_utf8": "the body is not valid UTF-8",
}


def short(text: object, limit: int = 80) -> str:
    s = repr(text)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def violation_finding(v: Violation, location: Location, reveal: bool) -> Finding:
    """A finding of a broken constraint: the constraint in ``message``, the value in ``detail``.

    The message is the violation described as if its member were sensitive and without its own
    ``detail``, so it never carries a value.  The value goes into ``detail`` only when it may be
    shown: with ``reveal``, or when the member is not sensitive and the value is a scalar.  A list
    or an object is never quoted unasked, even at a member that is not sensitive: it may hold
    members that are (an ``AttributeType`` list sent as one object holds an attribute value).
    """
    body_message = _BODY_MESSAGES.get(v.kind)
    if body_message is not None:
        # The parser's own words (its position, "nesting too deep", a byte-order mark): no content.
        message, detail = body_message, v.detail or ""
    else:
        message = attrs.evolve(v, sensitive=True, detail=None).describe()
        detail = ""
        if v.value is not None and v.kind not in _VALUELESS_KINDS:
            scalar = isinstance(v.value, str | int | float | Decimal)  # bool is an int
            if reveal or (scalar and not v.sensitive and v.kind != "type"):
                detail = short(v.value)
        if reveal and v.detail:
            detail = f"{detail} ({v.detail})" if detail else v.detail
    return Finding(
        v.severity, v.kind, location, message, json_pointer(v.path), member_path(v.path), detail=detail
    )
