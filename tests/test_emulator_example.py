"""The README's emulator example (examples/emulator.py), served on 127.0.0.1 and called with boto3."""

from __future__ import annotations

import http.client
import importlib.util
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
