"""A small Cognito user pools emulator: a standard-library WSGI app on cognito-spec's sans-IO layer.

    python examples/emulator.py [--host 127.0.0.1] [--port 9229] [--key-out key.pem]  # needs cognito-spec[tokens]

    import boto3  # works without any AWS configuration: region and (dummy) keys are given here
    idp = boto3.client("cognito-idp", endpoint_url="http://127.0.0.1:9229", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")
    pool = idp.create_user_pool(PoolName="example")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_get_user(UserPoolId=pool, Username="alice")

In Python (``from examples.emulator import Emulator`` at the repository's root, or load the file
by its path): ``emu = Emulator(signing_key=None, region="eu-west-1")``; ``emu.app`` is the WSGI
application, ``emu.signing_key`` the key that signs every pool's tokens, and
``server, url = emu.serve("127.0.0.1", 0)`` serves it from a daemon thread, one thread per request
(``server.shutdown()`` stops it).  ``--key-out`` writes that key's private PEM (mode 0600), for tools
that forge tokens on purpose (an expired one, one without the admin scope).

Every request goes through cognito-spec: parse_request() routes, checks that a SigV4 operation is
signed (presence and form; the emulator takes any well-formed signature) and validates the input in
the service's order and with its errors; render_response() and render_error() write the answers,
with the service's CORS headers.  Each pool's keys are served at /<pool id>/.well-known/jwks.json.

What is emulated, in memory and for many pools: CreateUserPool, DescribeUserPool, DeleteUserPool,
CreateUserPoolClient, DescribeUserPoolClient, DeleteUserPoolClient, AdminCreateUser,
AdminSetUserPassword, AdminDeleteUser, AdminGetUser, GetUser, GetUserAuthFactors, InitiateAuth
(USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH), GlobalSignOut and RevokeToken.  No message is ever sent (no
e-mail, no SMS) and no trigger runs; passwords are held to the pool's policy (length and kinds of
characters, not history).

Anything else is answered honestly as not emulated: every other operation, and the settings whose
effect is not emulated (client secrets, sign-in aliases, triggers, MFA).  A client sees
``InternalErrorException`` (HTTP 500) with a message such as ``ListUsers is not emulated`` or
``CreateUserPool with UsernameAttributes is not emulated``; the three client-secret operations, which
do not declare that error, get the ``InternalServerException`` (500) they declare.  An error the
operation declares is the only kind an SDK maps to a typed exception, and a 500 says "the server
could not", which is the truth; UnknownOperationException would claim the operation does not exist,
and it carries no message.  SDKs retry 500s: give boto3 ``Config(retries={"max_attempts": 1})`` to
see the answer at once.

Facts about the service come from the research notes of cognito-spec (wire-truth.md, whole-api.md)
or public captures named next to them; [I] marks what is inferred, not observed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, Final
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import cognito_spec as cs
from cognito_spec.errors import ArgumentValueError
from cognito_spec.operations import Operation
from cognito_spec.protocol.server import (
    Rendered,
    Request,
    Response,
    cors_headers,
    is_preflight,
    render_preflight,
)
from cognito_spec.tokens import (
    AccessTokenClaims,
    IssuedTokens,
    SigningKey,
    TokenFormatError,
    VerificationKeys,
    judge_access_token,
    looks_like_refresh_token,
    parse_token,
)

# The state lives in the file next to this one; found however this file is loaded (python
# examples/emulator.py, import examples.emulator, or by path as the tests do).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_state import Client, Pool, Session, User, now_utc

# The ExplicitAuthFlows values that allow each InitiateAuth flow (legacy names included).
ENABLED_BY: Final = {
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "REFRESH_TOKEN_AUTH": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
    "USER_AUTH": {"ALLOW_USER_AUTH"},
}


def _snake(member: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", member).lower()


def not_emulated(op: Operation, what: str | None = None) -> cs.ServiceError:
    """The honest answer to what this emulator does not do (see the module docstring)."""
    message = f"{op.name} {what + ' ' if what else ''}is not emulated"
    for name in ("InternalErrorException", "InternalServerException"):
        cls = op.error_for_code(name)
        if cls is not None:
            return cls(message)
    return cs.InternalErrorException(message)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a request in flight does not keep the process alive


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


# --------------------------------------------------------------------------------------------------


class Emulator:
    """The emulator's state and its WSGI application (``app``); one signing key for every pool."""

    def __init__(self, signing_key: SigningKey | None = None, region: str = "eu-west-1") -> None:
        if not re.fullmatch(r"[\w-]+", region, re.ASCII):
            raise ArgumentValueError("a region is letters, digits, - and _ (eu-west-1)")
        self.signing_key = signing_key or SigningKey.generate()
        self.region = region
        self.keys = VerificationKeys.of(self.signing_key)
        self.pools: dict[str, Pool] = {}
        self.client_pools: dict[str, str] = {}  # client ids are unique across pools
        self.lock = threading.Lock()
        self.app: WSGIApplication = self.wsgi  # an attribute, so that a test can wrap it

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> tuple[WSGIServer, str]:
        """Serve ``app`` from a daemon thread (one thread per request); the server and its base URL."""
        server = make_server(host, port, self.app, server_class=_ThreadingServer, handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://{host}:{server.server_address[1]}"

    # -- lookups ----------------------------------------------------------------------------------

    def pool(self, pool_id: str) -> Pool:
        pool = self.pools.get(pool_id)
        if pool is None:
            raise cs.ResourceNotFoundException(f"User pool {pool_id} does not exist.")  # moto#4434
        return pool

    def client(self, client_id: str, pool_id: str | None = None) -> tuple[Pool, Client]:
        home = self.client_pools.get(client_id)
        if pool_id is not None:
            self.pool(pool_id)  # a missing pool is reported as the pool
        if home is None or (pool_id is not None and home != pool_id):
            raise cs.ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        pool = self.pools[home]
        return pool, pool.clients[client_id]

    def signed_in(self, token: str) -> tuple[Pool, User, AccessTokenClaims]:
        """The pool, user and claims of a good access token, or the service's NotAuthorizedException."""
        try:
            iss = parse_token(token).claims.iss  # which pool's keys to judge it with
        except TokenFormatError:
            iss = ""
        pool = self.pools.get(iss.rpartition("/")[2])
        if pool is None:  # not a token of any pool here: what judging it with no key concludes
            raise cs.NotAuthorizedException("Invalid Access Token")

        def revoked(c: AccessTokenClaims) -> bool:
            # [I] a token whose session the emulator never made (one forged with its key) is judged
            # on its claims alone.
            session = pool.sessions.get(c.origin_jti or "")
            return session is not None and session.revoked

        claims = judge_access_token(
            token, keys=self.keys, now=time.time(), pool_id=pool.id, is_revoked=revoked
        )
        # [I] the user of a good token deleted since: the error the operations declare for it.
        return pool, pool.user(str(claims.username)), claims

    # -- the operations ---------------------------------------------------------------------------

    def handle(self, op: Operation, request: Request) -> Response | None:
        match request:
            case cs.CreateUserPoolRequest():
                for setting in ("UsernameAttributes", "AliasAttributes", "LambdaConfig"):
                    if getattr(request, _snake(setting)):
                        raise not_emulated(op, f"with {setting}")
                if request.mfa_configuration not in (None, "OFF"):
                    raise not_emulated(op, "with MfaConfiguration")
                pool = Pool.create(self.region, self.signing_key, request)
                self.pools[pool.id] = pool
                return cs.CreateUserPoolResponse(user_pool=pool.description())
            case cs.DescribeUserPoolRequest(user_pool_id=pool_id):
                return cs.DescribeUserPoolResponse(user_pool=self.pool(pool_id).description())
            case cs.DeleteUserPoolRequest(user_pool_id=pool_id):
                pool = self.pool(pool_id)
                if pool.settings["deletion_protection"] == "ACTIVE":  # [I] the text
                    raise cs.InvalidParameterException(
                        "The user pool cannot be deleted because deletion protection is activated."
                    )
                for client_id in pool.clients:
                    del self.client_pools[client_id]
                del self.pools[pool_id]
                return None
            case cs.CreateUserPoolClientRequest(user_pool_id=pool_id):
                pool = self.pool(pool_id)
                if request.generate_secret or request.client_secret:
                    raise not_emulated(op, "with a client secret")
                client = Client.create(pool, request)
                pool.clients[client.id] = client
                self.client_pools[client.id] = pool.id
                return cs.CreateUserPoolClientResponse(user_pool_client=client.description)
            case cs.DescribeUserPoolClientRequest(user_pool_id=pool_id, client_id=client_id):
                _, client = self.client(client_id, pool_id)
                return cs.DescribeUserPoolClientResponse(user_pool_client=client.description)
            case cs.DeleteUserPoolClientRequest(user_pool_id=pool_id, client_id=client_id):
                pool, _ = self.client(client_id, pool_id)
                del pool.clients[client_id], self.client_pools[client_id]
                return None
            case cs.AdminCreateUserRequest(user_pool_id=pool_id, username=name):
                pool = self.pool(pool_id)
                if request.message_action == "RESEND":  # no message is sent; [I] the user must exist
                    return cs.AdminCreateUserResponse(user=pool.user(name).as_user_type())
                if name in pool.users:
                    # localstack/localstack#4465 quotes the real CLI's text.
                    raise cs.UsernameExistsException("User account already exists")
                if request.temporary_password is not None:  # [I] held to the same policy
                    pool.check_password(request.temporary_password)
                pool.users[name] = User.create(request)
                return cs.AdminCreateUserResponse(user=pool.users[name].as_user_type())
            case cs.AdminSetUserPasswordRequest(user_pool_id=pool_id, username=name, password=password):
                pool = self.pool(pool_id)
                user = pool.user(name)
                pool.check_password(password)
                user.password, user.modified = password, now_utc()
                user.status = "CONFIRMED" if request.permanent else "FORCE_CHANGE_PASSWORD"
                return cs.AdminSetUserPasswordResponse()
            case cs.AdminDeleteUserRequest(user_pool_id=pool_id, username=name):
                pool = self.pool(pool_id)
                pool.user(name)
                pool.sign_out(name)  # [I] a deleted user's sessions end with it
                del pool.users[name]
                return None
            case cs.AdminGetUserRequest(user_pool_id=pool_id, username=name):
                user = self.pool(pool_id).user(name)
                return cs.AdminGetUserResponse(
                    username=user.username,
                    user_attributes=tuple(user.attributes),
                    user_create_date=user.created,
                    user_last_modified_date=user.modified,
                    enabled=user.enabled,
                    user_status=user.status,
                )
            case cs.GetUserRequest(access_token=token):
                _, user, _ = self.signed_in(token)
                return cs.GetUserResponse(username=user.username, user_attributes=tuple(user.attributes))
            case cs.GetUserAuthFactorsRequest(access_token=token):
                _, user, _ = self.signed_in(token)
                return cs.GetUserAuthFactorsResponse(
                    username=user.username, configured_user_auth_factors=("PASSWORD",)
                )
            case cs.InitiateAuthRequest():
                return self.initiate_auth(op, request)
            case cs.GlobalSignOutRequest(access_token=token):
                # Every session of the user ends: its access tokens are then "revoked" and its
                # refresh tokens refused (wire-truth 4.2).
                pool, user, _ = self.signed_in(token)
                pool.sign_out(user.username)
                return cs.GlobalSignOutResponse()
            case cs.RevokeTokenRequest():
                return self.revoke_token(request)
        raise not_emulated(op)

    def initiate_auth(self, op: Operation, r: cs.InitiateAuthRequest) -> cs.InitiateAuthResponse:
        pool, client = self.client(r.client_id)
        flow = "REFRESH_TOKEN_AUTH" if r.auth_flow == "REFRESH_TOKEN" else str(r.auth_flow)
        if flow not in ENABLED_BY:
            # The ADMIN_* flows belong to AdminInitiateAuth; [I] the text the service gives for the
            # mirror case (USER_PASSWORD_AUTH sent to AdminInitiateAuth, whole-api 3.3).
            raise cs.InvalidParameterException("Initiate Auth method not supported.")
        if not ENABLED_BY[flow] & client.flows:
            # The text of real refusals (a public Lambda log of aws-sdk v2: "USER_PASSWORD_AUTH flow not
            # enabled for this client"); [I] the same words for the other flows.
            raise cs.InvalidParameterException(f"{flow} flow not enabled for this client")
        params = dict(r.auth_parameters or {})

        def parameter(name: str) -> str:
            if not params.get(name):  # whole-api 3.3 has "Missing required parameter Session"; [I] here
                raise cs.InvalidParameterException(f"Missing required parameter {name}")
            return params[name]

        if flow == "USER_PASSWORD_AUTH":
            username, password = parameter("USERNAME"), parameter("PASSWORD")
            user = pool.users.get(username)
            if user is None and not client.hide_user_existence:
                raise cs.UserNotFoundException("User does not exist.")
            if user is None or user.password != password:
                raise cs.NotAuthorizedException("Incorrect username or password.")  # wire-truth 4.2
            if user.status == "FORCE_CHANGE_PASSWORD":
                # The challenge instead of tokens (localstack#8411 records the real answer: no
                # AuthenticationResult).  RespondToAuthChallenge is not emulated; AdminSetUserPassword is.
                shown = {str(a.name): a.value for a in user.attributes if a.name != "sub"}
                return cs.InitiateAuthResponse(
                    challenge_name="NEW_PASSWORD_REQUIRED",
                    session=secrets.token_urlsafe(96),
                    challenge_parameters={
                        "USER_ID_FOR_SRP": user.username,
                        "requiredAttributes": "[]",
                        "userAttributes": json.dumps(shown),
                    },
                )
            issued = client.issuer.issue(
                sub=user.sub,
                username=user.username,
                client_id=r.client_id,
                now=time.time(),
                attributes=user.claims(),
            )
            session = Session(
                str(issued.access_claims.origin_jti),
                r.client_id,
                user.username,
                issued.access_claims.auth_time,
                issued.refresh_expires,
            )
            pool.sessions[session.origin_jti] = session
            pool.refresh_tokens[issued.refresh_token] = session.origin_jti
            return self.signed_in_answer(issued, with_refresh_token=True)
        if flow == "REFRESH_TOKEN_AUTH":
            token = parameter("REFRESH_TOKEN")
            found = pool.sessions.get(pool.refresh_tokens.get(token, ""))
            # The texts of aws/aws-sdk-cpp#1789 (a botocore log) and aws-amplify/amplify-swift#3344
            # (the service's headers); [I] another client's token is as unknown as a made-up one.
            if found is None or found.client_id != r.client_id:
                raise cs.NotAuthorizedException("Invalid Refresh Token.")
            if found.revoked:
                raise cs.NotAuthorizedException("Refresh Token has been revoked")
            if time.time() >= found.refresh_expires:
                raise cs.NotAuthorizedException("Refresh Token has expired")  # [I]
            user = pool.user(found.username)
            issued = client.issuer.issue(
                sub=user.sub,
                username=user.username,
                client_id=r.client_id,
                now=time.time(),
                attributes=user.claims(),
                auth_time=found.auth_time,  # a refresh keeps the session's auth_time and origin_jti
                origin_jti=found.origin_jti,
            )
            return self.signed_in_answer(issued, with_refresh_token=False)  # no rotation: no new one
        raise not_emulated(op, f"with {flow}")

    @staticmethod
    def signed_in_answer(issued: IssuedTokens, *, with_refresh_token: bool) -> cs.InitiateAuthResponse:
        return cs.InitiateAuthResponse(
            challenge_parameters={},  # the service sends an empty map next to tokens
            authentication_result=cs.AuthenticationResultType(
                access_token=issued.access_token,
                expires_in=issued.expires_in,
                token_type=issued.token_type,
                refresh_token=issued.refresh_token if with_refresh_token else None,
                id_token=issued.id_token,
            ),
        )

    def revoke_token(self, r: cs.RevokeTokenRequest) -> cs.RevokeTokenResponse:
        # RevokeToken declares neither ResourceNotFound nor NotAuthorized: [I] an unknown client, or
        # another client's token, is UnauthorizedException; the texts are [I].
        home = self.client_pools.get(r.client_id)
        if home is None:
            raise cs.UnauthorizedException(f"User pool client {r.client_id} does not exist.")
        pool = self.pools[home]
        if not pool.clients[r.client_id].revocation:
            raise cs.UnsupportedOperationException("Token revocation is not enabled for this client.")  # [I]
        if not looks_like_refresh_token(r.token):
            raise cs.UnsupportedTokenTypeException("Only refresh tokens can be revoked.")  # [I]
        session = pool.sessions.get(pool.refresh_tokens.get(r.token, ""))
        if session is None:  # [I] an unknown token is no error, as RFC 7009 section 2.2 has it
            return cs.RevokeTokenResponse()
        if session.client_id != r.client_id:
            raise cs.UnauthorizedException("The token was not issued to this client.")  # [I]
        session.revoked = True  # the refresh token and every access token of its session
        return cs.RevokeTokenResponse()

    # -- HTTP -------------------------------------------------------------------------------------

    def answer(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> Rendered:
        if is_preflight(method, headers):
            return render_preflight(headers)
        if method == "GET" and path.endswith("/.well-known/jwks.json"):
            with self.lock:
                pool = self.pools.get(path.split("/")[1])
            # [I] an unknown pool's document: 404 (its text is not recorded)
            out = json.dumps(pool.issuer.jwks() if pool else {"message": "User pool not found"}).encode()
            content = [("Content-Type", "application/json"), ("Content-Length", str(len(out)))]
            return Rendered(200 if pool else 404, content, out)
        try:
            op, request = cs.parse_request(headers, body)
            with self.lock:
                result = self.handle(op, request)
            return cs.render_response(result, operation=op)
        except cs.ServiceError as exc:
            return cs.render_error(exc)
        except Exception:  # a bug of the emulator: say so in the answer and on stderr
            traceback.print_exc()
            return cs.render_error(cs.InternalErrorException("the emulator failed"))

    def wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        headers = [(k[5:].replace("_", "-"), v) for k, v in environ.items() if k.startswith("HTTP_")]
        headers.append(("Content-Type", environ.get("CONTENT_TYPE", "")))
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        status, out_headers, out = self.answer(method, path, headers, body)
        cors = [] if is_preflight(method, headers) else cors_headers(headers)  # a preflight has its own
        start_response(f"{status} {HTTPStatus(status).phrase}", out_headers + cors)
        return [out]


def write_key(key: SigningKey, path: str) -> None:
    """The private PEM at ``path``, readable by its owner only (also when the file existed)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(key.private_pem())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A small Cognito user pools emulator (cognito-spec example)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9229)
    parser.add_argument(
        "--key-out", metavar="PATH", help="write the signing key's private PEM here (mode 0600)"
    )
    args = parser.parse_args(argv)
    emu = Emulator()
    if args.key_out:
        write_key(emu.signing_key, args.key_out)
    server = make_server(args.host, args.port, emu.app, server_class=_ThreadingServer)
    print(f"serving http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
