"""The example emulator (examples/emulator.py) as the AWS SDK for JavaScript v3 sees it.

Python sets up a pool, an app client and a user with boto3, as ``cognito-spec probe`` does, and forges
an expired access token with the emulator's key.  Then one node process
(``tests/js/sdk/emulator_check.mjs``) signs in with InitiateAuth, refreshes, calls GetUser,
AdminGetUser (signed with dummy credentials) and GlobalSignOut with
``@aws-sdk/client-cognito-identity-provider``, pinned in ``tests/js/sdk/package.json`` and its lock
file and installed by the fixture below with ``npm ci`` into ``tests/js/sdk/node_modules`` (reused
while it matches the pin).  It prints what the SDK made of each answer (``err.name``,
``err.message``, the status), which is what an app sees.  Without ``node`` or ``npm`` the test is
skipped.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import attrs
import pytest
from _example import load_example
from _node import node_with, pinned

from cognito_spec.tokens import AccessTokenClaims, TokenIssuer, parse_token

boto3 = pytest.importorskip("boto3")

ROOT = Path(__file__).resolve().parent.parent
SDK = ROOT / "tests" / "js" / "sdk"
PACKAGE = "@aws-sdk/client-cognito-identity-provider"
PINNED = pinned(SDK, PACKAGE)
PASSWORD = "Correct-Horse-1"


@pytest.fixture(scope="module")
def node() -> str:
    return node_with(SDK, PACKAGE, "run the AWS SDK for JavaScript")


def set_up(url: str) -> tuple[str, str, str]:
    """The probe's set-up over HTTP: a pool, a password client, alice signed in; her access token."""
    idp = boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    pool = idp.create_user_pool(PoolName="cognito-spec-probe-js")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="js",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    attributes = [{"Name": "email", "Value": "alice@example.com"}]
    idp.admin_create_user(
        UserPoolId=pool, Username="alice", UserAttributes=attributes, MessageAction="SUPPRESS"
    )
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    signed_in = idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )
    access_token: str = signed_in["AuthenticationResult"]["AccessToken"]
    return pool, client, access_token


@pytest.fixture(scope="module")
def sdk_saw(node: str) -> dict[str, Any]:
    """What the JS SDK made of each call, from one node run against the emulator on a free port."""
    emu = load_example("emulator_example_js").Emulator()
    server, url = emu.serve("127.0.0.1", 0)
    try:
        pool, client, token = set_up(url)
        claims = parse_token(token).claims
        assert isinstance(claims, AccessTokenClaims)
        expired = TokenIssuer(pool_id=pool, access_key=emu.signing_key).sign(
            attrs.evolve(claims, exp=int(time.time()) - 60)
        )
        done = subprocess.run(
            [node, str(SDK / "emulator_check.mjs"), url, pool, client, expired],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def not_authorized(message: str) -> dict[str, Any]:
    return {"name": "NotAuthorizedException", "message": message, "status": 400, "fault": "client"}


def test_the_js_sdk_signs_in_refreshes_and_reads_the_user(sdk_saw: dict[str, Any]) -> None:
    assert sdk_saw["signIn"] == {"expiresIn": 3600, "tokenType": "Bearer", "hasRefreshToken": True}
    assert sdk_saw["refreshed"] == {"expiresIn": 3600}
    user = sdk_saw["getUser"]["ok"]
    assert user["Username"] == "alice"
    assert [a["Name"] for a in user["UserAttributes"]] == ["sub", "email"]
    admin = sdk_saw["adminGetUser"]["ok"]  # signed with dummy credentials
    assert (admin["Username"], admin["Enabled"], admin["UserStatus"]) == ("alice", True, "CONFIRMED")


def test_the_js_sdk_surfaces_the_services_errors(sdk_saw: dict[str, Any]) -> None:
    assert sdk_saw["wrongPassword"] == not_authorized("Incorrect username or password.")
    assert sdk_saw["expired"] == not_authorized("Access Token has expired")
    assert sdk_saw["invalid"] == not_authorized("Invalid Access Token")
    assert sdk_saw["signOut"] == {"ok": {}}
    assert sdk_saw["revoked"] == not_authorized("Access Token has been revoked")  # a refreshed token too
