"""The shipped example of a browser signing in with Amplify v6 (examples/amplify-sign-in.har).

It is made by tools/make_amplify_har.py, deterministically; here it is made again and compared, so
it cannot drift from the library.  It validates with no finding at all, through the command line
and the library: every exchange is traffic as Amplify sends it and the service answers it.  Then
the facts of Amplify's requests the example stands for (whole-api.md section 6), and that the
checks are alive on this traffic: a departure the service would not make is found.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from cognito_spec.tokens import decode_unverified
from cognito_spec.traffic.check import examine
from cognito_spec.traffic.record import Exchange, header
from cognito_spec.traffic.source import read_capture
from cognito_spec.traffic.tokens import capture_time

pytest.importorskip("joserfc")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "amplify-sign-in.har"
TOOL = ROOT / "tools" / "make_amplify_har.py"
FLOW = [
    ("InitiateAuth", "USER_SRP_AUTH"),
    ("RespondToAuthChallenge", "PASSWORD_VERIFIER"),
    ("ConfirmDevice", None),
    ("GetUser", None),
    ("GetTokensFromRefreshToken", None),
    ("InitiateAuth", "USER_AUTH"),
    ("RespondToAuthChallenge", "SELECT_CHALLENGE"),
    ("RespondToAuthChallenge", "EMAIL_OTP"),
]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TIMESTAMP = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [1-9][0-9]? "
    r"[0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC [0-9]{4}"
)


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location("make_amplify_har", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def calls() -> list[Exchange]:
    return list(read_capture(EXAMPLE))


def body(data: bytes | None) -> Any:
    return json.loads(data or b"")


def test_the_example_is_what_the_tool_makes() -> None:
    assert _tool().render() == EXAMPLE.read_text(encoding="utf-8")


def test_the_command_line_finds_nothing() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cognito_spec", "validate", "--format", "json", "--strict", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    (summary,) = (json.loads(line) for line in proc.stdout.splitlines())
    assert summary["type"] == "summary"
    assert (summary["entries"], summary["exchanges"], summary["valid"]) == (9, 8, 8)
    assert (summary["errors"], summary["warnings"], summary["skipped"]) == (0, 0, {"preflight": 1})
    assert summary["operations"] == {
        "ConfirmDevice": 1,
        "GetTokensFromRefreshToken": 1,
        "GetUser": 1,
        "InitiateAuth": 2,
        "RespondToAuthChallenge": 3,
    }


def test_the_library_finds_nothing_in_the_flow_of_a_sign_in(calls: list[Exchange]) -> None:
    flow = []
    for ex in calls:
        report = examine(ex)
        assert report.findings == (), (ex.index, report.findings)
        request = body(ex.request_body)
        flow.append((report.operation, request.get("AuthFlow") or request.get("ChallengeName")))
    assert flow == FLOW


def test_requests_are_written_as_amplify_writes_them(calls: list[Exchange]) -> None:
    for ex in calls:
        h = dict(ex.request_headers)
        assert h["content-type"] == "application/x-amz-json-1.1"
        assert h["x-amz-target"].startswith("AWSCognitoIdentityProviderService.")
        assert h["cache-control"] == "no-store"
        assert h["x-amz-user-agent"].startswith("aws-amplify/6.")
        assert UUID.fullmatch(h["amz-sdk-invocation-id"])
        assert h["amz-sdk-request"] == "attempt=1; max=3"
        assert "authorization" not in h and "x-amz-date" not in h  # Amplify does not sign
        request = body(ex.request_body)
        # JSON.stringify: compact, and undefined members left out (never null)
        assert ex.request_body == json.dumps(request, separators=(",", ":")).encode()
        assert b"null" not in (ex.request_body or b"")
    srp = body(calls[0].request_body)["AuthParameters"]["SRP_A"]
    assert re.fullmatch(r"[1-9a-f][0-9a-f]*", srp)  # BigInt.toString(16)
    responses = body(calls[1].request_body)["ChallengeResponses"]
    assert TIMESTAMP.fullmatch(responses["TIMESTAMP"])
    assert list(responses) == [
        "USERNAME",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "TIMESTAMP",
        "PASSWORD_CLAIM_SIGNATURE",
    ]
    assert base64.b64decode(responses["PASSWORD_CLAIM_SIGNATURE"], validate=True)


def test_responses_are_the_services(calls: list[Exchange]) -> None:
    for ex in calls:
        assert ex.status == 200
        assert header(ex.response_headers, "content-type") == "application/x-amz-json-1.1"
        assert UUID.fullmatch(header(ex.response_headers, "x-amzn-requestid") or "")
    device = body(calls[1].response_body)["AuthenticationResult"]["NewDeviceMetadata"]
    assert body(calls[2].request_body)["DeviceKey"] == device["DeviceKey"]
    assert body(calls[5].response_body)["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP"]


def test_tokens_are_the_pools_and_valid_when_used(calls: list[Exchange]) -> None:
    issued = {}
    for ex in calls:
        result = body(ex.response_body).get("AuthenticationResult")
        if result is None:
            continue
        access, id_token = decode_unverified(result["AccessToken"]), decode_unverified(result["IdToken"])
        at = capture_time(ex.started)
        assert at is not None and access.iat <= at < access.exp
        assert access.exp - access.iat == result["ExpiresIn"] and result["TokenType"] == "Bearer"
        assert access.iss == id_token.iss == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Xq3mP9tVb"
        issued[ex.index] = access
    assert sorted(issued) == [2, 5, 8]
    # The refresh keeps the session: the same auth_time and origin_jti, a later iat.
    assert issued[5].auth_time == issued[2].auth_time and issued[5].origin_jti == issued[2].origin_jti
    assert issued[5].iat > issued[2].iat
    # Each token is used while it is valid.
    for ex in calls:
        token = body(ex.request_body).get("AccessToken")
        if token is not None:
            at = capture_time(ex.started)
            assert at is not None and at < decode_unverified(token).exp


def _with_response(ex: Exchange, change: Any) -> Exchange:
    data = body(ex.response_body)
    change(data)
    return attrs.evolve(ex, response_body=json.dumps(data, separators=(",", ":")).encode())


def test_the_checks_are_alive_on_this_traffic(calls: list[Exchange]) -> None:
    """What emulators got wrong (whole-api.md section 5), planted in this traffic, is found."""
    kinds = lambda ex: {f.kind for f in examine(ex).findings}  # noqa: E731
    get_user = next(ex for ex in calls if "GetUser" in (header(ex.request_headers, "x-amz-target") or ""))
    # GetUser two hours later, still answered: the service refuses the expired token.
    later = attrs.evolve(get_user, started="2026-11-26T18:00:00.000Z")
    assert kinds(later) == {"token_expired_accepted"}
    # A refresh token that is a UUID, as moto issues them.
    signed_in = calls[1]
    uuid_refresh = _with_response(
        signed_in,
        lambda d: d["AuthenticationResult"].update(RefreshToken="55115cab-0238-42ef-a5d7-c80da4855dd8"),
    )
    assert kinds(uuid_refresh) == {"issued_token"}
    # No ExpiresIn next to the access token (cognito-local#252).
    assert kinds(_with_response(signed_in, lambda d: d["AuthenticationResult"].pop("ExpiresIn"))) == {
        "expires_in"
    }
    # Served as application/json (cognito-local#404).
    relabelled = attrs.evolve(
        get_user,
        response_headers=tuple(
            (k, "application/json" if k == "content-type" else v) for k, v in get_user.response_headers
        ),
    )
    assert kinds(relabelled) == {"json_content_type"}
    # A Cognito emulator answering a request without its target (the issue that hid XML answers).
    untargeted = attrs.evolve(
        get_user,
        url="http://127.0.0.1:9229/",
        request_headers=tuple((k, v) for k, v in get_user.request_headers if k != "x-amz-target"),
        response_headers=(("content-type", "text/xml"),),
        response_body=b"<GetCallerIdentityResponse/>",
    )
    assert {"missing_target", "content_type", "rejection_expected"} <= kinds(untargeted)
