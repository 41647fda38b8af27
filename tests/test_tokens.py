"""cognito_spec.tokens: access and ID tokens as the service writes, reads and judges them.

The oracles: the public (long expired) access token of the research notes, byte for byte; the
claim order of public tokens; joserfc's own JWT decoder for signatures; the standard library's
JSON parser for the payloads.  Keys are generated at run time, once per session.
"""

from __future__ import annotations

import base64
import functools
import json
import pickle
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import cognito_spec as cs
from cognito_spec import tokens
from cognito_spec.tokens.claims import MAX_EPOCH_SECOND
from cognito_spec.tokens.order import java_string_hash, service_order
from cognito_spec.tokens.wire import MAX_TOKEN_CHARS, b64url_encode, write_json

POOL = "ap-southeast-1_sErCcwFVV"
OTHER_POOL = "eu-west-1_Other42"
CLIENT = "7hopjdad9ohj6n1v9h93c4eo3c"
T0 = 1674946410

# The public access token of wire-truth.md section 5 (expired 2023-01-29), its header and payload
# exactly as the service wrote them.
REAL_HEADER = b'{"kid":"bg1\\/jyHQSm7pkC87jUxVgf0NPkS7OqUBYzI1pXVcSoY=","alg":"RS256"}'
REAL_PAYLOAD = (
    b'{"sub":"c8588610-fe04-42fe-ab81-e6d1eb0523a3","iss":"https:\\/\\/cognito-idp.ap-southeast-1.'
    b'amazonaws.com\\/ap-southeast-1_sErCcwFVV","client_id":"7hopjdad9ohj6n1v9h93c4eo3c","origin_jti"'
    b':"07a936d8-def9-4930-bb76-6fe9267d2de6","event_id":"7a428e82-5ce4-4dfd-861d-1a024adc3e03",'
    b'"token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":1674946410,"exp":'
    b'1674950010,"iat":1674946410,"jti":"54c65243-8302-47c9-9605-ef494f0b5c84","username":'
    b'"c8588610-fe04-42fe-ab81-e6d1eb0523a3"}'
)


@functools.cache
def keys() -> dict[str, tokens.SigningKey]:
    """Generated once per test session (2048-bit RSA takes tens of milliseconds each)."""
    return {name: tokens.SigningKey.generate() for name in ("access", "id", "other")}


@functools.cache
def issuer() -> tokens.TokenIssuer:
    return tokens.TokenIssuer(pool_id=POOL, access_key=keys()["access"], id_key=keys()["id"])


@functools.cache
def other_issuer() -> tokens.TokenIssuer:
    return tokens.TokenIssuer(pool_id=OTHER_POOL, access_key=keys()["other"])


@functools.cache
def pool_keys() -> tokens.VerificationKeys:
    return tokens.VerificationKeys.from_jwks(json.dumps(issuer().jwks()))


def sign_in(**kw: Any) -> tokens.IssuedTokens:
    args: dict[str, Any] = {"sub": "c8588610", "username": "alice", "client_id": CLIENT, "now": T0}
    return issuer().issue(**{**args, **kw})


def judge(token: str, **kw: Any) -> tokens.AccessTokenClaims:
    args: dict[str, Any] = {"keys": pool_keys(), "now": T0 + 1, "pool_id": POOL}
    return tokens.judge_access_token(token, **{**args, **kw})


def message_of(token: str, **kw: Any) -> str | None:
    try:
        judge(token, **kw)
    except cs.NotAuthorizedException as err:
        caught = err
    else:
        return None
    assert caught.http_status == 400
    return caught.message


def payload_of(token: str) -> bytes:
    seg = token.split(".")[1]
    return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))


# --------------------------------------------------------------------------------------------------
# The service's bytes.


def test_the_public_token_is_read_and_written_back_byte_for_byte() -> None:
    token = ".".join([b64url_encode(REAL_HEADER), b64url_encode(REAL_PAYLOAD), b64url_encode(b"sig")])
    parsed = tokens.parse_token(token)
    claims = parsed.claims
    assert isinstance(claims, tokens.AccessTokenClaims)
    assert parsed.header == tokens.TokenHeader(kid="bg1/jyHQSm7pkC87jUxVgf0NPkS7OqUBYzI1pXVcSoY=")
    assert (claims.iss, claims.client_id, claims.scope) == (
        tokens.issuer_url(POOL),
        CLIENT,
        tokens.ADMIN_SCOPE,
    )
    assert (claims.auth_time, claims.iat, claims.exp) == (T0, T0, T0 + 3600)
    assert claims.expires_at == datetime(2023, 1, 28, 23, 53, 30, tzinfo=UTC)
    assert parsed.payload == REAL_PAYLOAD
    assert write_json(claims.to_payload()) == REAL_PAYLOAD
    assert write_json(parsed.header.to_dict()) == REAL_HEADER
    # With its order forgotten, the service's order rule gives the same bytes.
    assert write_json(attrs.evolve(claims, order=None).to_payload()) == REAL_PAYLOAD
    # Not our pool's key: whatever it says, it is not a valid token here.
    assert message_of(token, now=T0) == cs.INVALID_ACCESS_TOKEN


@pytest.mark.parametrize(
    "names",
    [
        # the public access token (12 claims)
        "sub iss client_id origin_jti event_id token_use scope auth_time exp iat jti username",
        # a public 2024 ID token with groups, trigger claims and identities (18 claims)
        "at_hash sub cognito:groups email_verified iss cognito:username user_roles user_profile "
        "origin_jti corp_username aud identities token_use auth_time exp iat jti email",
        # a public 2017 ID token (11 claims)
        "sub aud email_verified event_id token_use auth_time iss cognito:username exp iat email",
    ],
)
def test_the_claim_order_rule_reproduces_public_tokens(names: str) -> None:
    listed = names.split()
    assert service_order(listed) == tuple(listed)


def test_java_string_hash_agrees_with_java() -> None:
    # Values of "".hashCode(), "sub".hashCode() and "cognito:username".hashCode() in Java.
    assert java_string_hash("") == 0
    assert java_string_hash("sub") == 114240
    assert java_string_hash("a" * 7) == (sum(97 * 31**i for i in range(7))) & 0xFFFFFFFF


def test_escapes_follow_the_service() -> None:
    assert write_json({"a": "x/y"}) == b'{"a":"x\\/y"}'
    assert (
        write_json({"a": 'q"b\\\n\t\x01\x7f\u2028é'})
        == b'{"a":"q\\"b\\\\\\n\\t\\u0001\\u007F\\u2028\xc3\xa9"}'
    )
    assert (
        write_json({"g": ["a", "b"], "n": 1, "t": True, "z": None})
        == b'{"g":["a","b"],"n":1,"t":true,"z":null}'
    )


# --------------------------------------------------------------------------------------------------
# Issue -> decode, exactly.

texts = st.text(max_size=40)
times = st.integers(0, MAX_EPOCH_SECOND)
groups = st.none() | st.lists(texts, min_size=1, max_size=4).map(tuple)

access_claims = st.builds(
    tokens.AccessTokenClaims,
    sub=texts,
    iss=texts,
    client_id=texts,
    origin_jti=st.none() | texts,
    event_id=st.none() | texts,
    scope=texts,
    auth_time=times,
    exp=times,
    iat=times,
    jti=texts,
    username=st.none() | texts,
    device_key=st.none() | texts,
    cognito_groups=groups,
    version=st.none() | st.integers(0, 2**63),
    extra=st.dictionaries(st.from_regex(r"x_[a-z]{1,8}", fullmatch=True), texts | st.integers(), max_size=3),
)
id_claims = st.builds(
    tokens.IdTokenClaims,
    sub=texts,
    aud=texts,
    cognito_username=texts,
    auth_time=times,
    exp=times,
    iat=times,
    iss=texts,
    origin_jti=st.none() | texts,
    event_id=st.none() | texts,
    jti=st.none() | texts,
    email=st.none() | texts,
    email_verified=st.none() | st.booleans(),
    phone_number=st.none() | texts,
    phone_number_verified=st.none() | st.booleans(),
    cognito_groups=groups,
    attributes=st.dictionaries(
        st.from_regex(r"custom:[a-zA-Z_:]{1,12}|x_[a-z]{1,8}", fullmatch=True),
        texts | st.booleans(),
        max_size=4,
    ),
)


@given(claims=access_claims | id_claims)
def test_issue_then_decode_is_exact(claims: tokens.AccessTokenClaims | tokens.IdTokenClaims) -> None:
    token = issuer().sign(claims)
    parsed = tokens.parse_token(token)
    assert parsed.claims == claims
    assert parsed.header.to_dict() == {
        "kid": (keys()["access"] if isinstance(claims, tokens.AccessTokenClaims) else keys()["id"]).kid,
        "alg": "RS256",
    }
    payload = payload_of(token)
    assert payload == parsed.payload == write_json(parsed.claims.to_payload())
    assert json.loads(payload) == claims.to_payload()  # valid JSON, same values
    assert tuple(json.loads(payload)) == service_order(json.loads(payload))  # the service's order
    assert b"/" not in payload.replace(b"\\/", b"")  # every "/" is escaped as "\/"
    assert payload.count(b"\\/") == sum(v.count("/") for v in _strings(json.loads(payload)))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_issued_tokens_verify_with_joserfc_itself() -> None:
    from joserfc import jwt
    from joserfc.jwk import KeySet

    issued = sign_in(attributes={"email": "alice@example.com", "email_verified": True, "custom:t": "a/b"})
    key_set = KeySet.import_key_set(issuer().jwks())  # type: ignore[arg-type]
    for token in (issued.access_token, issued.id_token):
        decoded = jwt.decode(token, key_set, algorithms=["RS256"])
        assert decoded.header == {"kid": decoded.header["kid"], "alg": "RS256"}  # no typ
        assert decoded.claims == json.loads(payload_of(token))


def test_issue_writes_the_service_claim_set() -> None:
    issued = sign_in(
        groups=["admins"],
        device_key="ap-southeast-1_dev",
        attributes={"email": "a@b.c", "custom:tenant": "t1"},
    )
    access = json.loads(payload_of(issued.access_token))
    assert list(access) == [
        "sub", "device_key", "cognito:groups", "iss", "client_id", "origin_jti", "event_id",
        "token_use", "scope", "auth_time", "exp", "iat", "jti", "username",
    ]  # fmt: skip
    assert access["iss"] == f"https://cognito-idp.ap-southeast-1.amazonaws.com/{POOL}"
    assert (access["token_use"], access["scope"], access["exp"] - access["iat"]) == (
        "access",
        tokens.ADMIN_SCOPE,
        3600,
    )
    id_ = json.loads(payload_of(issued.id_token))
    assert (id_["aud"], id_["cognito:username"], id_["token_use"], id_["custom:tenant"]) == (
        CLIENT,
        "alice",
        "id",
        "t1",
    )
    assert id_["origin_jti"] == access["origin_jti"] and id_["event_id"] == access["event_id"]
    assert issued.expires_in == 3600 and issued.token_type == "Bearer"
    assert issued.refresh_expires == T0 + 30 * 86400
    assert tokens.decode_unverified(issued.id_token) == issued.id_claims
    assert issued.id_claims.custom_attributes == {"custom:tenant": "t1"}


def test_lifetimes_stay_within_the_service_limits() -> None:
    k = keys()["access"]
    for name, low, high in (
        ("access_lifetime", timedelta(minutes=5), timedelta(days=1)),
        ("id_lifetime", timedelta(minutes=5), timedelta(days=1)),
        ("refresh_lifetime", timedelta(minutes=60), timedelta(days=3650)),
    ):
        for ok in (low, high):
            tokens.TokenIssuer(pool_id=POOL, access_key=k, **{name: ok})
        for bad in (
            low - timedelta(seconds=1),
            high + timedelta(seconds=1),
            timedelta(minutes=10, microseconds=5),
        ):
            with pytest.raises(cs.ArgumentValueError):
                tokens.TokenIssuer(pool_id=POOL, access_key=k, **{name: bad})
    short = tokens.TokenIssuer(pool_id=POOL, access_key=k, access_lifetime=timedelta(minutes=5))
    issued = short.issue(sub="s", username="u", client_id=CLIENT, now=datetime.fromtimestamp(T0 + 0.9, UTC))
    assert (issued.access_claims.iat, issued.access_claims.exp, issued.expires_in) == (T0, T0 + 300, 300)
    with pytest.raises(cs.ArgumentValueError):
        tokens.TokenIssuer(pool_id="not a pool", access_key=k)


def test_refresh_tokens_have_the_service_shape_and_cannot_be_read() -> None:
    token = sign_in().refresh_token
    parts = token.split(".")
    assert len(parts) == 5
    assert parts[0] == "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"
    raw = [base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in parts[1:]]
    assert [len(raw[0]), len(raw[1]), len(raw[3])] == [256, 12, 16]
    assert tokens.looks_like_refresh_token(token)
    assert not tokens.looks_like_refresh_token(sign_in().access_token)
    with pytest.raises(tokens.TokenFormatError, match="five segments"):
        tokens.decode_unverified(token)
    assert message_of(token) == cs.INVALID_ACCESS_TOKEN
    assert sign_in().refresh_token != token


def test_jwks_document() -> None:
    doc = issuer().jwks()
    assert [list(k) for k in doc["keys"]] == [["alg", "e", "kid", "kty", "n", "use"]] * 2
    assert [k["kid"] for k in doc["keys"]] == [keys()["access"].kid, keys()["id"].kid]
    assert all(k["alg"] == "RS256" and k["use"] == "sig" and "d" not in k for k in doc["keys"])
    assert len(keys()["access"].kid) == 44 and keys()["access"].kid.endswith("=")
    assert issuer().jwks_path == f"/{POOL}/.well-known/jwks.json"
    assert tokens.VerificationKeys.from_jwks(doc).kids == tuple(k["kid"] for k in doc["keys"])
    for bad in (b"not json", {"keys": "x"}, {"keys": [{"kty": "EC", "kid": "k"}]}, {"keys": [{"kty": "RSA"}]},
                {"keys": [{"kty": "RSA", "kid": "k", "n": "AQAB", "e": "AQAB"}]}, [1]):  # fmt: skip
        with pytest.raises(tokens.TokenKeyError):
            tokens.VerificationKeys.from_jwks(bad)  # type: ignore[arg-type]


def test_signing_keys_load_and_stay_secret() -> None:
    key = keys()["access"]
    again = tokens.SigningKey.from_pem(key.private_pem())
    assert again.kid == key.kid and again.public_jwk() == key.public_jwk()
    assert "PRIVATE" not in repr(key) and key.public_jwk()["n"] not in repr(key)
    for bad in (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", b"", "x"):
        with pytest.raises(tokens.TokenKeyError):
            tokens.SigningKey.from_pem(bad)
    with pytest.raises(tokens.TokenKeyError):
        tokens.SigningKey.generate(1024)


# --------------------------------------------------------------------------------------------------
# Judging.


@given(offset=st.integers(-86400, 2 * 86400) | st.floats(-5, 3605))
def test_expired_iff_now_is_at_or_after_exp(offset: float) -> None:
    token = _token()
    exp = T0 + 3600
    message = message_of(token, now=T0 + offset)
    assert message == (cs.ACCESS_TOKEN_EXPIRED if T0 + offset >= exp else None)
    when = datetime.fromtimestamp(exp, UTC)
    assert message_of(token, now=when) == cs.ACCESS_TOKEN_EXPIRED
    assert message_of(token, now=when - timedelta(microseconds=1)) is None


@functools.cache
def _token() -> str:
    return sign_in().access_token


def test_revocation_expiry_and_scope_in_their_order() -> None:
    issued = sign_in()
    seen: list[tokens.AccessTokenClaims] = []

    def revoked(claims: tokens.AccessTokenClaims) -> bool:
        seen.append(claims)
        return claims.origin_jti == issued.access_claims.origin_jti

    assert message_of(issued.access_token, is_revoked=revoked) == cs.ACCESS_TOKEN_REVOKED
    assert seen == [issued.access_claims]
    assert message_of(issued.access_token, is_revoked=lambda c: False) is None
    # [I] expired before revoked; revoked before scope
    assert message_of(issued.access_token, is_revoked=revoked, now=T0 + 3600) == cs.ACCESS_TOKEN_EXPIRED
    narrow = sign_in(scope="openid email")
    assert message_of(narrow.access_token) == cs.ACCESS_TOKEN_MISSING_SCOPES
    assert message_of(narrow.access_token, is_revoked=lambda c: True) == cs.ACCESS_TOKEN_REVOKED
    assert message_of(narrow.access_token, required_scope=None) is None
    assert message_of(narrow.access_token, required_scope="email") is None
    wide = sign_in(scope=f"openid {tokens.ADMIN_SCOPE} email")
    assert judge(wide.access_token) == wide.access_claims


def test_tokens_of_the_wrong_kind_pool_or_key_are_invalid() -> None:
    issued = sign_in()
    assert message_of(issued.id_token) == cs.INVALID_ACCESS_TOKEN  # an ID token as an access token
    other = other_issuer().issue(sub="s", username="u", client_id=CLIENT, now=T0)
    assert message_of(other.access_token) == cs.INVALID_ACCESS_TOKEN  # another pool, another key
    foreign_iss = attrs.evolve(issued.access_claims, iss=tokens.issuer_url(OTHER_POOL))
    assert message_of(issuer().sign(foreign_iss)) == cs.INVALID_ACCESS_TOKEN  # our key, another pool's iss
    # the other key under our kid: the signature does not verify
    impostor = tokens.TokenIssuer(
        pool_id=POOL,
        access_key=tokens.SigningKey.from_pem(keys()["other"].private_pem(), kid=keys()["access"].kid),
    )
    assert message_of(impostor.sign(issued.access_claims)) == cs.INVALID_ACCESS_TOKEN
    assert message_of(issued.access_token, pool_id=OTHER_POOL) == cs.INVALID_ACCESS_TOKEN
    assert message_of(issued.access_token, keys=other_issuer().jwks()) == cs.INVALID_ACCESS_TOKEN


def _forge(header: dict[str, Any], payload: bytes, signature: bytes) -> str:
    return ".".join([b64url_encode(write_json(header)), b64url_encode(payload), b64url_encode(signature)])


def test_unsigned_and_hmac_tokens_are_invalid() -> None:
    issued = sign_in()
    payload = payload_of(issued.access_token)
    kid = keys()["access"].kid
    assert message_of(_forge({"kid": kid, "alg": "none"}, payload, b"")) == cs.INVALID_ACCESS_TOKEN
    assert message_of(_forge({"kid": kid, "alg": "none"}, payload, b"x")) == cs.INVALID_ACCESS_TOKEN
    assert message_of(issued.access_token.rsplit(".", 1)[0] + ".") == cs.INVALID_ACCESS_TOKEN
    import hashlib
    import hmac

    head = b64url_encode(write_json({"kid": kid, "alg": "HS256"}))
    body = b64url_encode(payload)
    secret = keys()["access"].public_jwk()["n"].encode()
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert message_of(f"{head}.{body}.{b64url_encode(mac)}") == cs.INVALID_ACCESS_TOKEN
    good = issued.access_token.split(".")
    assert message_of(
        ".".join([b64url_encode(write_json({"kid": "unknown", "alg": "RS256"})), *good[1:]])
    ) == (cs.INVALID_ACCESS_TOKEN)


@given(data=st.data())
def test_any_changed_character_makes_the_token_invalid(data: st.DataObject) -> None:
    token = _token()
    i = data.draw(st.integers(0, len(token) - 1))
    c = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %\x00é")
    )
    assume(c != token[i])
    tampered = token[:i] + c + token[i + 1 :]
    assert message_of(tampered) == cs.INVALID_ACCESS_TOKEN


# --------------------------------------------------------------------------------------------------
# Bad input: a typed error from decode, "Invalid Access Token" from judge, quickly, no value quoted.


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _seg(value: Any) -> str:
    return b64url_encode(value if isinstance(value, bytes) else json.dumps(value).encode())


def _bad_tokens() -> dict[str, str]:
    good = sign_in().access_token.split(".")
    claims = json.loads(payload_of(sign_in().access_token))
    head = good[0]

    def with_claims(**changes: Any) -> str:
        return ".".join([head, _seg({**claims, **changes}), good[2]])

    return {
        "not base64url": "eyJ!!!.eyJ.abc",
        "padding": good[0] + "=." + good[1] + "." + good[2],
        "unused bits set": ".".join([good[0], good[1], good[2][:-1] + _B64[_B64.index(good[2][-1]) ^ 1]]),
        "two segments": ".".join(good[:2]),
        "four segments": ".".join([*good, good[2]]),
        "one segment": good[1],
        "empty": "",
        "header not json": ".".join([_seg(b"{kid"), good[1], good[2]]),
        "payload an array": ".".join([head, _seg(["sub"]), good[2]]),
        "payload a string": ".".join([head, _seg("sub"), good[2]]),
        "payload null": ".".join([head, _seg(None), good[2]]),
        "header without alg": ".".join([_seg({"kid": "k"}), good[1], good[2]]),
        "kid a number": ".".join([_seg({"kid": 1, "alg": "RS256"}), good[1], good[2]]),
        "exp a string": with_claims(exp=str(claims["exp"])),
        "exp a bool": with_claims(exp=True),
        "exp a float": with_claims(exp=1674950010.0),
        "exp beyond datetime": with_claims(exp=MAX_EPOCH_SECOND + 1),
        "exp negative": with_claims(exp=-1),
        "exp 5000 digits": ".".join(
            [head, _seg(b'{"token_use":"access","exp":' + b"9" * 5000 + b"}"), good[2]]
        ),
        "groups not strings": with_claims(**{"cognito:groups": [1]}),
        "sub missing": ".".join([head, _seg({k: v for k, v in claims.items() if k != "sub"}), good[2]]),
        "token_use other": with_claims(token_use="refresh"),
        "token_use missing": ".".join(
            [head, _seg({k: v for k, v in claims.items() if k != "token_use"}), good[2]]
        ),
        "duplicate member": ".".join(
            [head, _seg(payload_of(sign_in().access_token)[:-1] + b',"token_use":"id"}'), good[2]]
        ),
        "NaN": ".".join([head, _seg(b'{"token_use":"access","exp":NaN}'), good[2]]),
        "deep nesting": ".".join([head, _seg(b"[" * 15000 + b"]" * 15000), good[2]]),
        "not utf-8": ".".join([head, _seg(b'{"sub":"\xff"}'), good[2]]),
        "alg none, no signature": ".".join([_seg({"kid": "k", "alg": "none"}), good[1], ""]),
        "1 MB": ".".join([head, "A" * (1 << 20), good[2]]),
        "refresh token": sign_in().refresh_token,
    }


def test_bad_input_gets_a_typed_error_and_invalid_access_token() -> None:
    secret_bits = ("c8588610", "alice", CLIENT)
    for name, token in _bad_tokens().items():
        start = time.perf_counter()
        with pytest.raises(tokens.TokenFormatError) as info:
            tokens.decode_unverified(token)
        text = f"{info.value} {info.value!r}"
        assert not any(bit in text for bit in secret_bits), name
        assert not any(len(part) > 8 and part in text for part in token.split(".")), name
        assert message_of(token) == cs.INVALID_ACCESS_TOKEN, name
        assert time.perf_counter() - start < 1.0, name
    assert MAX_TOKEN_CHARS < 1 << 20  # so the 1 MB token is refused before any decoding


def test_arguments_of_the_wrong_kind_are_typed_errors() -> None:
    token = _token()
    with pytest.raises(cs.ArgumentValueError):
        judge(token, now=datetime(2023, 1, 29))  # naive
    with pytest.raises(cs.ArgumentTypeError):
        judge(token, now="2023-01-29")
    with pytest.raises(cs.ArgumentValueError):
        judge(token, now=float("nan"))
    with pytest.raises(cs.ArgumentTypeError):
        judge(b"token")  # type: ignore[arg-type]
    with pytest.raises(cs.ArgumentTypeError):
        tokens.decode_unverified(None)  # type: ignore[arg-type]
    err = tokens.TokenFormatError("is not an integer", claim="exp")
    assert str(err) == "claim 'exp': is not an integer"
    assert str(pickle.loads(pickle.dumps(err))) == str(err)
    assert isinstance(err, cs.CognitoSpecError) and isinstance(err, ValueError)


# --------------------------------------------------------------------------------------------------
# Personal data stays out of repr.


@given(secret=st.text(min_size=6, alphabet="qwxz"))
def test_personal_claims_are_redacted_in_repr(secret: str) -> None:
    issued = sign_in(
        sub=secret,
        username=secret,
        attributes={"email": secret, "phone_number": secret, "custom:tenant": secret, "name": secret},
    )
    for shown in (issued, issued.access_claims, issued.id_claims, tokens.parse_token(issued.id_token)):
        text = repr(shown)
        assert secret not in text
        assert issued.access_token not in text and issued.refresh_token not in text
    assert "<redacted>" in repr(issued.id_claims)
    assert "custom:tenant" in repr(issued.id_claims)  # names are shown, values are not


def test_decoding_needs_no_extra() -> None:
    token = _token()
    script = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "joserfc" or name.startswith("joserfc.") or name.startswith("cryptography"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import cognito_spec.tokens as t
claims = t.decode_unverified({token!r})
assert claims.iat == {T0}, claims
try:
    t.SigningKey.generate()
except t.TokensExtraMissingError as err:
    assert "cognito-spec[tokens]" in str(err)
else:
    raise SystemExit("no error")
assert not any(m.startswith("joserfc") for m in sys.modules)
print("ok")
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.stdout.strip() == "ok", out.stderr


def test_every_exported_name_resolves() -> None:
    assert tokens.__all__ == sorted(tokens.__all__)
    for name in tokens.__all__:
        assert getattr(tokens, name) is not None
    assert set(tokens.__all__) <= set(dir(tokens))
    with pytest.raises(AttributeError):
        _ = tokens.no_such_name  # type: ignore[attr-defined]
