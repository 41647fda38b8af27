"""The token layer's errors live with every other library error, in :mod:`cognito_spec.errors`.

Judging a token never raises them: whatever is wrong with it, the service's answer is a
``NotAuthorizedException``.  Messages name a segment or a claim, never a value.
"""

from cognito_spec.errors import TokenFormatError, TokenKeyError, TokensExtraMissingError

__all__ = ["TokenFormatError", "TokenKeyError", "TokensExtraMissingError"]
