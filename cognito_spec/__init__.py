"""cognito-spec: the wire truth of the Amazon Cognito user pools API (cognito-idp, awsJson1_1).

The root holds the verbs (``loads``, ``dumps``, ``validate``, ``parse_request``, ...) and the error
types; every generated class is reachable here too (``cs.AdminGetUserResponse``).  Everything is
imported on first use (a module ``__getattr__``, PEP 562), so ``import cognito_spec`` costs almost
nothing and one operation's first use imports that operation only.  See README.md for a tour.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from cognito_spec.codec.converter import (
        configure_converter as configure_converter,
    )
    from cognito_spec.codec.converter import (
        dumps as dumps,
    )
    from cognito_spec.codec.converter import (
        from_wire as from_wire,
    )
    from cognito_spec.codec.converter import (
        loads as loads,
    )
    from cognito_spec.codec.converter import (
        make_converter as make_converter,
    )
    from cognito_spec.codec.converter import (
        to_wire as to_wire,
    )
    from cognito_spec.codec.violations import (
        Violation as Violation,
    )
    from cognito_spec.errors import (
        ArgumentTypeError as ArgumentTypeError,
    )
    from cognito_spec.errors import (
        ArgumentValueError as ArgumentValueError,
    )
    from cognito_spec.errors import (
        CaptureError as CaptureError,
    )
    from cognito_spec.errors import (
        CognitoSpecError as CognitoSpecError,
    )
    from cognito_spec.errors import (
        DecodeError as DecodeError,
    )
    from cognito_spec.errors import (
        EncodeError as EncodeError,
    )
    from cognito_spec.errors import (
        ErrorResponse as ErrorResponse,
    )
    from cognito_spec.errors import (
        GenerationError as GenerationError,
    )
    from cognito_spec.errors import (
        MessageFormatError as MessageFormatError,
    )
    from cognito_spec.errors import (
        PatternError as PatternError,
    )
    from cognito_spec.errors import (
        ServiceError as ServiceError,
    )
    from cognito_spec.errors import (
        UnknownNameError as UnknownNameError,
    )
    from cognito_spec.errors import (
        UnknownServiceError as UnknownServiceError,
    )
    from cognito_spec.errors import (
        UsageError as UsageError,
    )
    from cognito_spec.errors import (
        WireTypeError as WireTypeError,
    )
    from cognito_spec.operations import (
        OPERATIONS as OPERATIONS,
    )
    from cognito_spec.operations import (
        OPERATIONS_BY_TARGET as OPERATIONS_BY_TARGET,
    )
    from cognito_spec.operations import (
        STRUCTURES as STRUCTURES,
    )
    from cognito_spec.operations import (
        AuthKind as AuthKind,
    )
    from cognito_spec.operations import (
        Operation as Operation,
    )
    from cognito_spec.operations import (
        error_class as error_class,
    )
    from cognito_spec.operations import (
        operation as operation,
    )
    from cognito_spec.operations import (
        structure as structure,
    )
    from cognito_spec.protocol.envelope import (
        ACCESS_TOKEN_EXPIRED as ACCESS_TOKEN_EXPIRED,
    )
    from cognito_spec.protocol.envelope import (
        ACCESS_TOKEN_MISSING_SCOPES as ACCESS_TOKEN_MISSING_SCOPES,
    )
    from cognito_spec.protocol.envelope import (
        ACCESS_TOKEN_REVOKED as ACCESS_TOKEN_REVOKED,
    )
    from cognito_spec.protocol.envelope import (
        INVALID_ACCESS_TOKEN as INVALID_ACCESS_TOKEN,
    )
    from cognito_spec.protocol.envelope import (
        TOKEN_MESSAGES as TOKEN_MESSAGES,
    )
    from cognito_spec.protocol.envelope import (
        parse_error as parse_error,
    )
    from cognito_spec.protocol.envelope import (
        render_error as render_error,
    )
    from cognito_spec.protocol.server import (
        content_type_ok as content_type_ok,
    )
    from cognito_spec.protocol.server import (
        parse_request as parse_request,
    )
    from cognito_spec.protocol.server import (
        render_response as render_response,
    )
    from cognito_spec.schema import (
        json_schema as json_schema,
    )
    from cognito_spec.shapes import *  # noqa: F403 - type checkers see every generated class
    from cognito_spec.shapes import (
        API_VERSION as API_VERSION,
    )
    from cognito_spec.shapes import (
        BOTOCORE_VERSION as BOTOCORE_VERSION,
    )
    from cognito_spec.shapes import (
        MODEL_VERSION as MODEL_VERSION,
    )
    from cognito_spec.traffic.capture import (
        Exchange as Exchange,
    )
    from cognito_spec.traffic.capture import (
        ReadStats as ReadStats,
    )
    from cognito_spec.traffic.capture import (
        open_capture as open_capture,
    )
    from cognito_spec.traffic.capture import (
        read_capture as read_capture,
    )
    from cognito_spec.traffic.capture import (
        write_har as write_har,
    )
    from cognito_spec.traffic.capture import (
        write_jsonl as write_jsonl,
    )
    from cognito_spec.traffic.check import (
        ExchangeReport as ExchangeReport,
    )
    from cognito_spec.traffic.check import (
        Finding as Finding,
    )
    from cognito_spec.traffic.check import (
        examine as examine,
    )
    from cognito_spec.traffic.check import (
        redact_exchange as redact_exchange,
    )
    from cognito_spec.traffic.check import (
        validate_exchange as validate_exchange,
    )
    from cognito_spec.validation.validate import (
        REDACTED as REDACTED,
    )
    from cognito_spec.validation.validate import (
        ValidationItem as ValidationItem,
    )
    from cognito_spec.validation.validate import (
        invalid_parameter as invalid_parameter,
    )
    from cognito_spec.validation.validate import (
        message_items as message_items,
    )
    from cognito_spec.validation.validate import (
        parse_validation_message as parse_validation_message,
    )
    from cognito_spec.validation.validate import (
        redact as redact,
    )
    from cognito_spec.validation.validate import (
        service_error as service_error,
    )
    from cognito_spec.validation.validate import (
        validate as validate,
    )
    from cognito_spec.validation.validate import (
        validation_message as validation_message,
    )

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
    "DecodeError": "cognito_spec.errors",
    "EncodeError": "cognito_spec.errors",
    "ErrorResponse": "cognito_spec.errors",
    "Exchange": "cognito_spec.traffic.capture",
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
    "REDACTED": "cognito_spec.validation.validate",
    "ReadStats": "cognito_spec.traffic.capture",
    "STRUCTURES": "cognito_spec.operations",
    "ServiceError": "cognito_spec.errors",
    "TOKEN_MESSAGES": "cognito_spec.protocol.envelope",
    "UnknownNameError": "cognito_spec.errors",
    "UnknownServiceError": "cognito_spec.errors",
    "UsageError": "cognito_spec.errors",
    "ValidationItem": "cognito_spec.validation.validate",
    "Violation": "cognito_spec.codec.violations",
    "WireTypeError": "cognito_spec.errors",
    "configure_converter": "cognito_spec.codec.converter",
    "content_type_ok": "cognito_spec.protocol.server",
    "dumps": "cognito_spec.codec.converter",
    "error_class": "cognito_spec.operations",
    "examine": "cognito_spec.traffic.check",
    "from_wire": "cognito_spec.codec.converter",
    "invalid_parameter": "cognito_spec.validation.validate",
    "json_schema": "cognito_spec.schema",
    "loads": "cognito_spec.codec.converter",
    "make_converter": "cognito_spec.codec.converter",
    "message_items": "cognito_spec.validation.validate",
    "open_capture": "cognito_spec.traffic.capture",
    "operation": "cognito_spec.operations",
    "parse_error": "cognito_spec.protocol.envelope",
    "parse_request": "cognito_spec.protocol.server",
    "parse_validation_message": "cognito_spec.validation.validate",
    "read_capture": "cognito_spec.traffic.capture",
    "redact": "cognito_spec.validation.validate",
    "redact_exchange": "cognito_spec.traffic.check",
    "render_error": "cognito_spec.protocol.envelope",
    "render_response": "cognito_spec.protocol.server",
    "service_error": "cognito_spec.validation.validate",
    "structure": "cognito_spec.operations",
    "to_wire": "cognito_spec.codec.converter",
    "validate": "cognito_spec.validation.validate",
    "validate_exchange": "cognito_spec.traffic.check",
    "validation_message": "cognito_spec.validation.validate",
    "write_har": "cognito_spec.traffic.capture",
    "write_jsonl": "cognito_spec.traffic.capture",
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
    "UnknownNameError",
    "UnknownServiceError",
    "UsageError",
    "ValidationItem",
    "Violation",
    "WireTypeError",
    "configure_converter",
    "content_type_ok",
    "dumps",
    "error_class",
    "examine",
    "from_wire",
    "invalid_parameter",
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
    "service_error",
    "structure",
    "to_wire",
    "validate",
    "validate_exchange",
    "validation_message",
    "write_har",
    "write_jsonl",
]
