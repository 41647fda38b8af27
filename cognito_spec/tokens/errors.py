"""The errors of the token layer (the lead moves them into ``cognito_spec/errors.py``).

::

    CognitoSpecError
    ├── TokenFormatError (ValueError)            a token cannot be read: segments, base64url, JSON, claims
    ├── TokenKeyError (ValueError)               a signing key or a JWKS document cannot be used
    └── TokensExtraMissingError (ImportError)    signing or verifying needs ``cognito-spec[tokens]``

Judging a token never raises these: whatever is wrong with it, the service's answer is a
``NotAuthorizedException``.  Messages name a segment or a claim, never a value: a token carries a
user's identity, and a key is a secret.
"""

from __future__ import annotations

from cognito_spec.errors import CognitoSpecError

__all__ = ["TokenFormatError", "TokenKeyError", "TokensExtraMissingError"]


class TokenFormatError(CognitoSpecError, ValueError):
    """A token cannot be read: not three base64url segments, JSON that is not an object, a claim
    missing or of the wrong type, a time outside the datetime range.

    ``reason`` says what is wrong; ``claim`` names the claim (or header member) concerned, when one
    is.  Neither ever contains a value from the token.
    """

    def __init__(self, reason: str, *, claim: str | None = None) -> None:
        self.reason = reason
        self.claim = claim
        super().__init__(reason, claim)

    def __str__(self) -> str:
        return f"claim {self.claim!r}: {self.reason}" if self.claim else self.reason

    def __reduce__(self) -> tuple[object, ...]:  # keyword-only argument: pickle needs help
        return (_rebuild_format_error, (self.reason, self.claim))


def _rebuild_format_error(reason: str, claim: str | None) -> TokenFormatError:
    return TokenFormatError(reason, claim=claim)


class TokenKeyError(CognitoSpecError, ValueError):
    """A signing key or a JWKS document cannot be used (not RSA, too short, not PEM, no ``kid``)."""


class TokensExtraMissingError(CognitoSpecError, ImportError):
    """Signing and verifying tokens needs the optional JOSE library: ``pip install 'cognito-spec[tokens]'``.

    Reading a token without its key (``decode_unverified``) needs nothing extra.
    """
