"""cognito-spec: the wire truth of the Amazon Cognito user pools API (cognito-idp, awsJson1_1).

Typed request, response and error classes generated from the pinned AWS model, an exact codec, JSON
Schemas and validation.  See README.md for a tour.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from cognito_spec.errors import CognitoSpecError, DecodeError, EncodeError, ServiceError
from cognito_spec.operations import AuthKind, Operation
from cognito_spec.patterns import PatternError
from cognito_spec.shapes import *  # noqa: F403 - the generated classes are the public surface
from cognito_spec.shapes import OPERATION_ROWS, STRUCTURES
from cognito_spec.shapes import __all__ as _shape_names
from cognito_spec.wire import configure_converter, dumps, from_wire, loads, make_converter, to_wire

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
    "OPERATIONS",
    "OPERATIONS_BY_TARGET",
    "STRUCTURES",
    "AuthKind",
    "CognitoSpecError",
    "DecodeError",
    "EncodeError",
    "Operation",
    "PatternError",
    "ServiceError",
    "configure_converter",
    "dumps",
    "from_wire",
    "json_schema",
    "loads",
    "make_converter",
    "to_wire",
    *_shape_names,
]
