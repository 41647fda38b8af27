"""Redaction of a whole exchange (``cognito-spec redact``): sensitive values masked, nothing else changed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

import attrs

from cognito_spec.codec.body import decode_body
from cognito_spec.errors import DecodeError
from cognito_spec.operations import error_class, operation_for_target
from cognito_spec.protocol.headers import header_map
from cognito_spec.traffic.fast import code_of
from cognito_spec.traffic.record import Exchange, Headers
from cognito_spec.traffic.scope import skip_reason
from cognito_spec.validation.redact import REDACTED, redact

if TYPE_CHECKING:
    from cognito_spec.operations import Operation


# Redaction of a whole exchange (cognito-spec redact).


def _mask_all(value: Any) -> Any:
    """Every string of a value masked: for bodies of operations this model does not describe."""
    if isinstance(value, str):
        return REDACTED
    if isinstance(value, dict):
        return {k: _mask_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_all(v) for v in value]
    return value


#: Headers whose values are credentials; :func:`redact_exchange` masks them along with the bodies.
SENSITIVE_HEADERS: Final = frozenset(
    {"authorization", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization"}
)


def _redact_body(body: bytes | None, cls: type | None) -> bytes | None:
    if body is None or len(body) == 0:
        return body
    try:
        data = decode_body(body)
    except DecodeError:
        # Unreadable JSON may still hold a token: the whole body goes.  The copy stays unreadable,
        # so it validates with the same kind of finding.
        return REDACTED.encode()
    masked = redact(data, cls) if cls is not None and type(data) is dict else _mask_all(data)
    return json.dumps(masked, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


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


def _mask_headers(headers: Headers) -> Headers:
    return tuple((k, REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers)


def redact_exchange(ex: Exchange) -> Exchange:
    """A copy of an exchange with every sensitive member of both bodies masked, and credential headers.

    Credential headers (:data:`SENSITIVE_HEADERS`) are masked in every exchange.  Bodies of covered
    operations are masked member by member from the model (tokens, user names, attribute values
    become ``REDACTED``, which still matches their patterns, so the copy validates like the
    original).  Bodies of Cognito operations this model does not cover, whose sensitive members are
    unknown here, have every string masked; so do error bodies of unknown codes.  The bodies of
    traffic that is not Cognito's are left as they are.
    """
    masked = attrs.evolve(
        ex,
        request_headers=_mask_headers(ex.request_headers),
        response_headers=_mask_headers(ex.response_headers),
    )
    if skip_reason(ex) in ("preflight", "not_cognito"):
        return masked if masked != ex else ex
    target = header_map(ex.request_headers).get("x-amz-target")
    op = operation_for_target(target.strip()) if target is not None else None
    return attrs.evolve(
        masked,
        request_body=_redact_body(ex.request_body, op.input if op is not None else None),
        response_body=_redact_body(ex.response_body, _response_class(ex, op)),
    )


__all__ = ["redact_exchange"]
