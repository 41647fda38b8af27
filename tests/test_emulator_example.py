"""The README's emulator example (examples/emulator.py), served on 127.0.0.1 and called with boto3."""

from __future__ import annotations

import http.client
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from cognito_spec import OPERATIONS
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.traffic.check import validate_exchange

boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "emulator.py"
POOL = "eu-west-1_Example01"


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
def server() -> Iterator[tuple[str, int]]:
    httpd: WSGIServer = make_server("127.0.0.1", 0, load_example().app, handler_class=_Quiet)
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


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response: dict[str, Any] = info.value.response
    return response


def test_boto3_reads_the_emulators_answers(idp: Any) -> None:
    user = idp.admin_get_user(UserPoolId=POOL, Username="alice")
    assert user["Username"] == "alice" and user["Enabled"] is True
    assert user["UserAttributes"] == [{"Name": "email", "Value": "alice@example.com"}]
    assert idp.get_user(AccessToken="alice-access-token")["Username"] == "alice"
    factors = idp.get_user_auth_factors(AccessToken="alice-access-token")
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD"]
    assert len(user["ResponseMetadata"]["RequestId"]) == 36


def test_boto3_sees_the_services_errors(idp: Any) -> None:
    missing = error_of(idp.admin_get_user, UserPoolId=POOL, Username="bob")
    assert missing["Error"] == {"Code": "UserNotFoundException", "Message": "User does not exist."}
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(idp.exceptions.UserNotFoundException):  # the SDK's modelled exception class
        idp.admin_get_user(UserPoolId=POOL, Username="bob")
    token = error_of(idp.get_user, AccessToken="someone-elses-token")
    assert token["Error"]["Code"] == "NotAuthorizedException"
    # botocore checks no patterns: the emulator's parse_request does, as the service does.
    invalid = error_of(idp.admin_get_user, UserPoolId="not a pool id!", Username="alice")
    assert invalid["Error"] == {
        "Code": "InvalidParameterException",
        "Message": "1 validation error detected: Value 'not a pool id!' at 'userPoolId' failed to satisfy"
        " constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
    }


@pytest.mark.parametrize(
    ("target", "body", "content_type"),
    [
        (OPERATIONS["GetUser"].target, b'{"AccessToken":"alice-access-token"}', CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b'{"AccessToken":"nobody"}', CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b'{"AccessToken": ', CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b"", CONTENT_TYPE),
        (
            OPERATIONS["GetUserAuthFactors"].target,
            b'{"AccessToken":"alice-access-token"}',
            CONTENT_TYPE + "; charset=utf-8",
        ),
        ("AWSCognitoIdentityProviderService.NoSuchThing", b"{}", CONTENT_TYPE),
        (OPERATIONS["GetUser"].target, b'{"AccessToken":"alice-access-token"}', "application/json"),
    ],
    ids=["ok", "bad-token", "malformed", "empty", "charset", "unknown-operation", "json-media-type"],
)
def test_every_answer_is_one_the_service_could_give(
    server: tuple[str, int], target: str, body: bytes, content_type: str
) -> None:
    conn = http.client.HTTPConnection(*server, timeout=10)
    headers = {"X-Amz-Target": target, "Content-Type": content_type}
    conn.request("POST", "/", body=body, headers=headers)
    resp = conn.getresponse()
    out = resp.read()
    conn.close()
    findings = validate_exchange(
        request_headers=headers,
        request_body=body,
        status=resp.status,
        response_headers=resp.getheaders(),
        response_body=out,
    )
    assert [f for f in findings if f.severity == "error"] == []
    assert {f.location for f in findings} <= {"request", "envelope"}  # only the client's faults, if any


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
