"""cognito-spec: the wire truth of the Amazon Cognito user pools API (cognito-idp, awsJson1_1).

The root holds the verbs (``loads``, ``dumps``, ``validate``, ``parse_request``, ...) and the error
types; every generated class is reachable here too (``cs.AdminGetUserResponse``).  Everything is
imported on first use (a module ``__getattr__``, PEP 562), so ``import cognito_spec`` costs almost
nothing and one operation's first use imports that operation only.  See README.md for a tour.
"""

from __future__ import annotations

import importlib

# The typing module is not imported at run time: it is a good part of what importing the root would
# cost.  Type checkers treat a name TYPE_CHECKING as true whatever its value.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from cognito_spec.codec.converter import (
        configure_converter,
        dumps,
        from_wire,
        loads,
        make_converter,
        to_wire,
    )
    from cognito_spec.codec.violations import Violation
    from cognito_spec.errors import (
        ArgumentTypeError,
        ArgumentValueError,
        CaptureError,
        CognitoSpecError,
        DaskExtraMissingError,
        DecodeError,
        EncodeError,
        ErrorResponse,
        GenerationError,
        MessageFormatError,
        PatternError,
        ServiceError,
        TokenFormatError,
        TokenKeyError,
        TokensExtraMissingError,
        UnknownNameError,
        UnknownServiceError,
        UsageError,
        WireTypeError,
        WorkerError,
    )
    from cognito_spec.operations import (
        OPERATIONS,
        OPERATIONS_BY_TARGET,
        STRUCTURES,
        AuthKind,
        Operation,
        error_class,
        operation,
        structure,
    )
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
    from cognito_spec.schema import json_schema
    from cognito_spec.shapes import *  # noqa: F403 - type checkers see every generated class
    from cognito_spec.shapes import API_VERSION, BOTOCORE_VERSION, MODEL_VERSION
    from cognito_spec.traffic.check import ExchangeReport, Finding, examine, validate_exchange
    from cognito_spec.traffic.record import Exchange, write_har, write_jsonl
    from cognito_spec.traffic.redact import redact_exchange
    from cognito_spec.traffic.scope import ReadStats
    from cognito_spec.traffic.source import open_capture, read_capture
    from cognito_spec.validation.answers import invalid_parameter, service_error
    from cognito_spec.validation.messages import (
        ValidationItem,
        is_validation_message,
        message_items,
        parse_validation_message,
        same_message,
        validation_message,
    )
    from cognito_spec.validation.redact import REDACTED, redact
    from cognito_spec.validation.validate import validate

#: Where each name of the root lives (the layer that owns it).
_HOMES: Final[dict[str, str]] = {
    "ACCESS_TOKEN_EXPIRED": "cognito_spec.protocol.envelope",
    "ACCESS_TOKEN_MISSING_SCOPES": "cognito_spec.protocol.envelope",
    "ACCESS_TOKEN_REVOKED": "cognito_spec.protocol.envelope",
    "API_VERSION": "cognito_spec.shapes",
    "ArgumentTypeError": "cognito_spec.errors",
    "ArgumentValueError": "cognito_spec.errors",
    "AuthKind": "cognito_spec.operations",
    "BOTOCORE_VERSION": "cognito_spec.shapes",
    "CaptureError": "cognito_spec.errors",
    "CognitoSpecError": "cognito_spec.errors",
    "DaskExtraMissingError": "cognito_spec.errors",
    "DecodeError": "cognito_spec.errors",
    "EncodeError": "cognito_spec.errors",
    "ErrorResponse": "cognito_spec.errors",
    "Exchange": "cognito_spec.traffic.record",
    "ExchangeReport": "cognito_spec.traffic.check",
    "Finding": "cognito_spec.traffic.check",
    "GenerationError": "cognito_spec.errors",
    "INVALID_ACCESS_TOKEN": "cognito_spec.protocol.envelope",
    "MODEL_VERSION": "cognito_spec.shapes",
    "MessageFormatError": "cognito_spec.errors",
    "OPERATIONS": "cognito_spec.operations",
    "OPERATIONS_BY_TARGET": "cognito_spec.operations",
    "Operation": "cognito_spec.operations",
    "PatternError": "cognito_spec.errors",
    "REDACTED": "cognito_spec.validation.redact",
    "ReadStats": "cognito_spec.traffic.scope",
    "STRUCTURES": "cognito_spec.operations",
    "ServiceError": "cognito_spec.errors",
    "TOKEN_MESSAGES": "cognito_spec.protocol.envelope",
    "TokenFormatError": "cognito_spec.errors",
    "TokenKeyError": "cognito_spec.errors",
    "TokensExtraMissingError": "cognito_spec.errors",
    "UnknownNameError": "cognito_spec.errors",
    "UnknownServiceError": "cognito_spec.errors",
    "UsageError": "cognito_spec.errors",
    "ValidationItem": "cognito_spec.validation.messages",
    "Violation": "cognito_spec.codec.violations",
    "WireTypeError": "cognito_spec.errors",
    "WorkerError": "cognito_spec.errors",
    "configure_converter": "cognito_spec.codec.converter",
    "content_type_ok": "cognito_spec.protocol.server",
    "dumps": "cognito_spec.codec.converter",
    "error_class": "cognito_spec.operations",
    "examine": "cognito_spec.traffic.check",
    "from_wire": "cognito_spec.codec.converter",
    "invalid_parameter": "cognito_spec.validation.answers",
    "json_schema": "cognito_spec.schema",
    "loads": "cognito_spec.codec.converter",
    "make_converter": "cognito_spec.codec.converter",
    "message_items": "cognito_spec.validation.messages",
    "open_capture": "cognito_spec.traffic.source",
    "operation": "cognito_spec.operations",
    "parse_error": "cognito_spec.protocol.envelope",
    "parse_request": "cognito_spec.protocol.server",
    "parse_validation_message": "cognito_spec.validation.messages",
    "is_validation_message": "cognito_spec.validation.messages",
    "same_message": "cognito_spec.validation.messages",
    "read_capture": "cognito_spec.traffic.source",
    "redact": "cognito_spec.validation.redact",
    "redact_exchange": "cognito_spec.traffic.redact",
    "render_error": "cognito_spec.protocol.envelope",
    "render_response": "cognito_spec.protocol.server",
    "service_error": "cognito_spec.validation.answers",
    "structure": "cognito_spec.operations",
    "to_wire": "cognito_spec.codec.converter",
    "validate": "cognito_spec.validation.validate",
    "validate_exchange": "cognito_spec.traffic.check",
    "validation_message": "cognito_spec.validation.messages",
    "write_har": "cognito_spec.traffic.record",
    "write_jsonl": "cognito_spec.traffic.record",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        shapes = importlib.import_module("cognito_spec.shapes")
        if name not in shapes.MODULE_OF:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        home = "cognito_spec.shapes"
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    shapes = importlib.import_module("cognito_spec.shapes")
    return sorted({*globals(), *_HOMES, *shapes.MODULE_OF})


__all__ = [
    "ACCESS_TOKEN_EXPIRED",
    "ACCESS_TOKEN_MISSING_SCOPES",
    "ACCESS_TOKEN_REVOKED",
    "API_VERSION",
    "BOTOCORE_VERSION",
    "INVALID_ACCESS_TOKEN",
    "MODEL_VERSION",
    "OPERATIONS",
    "OPERATIONS_BY_TARGET",
    "REDACTED",
    "STRUCTURES",
    "TOKEN_MESSAGES",
    "ArgumentTypeError",
    "ArgumentValueError",
    "AuthKind",
    "CaptureError",
    "CognitoSpecError",
    "DaskExtraMissingError",
    "DecodeError",
    "EncodeError",
    "ErrorResponse",
    "Exchange",
    "ExchangeReport",
    "Finding",
    "GenerationError",
    "MessageFormatError",
    "Operation",
    "PatternError",
    "ReadStats",
    "ServiceError",
    "TokenFormatError",
    "TokenKeyError",
    "TokensExtraMissingError",
    "UnknownNameError",
    "UnknownServiceError",
    "UsageError",
    "ValidationItem",
    "Violation",
    "WireTypeError",
    "WorkerError",
    "configure_converter",
    "content_type_ok",
    "dumps",
    "error_class",
    "examine",
    "from_wire",
    "invalid_parameter",
    "is_validation_message",
    "json_schema",
    "loads",
    "make_converter",
    "message_items",
    "open_capture",
    "operation",
    "parse_error",
    "parse_request",
    "parse_validation_message",
    "read_capture",
    "redact",
    "redact_exchange",
    "render_error",
    "render_response",
    "same_message",
    "service_error",
    "structure",
    "to_wire",
    "validate",
    "validate_exchange",
    "validation_message",
    "write_har",
    "write_jsonl",
]
