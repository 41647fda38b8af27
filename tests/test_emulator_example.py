"""The README's emulator example (examples/emulator.py), served on 127.0.0.1 and called with boto3."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from cognito_spec import OPERATIONS
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.tokens import SigningKey, TokenIssuer, VerificationKeys, judge_access_token
from cognito_spec.traffic.check import validate_exchange

boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "emulator.py"
POOL = "eu-west-1_Example01"
PASSWORD = "Correct-Horse-1"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("emulator_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def emulator() -> ModuleType:
    return load_example()


@pytest.fixture(scope="module")
def server(emulator: ModuleType) -> Iterator[tuple[str, int]]:
    httpd: WSGIServer = make_server("127.0.0.1", 0, emulator.app, handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def idp(server: tuple[str, int]) -> Any:
    host, port = server
    return boto3.client(
        "cognito-idp",
        endpoint_url=f"http://{host}:{port}",
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def token(emulator: ModuleType) -> str:
    """A fresh access token of alice's, from the emulator's sign-in helper."""
    issued: str = emulator.sign_in("alice", PASSWORD).access_token
    return issued


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response: dict[str, Any] = info.value.response
    return response


def exchange(
    server: tuple[str, int], method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*server, timeout=10)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    out = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, out


def test_the_usage_line_works_on_a_machine_without_aws_configuration(
    server: tuple[str, int], tmp_path: Path
) -> None:
    doc = load_example().__doc__ or ""
    lines = [line.strip() for line in doc.splitlines() if line.startswith("    ") and "python " not in line]
    code = "\n".join(lines).replace("127.0.0.1:9229", f"{server[0]}:{server[1]}")
    assert "boto3.client(" in code and "admin_get_user(" in code
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    nowhere = str(tmp_path / "none")
    env |= {"HOME": str(tmp_path), "AWS_CONFIG_FILE": nowhere, "AWS_SHARED_CREDENTIALS_FILE": nowhere}
    env |= {"AWS_EC2_METADATA_DISABLED": "true"}
    *head, last = code.splitlines()
    script = "\n".join([*head, f"print({last}['Username'])"])
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert (run.returncode, run.stdout.strip()) == (0, "alice"), run.stderr


def test_boto3_reads_the_emulators_answers(idp: Any, token: str) -> None:
    user = idp.admin_get_user(UserPoolId=POOL, Username="alice")
    assert user["Username"] == "alice" and user["Enabled"] is True
    assert user["UserAttributes"] == [{"Name": "email", "Value": "alice@example.com"}]
    assert idp.get_user(AccessToken=token)["Username"] == "alice"
    factors = idp.get_user_auth_factors(AccessToken=token)
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD"]
    assert len(user["ResponseMetadata"]["RequestId"]) == 36


def test_boto3_sees_the_services_errors(idp: Any) -> None:
    missing = error_of(idp.admin_get_user, UserPoolId=POOL, Username="bob")
    assert missing["Error"] == {"Code": "UserNotFoundException", "Message": "User does not exist."}
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(idp.exceptions.UserNotFoundException):  # the SDK's modelled exception class
        idp.admin_get_user(UserPoolId=POOL, Username="bob")
    pool = error_of(idp.admin_get_user, UserPoolId="eu-west-1_Other", Username="alice")
    assert pool["Error"]["Message"] == "User pool eu-west-1_Other does not exist."
    # botocore checks no patterns: the emulator's parse_request does, as the service does.
    invalid = error_of(idp.admin_get_user, UserPoolId="not a pool id!", Username="alice")
    assert invalid["Error"] == {
        "Code": "InvalidParameterException",
        "Message": "1 validation error detected: Value 'not a pool id!' at 'userPoolId' failed to satisfy"
        " constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
    }


def test_access_tokens_are_judged_with_the_services_messages(idp: Any, emulator: ModuleType) -> None:
    def refusal(access_token: str) -> dict[str, str]:
        error: dict[str, str] = error_of(idp.get_user, AccessToken=access_token)["Error"]
        return error

    expired = emulator.sign_in("alice", PASSWORD, at=time.time() - 3600).access_token
    assert refusal(expired) == {"Code": "NotAuthorizedException", "Message": "Access Token has expired"}
    revoked = emulator.sign_in("alice", PASSWORD).access_token
    assert idp.get_user(AccessToken=revoked)["Username"] == "alice"
    emulator.sign_out(revoked)
    assert refusal(revoked) == {"Code": "NotAuthorizedException", "Message": "Access Token has been revoked"}
    stranger = TokenIssuer(pool_id=POOL, access_key=SigningKey.generate())
    forged = stranger.issue(sub="x", username="alice", client_id="c", now=time.time()).access_token
    for bad in (forged, "someone-elses-token", emulator.sign_in("alice", PASSWORD).id_token):
        assert refusal(bad) == {"Code": "NotAuthorizedException", "Message": "Invalid Access Token"}


def test_a_signed_operation_called_unsigned_is_refused_before_validation(server: tuple[str, int]) -> None:
    headers = {"X-Amz-Target": OPERATIONS["AdminGetUser"].target, "Content-Type": CONTENT_TYPE}
    for body in (b'{"UserPoolId": "eu-west-1_Example01", "Username": "alice"}', b'{"UserPoolId": "bad!"}'):
        status, h, out = exchange(server, "POST", "/", headers, body)
        assert (status, h["x-amzn-errortype"]) == (400, "MissingAuthenticationTokenException:")
        assert (
            out
            == b'{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}'
        )


def test_the_sign_in_helper_and_the_jwks_over_http(server: tuple[str, int], emulator: ModuleType) -> None:
    status, _, out = exchange(
        server, "POST", "/_emulator/sign-in", {}, b'{"Username":"alice","Password":"x"}'
    )
    assert (status, json.loads(out)["__type"]) == (400, "NotAuthorizedException")
    body = json.dumps({"Username": "alice", "Password": PASSWORD}).encode()
    status, _, out = exchange(server, "POST", "/_emulator/sign-in", {}, body)
    result = json.loads(out)["AuthenticationResult"]
    assert status == 200 and result["ExpiresIn"] == 3600 and result["TokenType"] == "Bearer"
    status, h, jwks = exchange(server, "GET", f"/{POOL}/.well-known/jwks.json", {})
    assert status == 200 and h["content-type"] == "application/json"
    keys = VerificationKeys.from_jwks(jwks)
    claims = judge_access_token(result["AccessToken"], keys=keys, now=time.time(), pool_id=POOL)
    assert claims.username == "alice" and claims.client_id == emulator.CLIENT_ID
    status, _, _ = exchange(server, "POST", "/_emulator/sign-out", {}, b'{"AccessToken":"x"}')
    assert status == 400


ORIGIN = "http://localhost:5173"
EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"


def test_a_browsers_preflight_and_requests_get_the_services_cors_headers(
    server: tuple[str, int], token: str
) -> None:
    asked = "content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request"
    preflight = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": asked,
    }
    status, h, out = exchange(server, "OPTIONS", "/", preflight)
    assert (status, out) == (200, b"")
    assert h["access-control-allow-origin"] == "*"
    assert h["access-control-allow-methods"] == "POST" and h["access-control-allow-headers"] == asked
    assert h["access-control-expose-headers"] == EXPOSED and h["access-control-max-age"] == "172800"
    call = {"Origin": ORIGIN, "X-Amz-Target": OPERATIONS["GetUser"].target, "Content-Type": CONTENT_TYPE}
    for access_token, expected in ((token, 200), ("not-a-token", 400)):  # errors too: the page reads them
        body = json.dumps({"AccessToken": access_token}).encode()
        status, h, _ = exchange(server, "POST", "/", call, body)
        assert status == expected
        assert (h["access-control-allow-origin"], h["access-control-expose-headers"]) == ("*", EXPOSED)
    del call["Origin"]
    assert "access-control-allow-origin" not in exchange(server, "POST", "/", call, b"{}")[1]


@pytest.mark.parametrize(
    ("target", "body", "content_type"),
    [
        (OPERATIONS["GetUser"].target, b'{"AccessToken":"%s"}', CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b'{"AccessToken":"nobody"}', CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b'{"AccessToken": ', CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b"", CONTENT_TYPE),
        (OPERATIONS["GetUserAuthFactors"].target, b'{"AccessToken":"%s"}', CONTENT_TYPE + "; charset=utf-8"),
        ("AWSCognitoIdentityProviderService.NoSuchThing", b"{}", CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b'{"AccessToken":"%s"}', "application/json"),
    ],
    ids=["ok", "bad-token", "malformed", "empty", "charset", "unknown-operation", "json-media-type"],
)
def test_every_answer_is_one_the_service_could_give(
    server: tuple[str, int], token: str, target: str, body: bytes, content_type: str
) -> None:
    body = body.replace(b"%s", token.encode())
    headers = {"X-Amz-Target": target, "Content-Type": content_type}
    status, response_headers, out = exchange(server, "POST", "/", headers, body)
    findings = validate_exchange(
        request_headers=headers,
        request_body=body,
        status=status,
        response_headers=response_headers,
        response_body=out,
    )
    assert [f for f in findings if f.severity == "error"] == []
    # Nothing about the server's answer: only the client's faults, and what a capture without a
    # time cannot judge (a token's expiry).
    assert {f.side for f in findings} <= {"client", "capture"}


# --------------------------------------------------------------------------------------------------
# Typing for users: the example and user code of the sans-IO layer pass mypy --strict without casts.

ROOT = EXAMPLE.parent.parent

USER_CODE = """
from __future__ import annotations

from typing import assert_never, assert_type

import cognito_spec as cs
from cognito_spec.protocol.server import ParsedRequest, Request, Response


def respond(request: Request) -> Response:
    match request:
        case cs.GetUserRequest():
            assert_type(request.access_token, str)
            return cs.GetUserResponse(username="u", user_attributes=())
        case cs.AdminGetUserRequest(user_pool_id=pool, username=name):
            assert_type(pool, str)
            return cs.AdminGetUserResponse(username=name)
        case cs.GetUserAuthFactorsRequest():
            raise cs.NotAuthorizedException(cs.INVALID_ACCESS_TOKEN)
        case _:
            raise cs.InternalErrorException("not emulated")


def serve(headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    try:
        parsed = cs.parse_request(headers, body)
        assert_type(parsed, ParsedRequest)
        assert_type(parsed.operation, cs.Operation)
        assert_type(parsed.request, Request)
        op, request = parsed  # still a pair
        assert_type(op, cs.Operation)
        status, out_headers, out = cs.render_response(respond(request), request_id="r-1")
    except cs.ServiceError as exc:
        status, out_headers, out = cs.render_error(exc, request_id="r-1")
    assert_type(status, int)
    assert_type(out_headers, list[tuple[str, str]])
    assert_type(out, bytes)
    return status, out_headers, out


serve([(b"X-Amz-Target", b"AWSCognitoIdentityProviderService.GetUser")], b"{}")
cs.parse_request({"X-Amz-Target": "x"}, "")
cs.parse_request(None, None)
"""


def unions_match_the_registry() -> str:
    """Code that type-checks only if Request and Response name exactly the registry's classes.

    Each class must be assignable to its union (none missing), and a match over the registry's
    classes must leave nothing for ``assert_never`` (none extra).
    """
    lines = [
        "from typing import assert_never",
        "",
        "import cognito_spec as cs",
        "from cognito_spec.protocol.server import Request, Response",
        "",
    ]
    for union, classes in (
        ("Request", sorted(op.input.__name__ for op in OPERATIONS.values())),
        ("Response", sorted(op.output.__name__ for op in OPERATIONS.values() if op.output is not None)),
    ):
        for n in classes:
            lines += ["", f"def as_{n}(x: cs.{n}) -> {union}:", "    return x", ""]
        lines += ["", f"def every_{union}(x: {union}) -> int:", "    match x:"]
        for n in classes:
            lines += [f"        case cs.{n}():", "            return 0"]
        lines += ["        case _:", "            assert_never(x)", ""]
    return "\n".join(lines) + "\n"


def test_the_example_and_user_code_pass_mypy_strict(tmp_path: Path) -> None:
    user = tmp_path / "user_code.py"
    user.write_text(USER_CODE, encoding="utf-8")
    drift = tmp_path / "unions.py"
    drift.write_text(unions_match_the_registry(), encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT)}  # this tree's cognito_spec, not an installed one
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "/dev/null",
            "--strict",
            "--python-version",
            "3.11",
            "--follow-imports=silent",  # as for an installed package: report the files given only
            "--cache-dir",
            str(tmp_path / "cache"),
            str(EXAMPLE),
            str(user),
            str(drift),
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
