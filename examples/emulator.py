"""A small Cognito user pools emulator: a standard-library WSGI app on cognito-spec's sans-IO layer.

    python examples/emulator.py        # needs cognito-spec[tokens]; serves http://127.0.0.1:9229

    import boto3  # works without any AWS configuration: region and (dummy) keys are given here
    idp = boto3.client("cognito-idp", endpoint_url="http://127.0.0.1:9229", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")
    idp.admin_get_user(UserPoolId="eu-west-1_Example01", Username="alice")

parse_request() routes, checks that a SigV4 operation is signed and validates, in the service's
order and with its errors; the handler judges access tokens with the service's messages
(expired, revoked, invalid); render_response() and render_error() write answers as the service
does, with its CORS headers, and browsers' preflights are answered as the service answers them.
The pool's keys are served at /eu-west-1_Example01/.well-known/jwks.json.

Signing in is not in the pinned model yet (InitiateAuth comes later), so the emulator has its
own helpers, which are NOT part of Cognito's API: sign_in() in Python, or over HTTP
POST /_emulator/sign-in {"Username": ..., "Password": ...} -> {"AuthenticationResult": {...}};
POST /_emulator/sign-out {"AccessToken": ...} revokes that token's session, as GlobalSignOut would.
"""

import json
import time
import uuid
from http import HTTPStatus
from typing import Any
from wsgiref.simple_server import make_server
from wsgiref.types import StartResponse, WSGIEnvironment

from cognito_spec import (
    AdminGetUserRequest,
    AdminGetUserResponse,
    AttributeType,
    GetUserAuthFactorsRequest,
    GetUserAuthFactorsResponse,
    GetUserRequest,
    GetUserResponse,
    InternalErrorException,
    NotAuthorizedException,
    ResourceNotFoundException,
    SerializationException,
    ServiceError,
    UnknownOperationException,
    UserNotFoundException,
    parse_request,
    render_error,
    render_response,
)
from cognito_spec.protocol.server import (
    Rendered,
    Request,
    Response,
    cors_headers,
    is_preflight,
    render_preflight,
)
from cognito_spec.tokens import AccessTokenClaims, IssuedTokens, SigningKey, TokenIssuer, judge_access_token

POOL_ID, CLIENT_ID = "eu-west-1_Example01", "3n4b5urk1ft4fl3mg5e62d9ado"
USERS = {"alice": ("Correct-Horse-1", (AttributeType(name="email", value="alice@example.com"),))}
ISSUER = TokenIssuer(pool_id=POOL_ID, access_key=SigningKey.generate())  # a new key every run
KEYS = ISSUER.verification_keys()
REVOKED: set[str] = set()  # the origin_jti of every signed-out session


def sign_in(username: str, password: str, *, at: float | None = None) -> IssuedTokens:
    """Not a Cognito operation: the tokens of a password sign-in, issued at ``at`` (default: now)."""
    if username not in USERS or USERS[username][0] != password:
        raise NotAuthorizedException("Incorrect username or password.")
    claims = {str(a.name): a.value for a in USERS[username][1]}
    sub = str(uuid.uuid5(uuid.NAMESPACE_URL, username))
    now = time.time() if at is None else at
    return ISSUER.issue(sub=sub, username=username, client_id=CLIENT_ID, now=now, attributes=claims)


def judge(token: str) -> AccessTokenClaims:
    """The claims of a good access token; NotAuthorizedException with the service's message if not."""
    return judge_access_token(
        token, keys=KEYS, now=time.time(), pool_id=POOL_ID, is_revoked=lambda c: c.origin_jti in REVOKED
    )


def sign_out(access_token: str) -> None:
    """Not a Cognito operation: revoke the session of ``access_token`` (and every token of it)."""
    REVOKED.add(str(judge(access_token).origin_jti))


def handle(request: Request) -> Response:
    match request:
        case AdminGetUserRequest(user_pool_id=pool, username=name):
            if pool != POOL_ID:
                raise ResourceNotFoundException(f"User pool {pool} does not exist.")
            if name not in USERS:
                raise UserNotFoundException("User does not exist.")
            return AdminGetUserResponse(username=name, user_attributes=USERS[name][1], enabled=True)
        case GetUserRequest(access_token=token):
            user = str(judge(token).username)
            return GetUserResponse(username=user, user_attributes=USERS[user][1])
        case GetUserAuthFactorsRequest(access_token=token):
            return GetUserAuthFactorsResponse(
                username=judge(token).username, configured_user_auth_factors=("PASSWORD",)
            )
    raise InternalErrorException("not emulated")  # an operation this emulator does not implement


def own_endpoint(path: str, body: bytes) -> Rendered:
    """The emulator's helpers under /_emulator/ (plain JSON, not Cognito's API)."""
    try:
        args: dict[str, Any] = dict(json.loads(body or b"{}"))
    except (ValueError, TypeError):
        raise SerializationException("the body is not a JSON object") from None
    out: dict[str, Any] = {}
    if path == "/_emulator/sign-in":
        t = sign_in(str(args.get("Username")), str(args.get("Password")))
        result = {"AccessToken": t.access_token, "IdToken": t.id_token, "RefreshToken": t.refresh_token}
        out = {"AuthenticationResult": {**result, "ExpiresIn": t.expires_in, "TokenType": t.token_type}}
    elif path == "/_emulator/sign-out":
        sign_out(str(args.get("AccessToken")))
    else:
        raise UnknownOperationException()
    data = json.dumps(out).encode()
    return Rendered(200, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))], data)


def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
    headers = [(k[5:].replace("_", "-"), v) for k, v in environ.items() if k.startswith("HTTP_")]
    headers.append(("Content-Type", environ.get("CONTENT_TYPE", "")))
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    cors = cors_headers(headers)
    try:
        if is_preflight(method, headers):
            (status, out_headers, out), cors = render_preflight(headers), []
        elif method == "GET" and path == ISSUER.jwks_path:
            out = json.dumps(ISSUER.jwks()).encode()
            status, out_headers = (
                200,
                [("Content-Type", "application/json"), ("Content-Length", str(len(out)))],
            )
        elif path.startswith("/_emulator/"):
            status, out_headers, out = own_endpoint(path, body)
        else:
            status, out_headers, out = render_response(handle(parse_request(headers, body).request))
    except ServiceError as exc:
        status, out_headers, out = render_error(exc)
    start_response(f"{status} {HTTPStatus(status).phrase}", out_headers + cors)
    return [out]


if __name__ == "__main__":
    make_server("127.0.0.1", 9229, app).serve_forever()
