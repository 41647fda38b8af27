"""A pool's RSA keys: signing keys an emulator generates or loads, and the JWKS it publishes.

Key generation, key parsing and RS256 itself are joserfc's (over ``cryptography``), the optional
``cognito-spec[tokens]`` extra; this module only decides what the service's keys look like.  It
imports joserfc when a key is first made or read, so the rest of the library works without it.

Facts and choices:

* RSA, at least 2048 bits, RS256 (RSASSA-PKCS1-v1_5 with SHA-256), as the service's ``alg`` says.
  A user pool has two key pairs, one for ID tokens and one for access tokens (developer guide);
  :class:`~cognito_spec.tokens.issue.TokenIssuer` takes one of each, or one for both.
* [I] The service's ``kid`` is 44 characters of standard base64 with padding (32 bytes: its
  ``/`` is why the header shows ``\\/``).  What it digests is not public; here it is the SHA-256 of
  the key's RFC 7638 canonical form, which has that shape and is stable for a key.
* [I] A JWKS entry carries ``alg, e, kid, kty, n, use`` in that (alphabetical) order, with
  ``use: "sig"``; the document is ``{"keys": [...]}`` served at
  ``/<userPoolId>/.well-known/jwks.json``.
* No key ships with this library: tests and emulators generate theirs at run time
  (:meth:`SigningKey.generate`) or load one they keep (:meth:`SigningKey.from_pem`).
"""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from cognito_spec.errors import ArgumentTypeError, TokenKeyError, TokensExtraMissingError
from cognito_spec.tokens.wire import b64url_decode

if TYPE_CHECKING:
    from joserfc.jwk import RSAKey

__all__ = ["MIN_KEY_BITS", "SigningKey", "VerificationKeys", "jwks_document", "jwks_path"]

#: The shortest RSA modulus accepted, in bits.
MIN_KEY_BITS: Final = 2048

_EXTRA_HINT: Final = "signing and verifying tokens needs the JOSE library: pip install 'cognito-spec[tokens]'"


def _rsa() -> type[RSAKey]:
    try:
        from joserfc.jwk import RSAKey
    except ImportError:
        raise TokensExtraMissingError(_EXTRA_HINT) from None
    return RSAKey


_ALG: list[Any] = []  # joserfc's RS256 algorithm object, made once


def _rs256() -> Any:
    if not _ALG:
        try:
            from joserfc.jws import JWSRegistry
        except ImportError:
            raise TokensExtraMissingError(_EXTRA_HINT) from None
        _ALG.append(JWSRegistry(algorithms=["RS256"]).get_alg("RS256"))
    return _ALG[0]


def _import(value: Any, password: bytes | None = None) -> RSAKey:
    cls = _rsa()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc warns of short keys; they are refused below
            key = cls.import_key(value, password=password)
    except Exception:  # joserfc and cryptography raise ValueError, TypeError, JoseError, ...
        raise TokenKeyError("not an RSA key in PEM or JWK form (or the password is wrong)") from None
    if key.public_key.key_size < MIN_KEY_BITS:
        raise TokenKeyError(f"the RSA key is shorter than {MIN_KEY_BITS} bits")
    return key


def _service_kid(key: RSAKey) -> str:
    digest = b64url_decode(key.thumbprint(), part="thumbprint")
    return base64.b64encode(digest).decode("ascii")


def _public_jwk(key: RSAKey, kid: str) -> dict[str, str]:
    d = key.as_dict(private=False)
    return {"alg": "RS256", "e": str(d["e"]), "kid": kid, "kty": "RSA", "n": str(d["n"]), "use": "sig"}


class SigningKey:
    """An RSA private key with its ``kid``: what signs a pool's tokens.

    ``repr`` shows the ``kid`` and the size only; the key material leaves only through
    :meth:`private_pem`, which an emulator calls to keep its key between runs.
    """

    __slots__ = ("_key", "kid")

    def __init__(self, key: RSAKey, kid: str | None = None) -> None:
        if not key.is_private:
            raise TokenKeyError("a signing key needs the private part of the RSA key")
        self._key = key
        self.kid: str = _service_kid(key) if kid is None else kid

    @classmethod
    def generate(cls, bits: int = MIN_KEY_BITS, *, kid: str | None = None) -> SigningKey:
        """A new random key (2048 bits takes some tens of milliseconds)."""
        if type(bits) is not int or bits < MIN_KEY_BITS or bits % 8:
            raise TokenKeyError(f"an RSA key size is a multiple of 8 of at least {MIN_KEY_BITS} bits")
        return cls(_rsa().generate_key(bits), kid)

    @classmethod
    def from_pem(
        cls, pem: bytes | str, *, password: bytes | None = None, kid: str | None = None
    ) -> SigningKey:
        """A key from a PEM private key (PKCS#1 or PKCS#8, encrypted when ``password`` is given)."""
        if not isinstance(pem, bytes | str):
            raise ArgumentTypeError(f"a PEM key is bytes or str, not {type(pem).__name__}")
        return cls(_import(pem.encode() if isinstance(pem, str) else pem, password), kid)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any], *, kid: str | None = None) -> SigningKey:
        """A key from a private RSA JWK (a JSON object with ``d``), as some emulators ship theirs;
        ``kid`` defaults to the JWK's own ``kid``."""
        if not isinstance(jwk, Mapping):
            raise ArgumentTypeError(f"a JWK is a mapping, not {type(jwk).__name__}")
        own = jwk.get("kid")
        return cls(_import(dict(jwk)), kid if kid is not None else own if isinstance(own, str) else None)

    def private_pem(self) -> bytes:
        """The private key as PKCS#8 PEM, unencrypted: keep it where secrets are kept."""
        return self._key.as_pem(private=True)

    def public_jwk(self) -> dict[str, str]:
        """The public key as its JWKS entry."""
        return _public_jwk(self._key, self.kid)

    def sign(self, signing_input: bytes) -> bytes:
        """The RS256 signature of ``signing_input``."""
        return bytes(_rs256().sign(signing_input, self._key))

    @property
    def bits(self) -> int:
        return int(self._key.public_key.key_size)

    def __repr__(self) -> str:
        return f"SigningKey(kid={self.kid!r}, bits={self.bits})"


def jwks_document(keys: Iterable[SigningKey]) -> dict[str, list[dict[str, str]]]:
    """The JWKS a pool publishes for ``keys`` (each ``kid`` once, in the order given)."""
    entries: dict[str, dict[str, str]] = {}
    for key in keys:
        entries.setdefault(key.kid, key.public_jwk())
    return {"keys": list(entries.values())}


def jwks_path(pool_id: str) -> str:
    """Where a pool's JWKS is served, under ``https://cognito-idp.<region>.amazonaws.com``."""
    return f"/{pool_id}/.well-known/jwks.json"


class VerificationKeys:
    """Public keys by ``kid``: what a verifier (:func:`~cognito_spec.tokens.judge.judge_access_token`)
    checks signatures with.  Make one from a JWKS document or from signing keys, once, and reuse it."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Mapping[str, RSAKey]) -> None:
        self._keys = dict(keys)

    @classmethod
    def of(cls, *keys: SigningKey) -> VerificationKeys:
        return cls({k.kid: k._key for k in keys})

    @classmethod
    def from_jwks(cls, document: Mapping[str, Any] | str | bytes) -> VerificationKeys:
        """The RSA signing keys of a JWKS document (a dict, or its JSON text)."""
        if isinstance(document, str | bytes):
            try:
                document = json.loads(document)
            except (ValueError, RecursionError):
                raise TokenKeyError("the JWKS document is not JSON") from None
        entries = document.get("keys") if isinstance(document, Mapping) else None
        if not isinstance(entries, list):
            raise TokenKeyError('a JWKS document is an object with a "keys" list')
        found: dict[str, RSAKey] = {}
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or entry.get("kty") != "RSA":
                raise TokenKeyError(f"JWKS key {i} is not an RSA key")
            kid = entry.get("kid")
            if type(kid) is not str:
                raise TokenKeyError(f"JWKS key {i} has no kid")
            if entry.get("alg", "RS256") != "RS256" or entry.get("use", "sig") != "sig":
                continue  # not a signing key for RS256: never used to verify one
            found[kid] = _import({"kty": "RSA", "n": entry.get("n"), "e": entry.get("e")})
        return cls(found)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def verify(self, kid: str, signing_input: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is the RS256 signature of ``signing_input`` by the key ``kid``."""
        key = self._keys.get(kid)
        if key is None:
            return False
        alg = _rs256()
        try:
            return bool(alg.verify(signing_input, signature, key))
        except Exception:  # a malformed signature: cryptography may raise rather than answer
            return False

    def __repr__(self) -> str:
        return f"VerificationKeys(kids={self.kids!r})"
