"""cognito-spec: the wire truth of the Amazon Cognito user pools API (cognito-idp, awsJson1_1).

Typed request, response and error classes generated from the pinned AWS model, an exact codec, JSON
Schemas and validation.  See README.md for a tour.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from cognito_spec.codec.converter import configure_converter, dumps, from_wire, loads, make_converter, to_wire
from cognito_spec.codec.violations import Violation
from cognito_spec.errors import (
    CognitoSpecError,
    DecodeError,
    EncodeError,
    ErrorResponse,
    MessageFormatError,
    ServiceError,
    UnknownServiceError,
)
from cognito_spec.operations import AuthKind, Operation
from cognito_spec.patterns import PatternError
from cognito_spec.protocol.envelope import (
    ACCESS_TOKEN_EXPIRED,
    ACCESS_TOKEN_MISSING_SCOPES,
    ACCESS_TOKEN_REVOKED,
    INVALID_ACCESS_TOKEN,
    TOKEN_MESSAGES,
    parse_error,
    render_error,
)
from cognito_spec.protocol.server import content_type_ok, parse_request, render_response
from cognito_spec.shapes import *  # noqa: F403 - the generated classes are the public surface
from cognito_spec.shapes import OPERATION_ROWS, STRUCTURES
from cognito_spec.shapes import __all__ as _shape_names
from cognito_spec.traffic.capture import (
    CaptureError,
    Exchange,
    ReadStats,
    open_capture,
    read_capture,
    write_har,
    write_jsonl,
)
from cognito_spec.traffic.check import ExchangeReport, Finding, examine, redact_exchange, validate_exchange
from cognito_spec.validation.validate import (
    REDACTED,
    ValidationItem,
    invalid_parameter,
    message_items,
    parse_validation_message,
    redact,
    service_error,
    validate,
    validation_message,
)

#: Every operation by name.
OPERATIONS: Final[Mapping[str, Operation]] = MappingProxyType({op.name: op for op in OPERATION_ROWS})
#: Every operation by its ``X-Amz-Target`` header value.
OPERATIONS_BY_TARGET: Final[Mapping[str, Operation]] = MappingProxyType(
    {op.target: op for op in OPERATION_ROWS}
)


def json_schema(cls: type) -> dict[str, object]:
    """The JSON Schema (Draft 2020-12) of a generated class; see :mod:`cognito_spec.schema`."""
    from cognito_spec.schema import json_schema as _json_schema

    return _json_schema(cls)


__all__ = [  # noqa: PLE0604 - the shape names are generated
    "ACCESS_TOKEN_EXPIRED",
    "ACCESS_TOKEN_MISSING_SCOPES",
    "ACCESS_TOKEN_REVOKED",
    "INVALID_ACCESS_TOKEN",
    "OPERATIONS",
    "OPERATIONS_BY_TARGET",
    "REDACTED",
    "STRUCTURES",
    "TOKEN_MESSAGES",
    "AuthKind",
    "CaptureError",
    "CognitoSpecError",
    "DecodeError",
    "EncodeError",
    "ErrorResponse",
    "Exchange",
    "ExchangeReport",
    "Finding",
    "MessageFormatError",
    "Operation",
    "PatternError",
    "ReadStats",
    "ServiceError",
    "UnknownServiceError",
    "ValidationItem",
    "Violation",
    "configure_converter",
    "content_type_ok",
    "dumps",
    "examine",
    "from_wire",
    "invalid_parameter",
    "json_schema",
    "loads",
    "make_converter",
    "message_items",
    "open_capture",
    "parse_error",
    "parse_request",
    "parse_validation_message",
    "read_capture",
    "redact",
    "redact_exchange",
    "render_error",
    "render_response",
    "service_error",
    "to_wire",
    "validate",
    "validate_exchange",
    "validation_message",
    "write_har",
    "write_jsonl",
    *_shape_names,
]
