"""The service's first question about a routed call: does it carry the SigV4 signature its operation needs.

Sans-IO, and only presence and form: this library never holds a secret access key, so it cannot
tell a right signature from a wrong one.  An emulator that wants to can verify further with the
parts :func:`authenticate` returns (it would answer a wrong signature with
``InvalidSignatureException``, an unknown key with ``UnrecognizedClientException``).

The rules and their evidence:

* Operations are signed or not as the registry's ``op.auth`` says: ``sigv4`` operations (the
  ``Admin*`` family and the rest of the IAM-authorised API) need an ``Authorization`` header of
  scheme ``AWS4-HMAC-SHA256`` with ``Credential``, ``SignedHeaders`` and ``Signature``, and an
  ``X-Amz-Date`` (or ``Date``) header.  ``access_token`` and ``none`` operations are unsigned in the
  model, and a signed call to them is not a fault (their model trait is ``optionalAuth``); their
  signature, if any, is returned but never refused.  ``optional`` operations (GetClientToken,
  GetDerivedToken: SigV4 in the model, taken unsigned by the service, the overlay's exceptions) are
  treated the same way.
* No ``Authorization`` header at all: ``MissingAuthenticationTokenException``, message
  ``Missing Authentication Token``.  The code was reported for an unsigned cognito-idp ListUsers
  (aws/aws-sdk-cpp#1622), the message for unsigned AdminCreateUser and ListUsers calls
  (aws/aws-aspnet-cognito-identity-provider#155 with anonymous credentials,
  aws/aws-sdk-net-extensions-cognito#95).  [I] The status, 400: no capture shows it; AWS's
  generic common-errors page says 403, but that page is written for query-protocol services, and
  cognito-idp answers every other client error seen on the wire with 400 (UnrecognizedClient,
  NotAuthorized, ... even where its model says 403), as DynamoDB, another service behind the same
  JSON front end, answers this one.  [I] The body spells the code bare, as cognito-idp spells
  ``UnrecognizedClientException``.
* An ``Authorization`` header without the parts: ``IncompleteSignatureException``.  [I] Its
  message: one sentence per missing part, in the AWS front end's words (seen verbatim from an AWS
  endpoint in nordcloud/cognitocurl#15, API Gateway, given a bare JWT as ``Authorization``).  The
  service adds `` Authorization=<the header's value>``; that echo is left out here on purpose: the
  header carries the caller's key id, and a mistaken caller puts a token there.
* [I] An empty ``Authorization`` header counts as none.  The order of the checks is routing first
  (the signature rule depends on the operation), then this, then the body: the front end refuses
  an unsigned call before it reads the input, so an unsigned AdminGetUser with a bad user pool id
  is told it is unsigned, not that its input is invalid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from cognito_spec.errors import ServiceError, UnknownServiceError
from cognito_spec.operations import error_class
from cognito_spec.protocol.headers import HeadersLike, header_map

if TYPE_CHECKING:
    from cognito_spec.operations import Operation

__all__ = [
    "INCOMPLETE_SIGNATURE",
    "MISSING_AUTHENTICATION_TOKEN",
    "SIGV4_ALGORITHM",
    "SigV4",
    "authenticate",
    "check_signature",
    "signature_of",
]

#: The one signing algorithm of SigV4 headers (``Authorization: AWS4-HMAC-SHA256 Credential=...``).
SIGV4_ALGORITHM: Final = "AWS4-HMAC-SHA256"
#: The code and message of the answer to an unsigned call to a signed operation.
MISSING_AUTHENTICATION_TOKEN: Final = ("MissingAuthenticationTokenException", "Missing Authentication Token")
#: The code of the answer to a signature that lacks parts.
INCOMPLETE_SIGNATURE: Final = "IncompleteSignatureException"

# The front end's sentence for each missing part, in the order it lists them.
_MISSING_PART: Final = (
    ("credential", "Authorization header requires 'Credential' parameter."),
    ("signature", "Authorization header requires 'Signature' parameter."),
    ("signedheaders", "Authorization header requires 'SignedHeaders' parameter."),
)
_MISSING_DATE: Final = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."


def _signature_repr(value: str) -> str:
    return f"<{len(value)} characters>"


@attrs.frozen(kw_only=True)
class SigV4:
    """The parts of a SigV4 ``Authorization`` header, for an emulator that verifies signatures.

    ``credential`` is ``<access key id>/<yyyymmdd>/<region>/<service>/aws4_request`` as sent (not
    checked further); ``signed_headers`` the lower-case names it lists; ``date`` the ``X-Amz-Date``
    value (or ``Date``).  The signature is hidden from ``repr``.
    """

    credential: str
    signed_headers: tuple[str, ...]
    signature: str = attrs.field(repr=_signature_repr)
    date: str

    @property
    def access_key_id(self) -> str:
        return self.credential.partition("/")[0]


def _parts(value: str) -> dict[str, str]:
    """The ``Name=value`` parameters of an ``AWS4-HMAC-SHA256`` header (names lower-cased); none for
    another scheme.  Parameters are separated by commas, with or without spaces, as SDKs write them."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme != SIGV4_ALGORITHM:
        return {}
    found: dict[str, str] = {}
    for item in rest.split(","):
        name, eq, val = item.strip().partition("=")
        if eq and val.strip():
            found.setdefault(name.strip().lower(), val.strip())
    return found


def _refusal(code: str, message: str) -> ServiceError:
    # The registry's class when the model (or its overlay) knows the code; until then a
    # ServiceError that renders the same status, x-amzn-ErrorType and body.
    cls = error_class(code)
    return cls(message) if cls is not None else UnknownServiceError(code, message, status=400)


def signature_of(h: dict[str, str]) -> SigV4 | ServiceError | None:
    """What the normalised headers ``h`` sign with: the parts, the error that refuses them, or None
    when there is no ``Authorization`` header at all.  Never raises."""
    value = h.get("authorization", "").strip()
    if not value:
        return None
    parts = _parts(value)
    date = h.get("x-amz-date", "").strip() or h.get("date", "").strip()
    missing = [sentence for name, sentence in _MISSING_PART if name not in parts]
    if not date:
        missing.append(_MISSING_DATE)
    if missing:
        return _refusal(INCOMPLETE_SIGNATURE, " ".join(missing))
    return SigV4(
        credential=parts["credential"],
        signed_headers=tuple(n for n in parts["signedheaders"].lower().split(";") if n),
        signature=parts["signature"],
        date=date,
    )


def authenticate(op: Operation, headers: HeadersLike | None) -> SigV4 | None:
    """The SigV4 parts of a call to ``op``, or None for an unsigned call to an unsigned operation.

    Raises the service's answer for a ``sigv4`` operation called without a signature
    (``MissingAuthenticationTokenException``) or with one that lacks parts
    (``IncompleteSignatureException``); see the module docstring.  For the other operations a
    signature is optional: a complete one is returned, anything else is ignored (None).
    """
    return check_signature(op, header_map(headers))


def check_signature(op: Operation, h: dict[str, str]) -> SigV4 | None:
    """:func:`authenticate` on headers already normalised by ``protocol.headers.header_map``."""
    found = signature_of(h)
    if op.auth != "sigv4":
        return found if isinstance(found, SigV4) else None
    if found is None:
        raise _refusal(*MISSING_AUTHENTICATION_TOKEN)
    if isinstance(found, ServiceError):
        raise found
    return found
