"""The operation registry: what each operation sends, returns and may fail with.

The rows themselves are generated (``cognito_spec.shapes.OPERATION_ROWS``); this module defines the
record and the look-ups.  Code that handles "any operation" iterates :data:`OPERATIONS` instead of
naming operations, so adding one to the generator is all it takes to cover it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    from cognito_spec.errors import ServiceError

__all__ = ["AuthKind", "Operation", "operation_for_target"]

#: ``sigv4``: a signed IAM call (``Authorization`` header).  ``access_token``: an unsigned call that
#: carries the user's access token in the body.  ``none``: unsigned without a token.
AuthKind = Literal["sigv4", "access_token", "none"]


@attrs.frozen
class Operation:
    """One operation of the model."""

    name: str
    #: The ``X-Amz-Target`` header value, ``AWSCognitoIdentityProviderService.<Name>``.
    target: str
    input: type
    output: type | None
    #: Every error the operation may return: the model's list, then the service-level errors.
    errors: tuple[type[ServiceError], ...]
    auth: AuthKind
    documentation_url: str

    def error_for_code(self, code: str) -> type[ServiceError] | None:
        """The error class for a wire code, if this operation may return it."""
        for cls in self.errors:
            if cls.code == code:
                return cls
        return None


def _build() -> tuple[Mapping[str, Operation], Mapping[str, Operation]]:
    from cognito_spec.shapes import OPERATION_ROWS

    by_name = MappingProxyType({op.name: op for op in OPERATION_ROWS})
    by_target = MappingProxyType({op.target: op for op in OPERATION_ROWS})
    return by_name, by_target


def operation_for_target(target: str) -> Operation | None:
    """The operation an ``X-Amz-Target`` header names, or None (the match is exact, as the service's)."""
    from cognito_spec import OPERATIONS_BY_TARGET

    return OPERATIONS_BY_TARGET.get(target)
