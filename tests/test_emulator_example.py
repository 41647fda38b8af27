"""The example emulator (examples/emulator.py), served on 127.0.0.1 and driven with boto3.

The tests walk the scenario of ``cognito-spec probe``: set-up (a pool, an app client, a user, a
permanent password, a sign-in), the probes (reads, refusals, token cases) and the clean-up.  Every
exchange a test makes is recorded and examined by ``cognito_spec.traffic.check.examine`` after the
test: the emulator must never give an answer the service could not give (no server-side finding).
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from _example import EXAMPLE, load_example

from cognito_spec import OPERATIONS
from cognito_spec.protocol.server import CONTENT_TYPE
from cognito_spec.tokens import (
    AccessTokenClaims,
    IdTokenClaims,
    SigningKey,
    TokenIssuer,
    VerificationKeys,
    judge_access_token,
    parse_token,
)
from cognito_spec.traffic.check import examine
from cognito_spec.traffic.record import Exchange

boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "examples" / "emulator_state.py"
TEMPORARY, PASSWORD = "Temporary-Pass-1", "Correct-Horse-1"
ORIGIN = "http://localhost:5173"
EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"


class Recorder:
    """A WSGI wrapper that keeps every exchange, as a capture would."""

    def __init__(self, app: Any) -> None:
        self.app, self.exchanges, self.lock = app, list[Exchange](), threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        headers = [(k[5:].replace("_", "-"), v) for k, v in environ.items() if k.startswith("HTTP_")]
        headers.append(("Content-Type", environ.get("CONTENT_TYPE", "")))
        answer: dict[str, Any] = {}

        def keep(status: str, out_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer.update(status=int(status.split(maxsplit=1)[0]), headers=out_headers)
            return start_response(status, out_headers, exc_info)

        out = b"".join(self.app(environ, keep))
        with self.lock:
            self.exchanges.append(
                Exchange(
                    request_headers=headers,
                    request_body=body,
                    status=answer["status"],
                    response_headers=answer["headers"],
                    response_body=out,
                    method=environ["REQUEST_METHOD"],
                    url=environ.get("PATH_INFO", "/"),
                )
            )
        return [out]


@pytest.fixture(scope="module")
def emulator() -> ModuleType:
    return load_example()


@pytest.fixture(scope="module")
def emu(emulator: ModuleType) -> Any:
    return emulator.Emulator(region="eu-west-1")


@pytest.fixture(scope="module")
def recorder(emu: Any) -> Recorder:
    emu.app = Recorder(emu.app)  # before serve(), which serves emu.app
    recorded: Recorder = emu.app
    return recorded


@pytest.fixture(scope="module")
def url(emu: Any, recorder: Recorder) -> Iterator[str]:
    server, base = emu.serve("127.0.0.1", 0)
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def every_answer_is_one_the_service_could_give(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that served: no exchange it made has a finding about the server's side."""
    if "url" not in request.fixturenames:
        yield
        return
    recorder: Recorder = request.getfixturevalue("recorder")
    start = len(recorder.exchanges)
    yield
    for ex in recorder.exchanges[start:]:
        if ex.method != "POST":  # the JWKS document and preflights are not awsJson1_1 exchanges
            continue
        report = examine(ex)
        server = [f for f in report.findings if f.side == "server"]
        assert server == [], (report.operation, ex.request_body, ex.response_body)


@pytest.fixture(scope="module")
def idp(url: str) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


@attrs.frozen
class Scenario:
    pool: str
    client: str
    username: str
    tokens: dict[str, Any]  # the AuthenticationResult of the sign-in


def sign_in(idp: Any, client: str, username: str, password: str = PASSWORD) -> dict[str, Any]:
    answer = idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


def refresh(idp: Any, client: str, refresh_token: str) -> dict[str, Any]:
    answer = idp.initiate_auth(
        ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token}
    )
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result


@pytest.fixture
def scenario(idp: Any) -> Iterator[Scenario]:
    """The probe's set-up, then its clean-up."""
    pool = idp.create_user_pool(PoolName=f"cognito-spec-probe-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="probe",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    attributes = [
        {"Name": "email", "Value": "alice@example.com"},
        {"Name": "email_verified", "Value": "true"},
    ]
    idp.admin_create_user(
        UserPoolId=pool,
        Username="alice",
        UserAttributes=attributes,
        MessageAction="SUPPRESS",
        TemporaryPassword=TEMPORARY,
    )
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    yield Scenario(pool, client, "alice", sign_in(idp, client, "alice"))
    idp.admin_delete_user(UserPoolId=pool, Username="alice")
    idp.delete_user_pool_client(UserPoolId=pool, ClientId=client)
    idp.delete_user_pool(UserPoolId=pool)


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    error: dict[str, str] = info.value.response["Error"]
    return error


def not_authorized(message: str) -> dict[str, str]:
    return {"Code": "NotAuthorizedException", "Message": message}


def forged(emu: Any, token: str, **changes: Any) -> str:
    """``token`` with some claims changed, signed with the emulator's key (as the probe does)."""
    claims = parse_token(token).claims
    assert isinstance(claims, AccessTokenClaims)
    issuer = TokenIssuer(pool_id=claims.iss.rpartition("/")[2], access_key=emu.signing_key)
    return issuer.sign(attrs.evolve(claims, **changes))


def exchange(
    url: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    out = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, out


# --------------------------------------------------------------------------------------------------
# Set-up


def test_the_usage_lines_work_on_a_machine_without_aws_configuration(url: str, tmp_path: Path) -> None:
    doc = load_example().__doc__ or ""
    lines = [line.strip() for line in doc.splitlines() if line.startswith("    ") and "python " not in line]
    code = "\n".join(lines).replace("http://127.0.0.1:9229", url)
    assert "boto3.client(" in code and "admin_get_user(" in code
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    nowhere = str(tmp_path / "none")
    env |= {"HOME": str(tmp_path), "AWS_CONFIG_FILE": nowhere, "AWS_SHARED_CREDENTIALS_FILE": nowhere}
    env |= {"AWS_EC2_METADATA_DISABLED": "true"}
    *head, last = code.splitlines()
    script = "\n".join([*head, f"print({last}['UserStatus'])"])
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert (run.returncode, run.stdout.strip()) == (0, "FORCE_CHANGE_PASSWORD"), run.stderr


def test_pools_and_clients_get_identifiers_and_settings_as_the_service_makes_them(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName="cognito-spec-probe-ids", UserPoolTags={"team": "a"})["UserPool"]
    assert re.fullmatch(r"eu-west-1_[0-9a-zA-Z]{9}", pool["Id"])
    assert (pool["Name"], pool["UserPoolTags"], pool["MfaConfiguration"]) == (
        "cognito-spec-probe-ids",
        {"team": "a"},
        "OFF",
    )
    assert pool["Arn"].endswith(f":userpool/{pool['Id']}")
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="short",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=5,
        TokenValidityUnits={"AccessToken": "minutes"},
    )["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"])
    described = idp.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=client["ClientId"])
    assert described["UserPoolClient"] == client
    assert (client["AccessTokenValidity"], client["TokenValidityUnits"]) == (5, {"AccessToken": "minutes"})
    idp.admin_create_user(UserPoolId=pool["Id"], Username="bob", MessageAction="SUPPRESS")
    assert idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["EstimatedNumberOfUsers"] == 1
    idp.admin_set_user_password(UserPoolId=pool["Id"], Username="bob", Password=PASSWORD, Permanent=True)
    assert sign_in(idp, client["ClientId"], "bob")["ExpiresIn"] == 300  # the client's lifetime
    idp.delete_user_pool(UserPoolId=pool["Id"])  # its clients and users go with it
    gone = error_of(idp.describe_user_pool_client, UserPoolId=pool["Id"], ClientId=client["ClientId"])
    assert gone == {"Code": "ResourceNotFoundException", "Message": f"User pool {pool['Id']} does not exist."}


def test_token_validities_outside_the_services_bounds_are_refused(idp: Any, scenario: Scenario) -> None:
    out_of_range = {"Code": "InvalidParameterException", "Message": "Invalid range for token validity."}
    for settings in (
        {"AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "seconds"}},  # under 5 minutes
        {"AccessTokenValidity": 299, "TokenValidityUnits": {"AccessToken": "seconds"}},
        {"IdTokenValidity": 25},  # hours by default: over a day
        {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
        {"RefreshTokenValidity": 3651},  # days by default: over 10 years
    ):
        call = idp.create_user_pool_client
        assert error_of(call, UserPoolId=scenario.pool, ClientName="c", **settings) == out_of_range, settings
    edges = {"AccessTokenValidity": 300, "IdTokenValidity": 1, "RefreshTokenValidity": 3650}
    units = {"AccessToken": "seconds", "IdToken": "days", "RefreshToken": "days"}
    edge = idp.create_user_pool_client(
        UserPoolId=scenario.pool, ClientName="c", TokenValidityUnits=units, **edges
    )
    idp.delete_user_pool_client(UserPoolId=scenario.pool, ClientId=edge["UserPoolClient"]["ClientId"])


def test_a_new_user_must_change_the_temporary_password_before_signing_in(
    idp: Any, scenario: Scenario
) -> None:
    created = idp.admin_create_user(
        UserPoolId=scenario.pool, Username="carol", MessageAction="SUPPRESS", TemporaryPassword=TEMPORARY
    )["User"]
    assert (created["UserStatus"], created["Enabled"]) == ("FORCE_CHANGE_PASSWORD", True)
    (sub,) = (a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    assert str(uuid.UUID(sub)) == sub
    challenge = idp.initiate_auth(
        ClientId=scenario.client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": TEMPORARY},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and "AuthenticationResult" not in challenge
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "carol" and len(challenge["Session"]) >= 20
    idp.admin_set_user_password(UserPoolId=scenario.pool, Username="carol", Password=PASSWORD, Permanent=True)
    assert idp.admin_get_user(UserPoolId=scenario.pool, Username="carol")["UserStatus"] == "CONFIRMED"
    assert sign_in(idp, scenario.client, "carol")["TokenType"] == "Bearer"


def test_the_set_up_errors_are_the_services(idp: Any, scenario: Scenario) -> None:
    pool, client = scenario.pool, scenario.client
    again = error_of(idp.admin_create_user, UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    assert again == {"Code": "UsernameExistsException", "Message": "User account already exists"}
    missing = {"Code": "UserNotFoundException", "Message": "User does not exist."}
    assert error_of(idp.admin_get_user, UserPoolId=pool, Username="bob") == missing
    assert (
        error_of(idp.admin_set_user_password, UserPoolId=pool, Username="bob", Password=PASSWORD) == missing
    )
    with pytest.raises(idp.exceptions.UserNotFoundException):  # the SDK's modelled exception class
        idp.admin_delete_user(UserPoolId=pool, Username="bob")
    other = "eu-west-1_Other0000"
    no_pool = {"Code": "ResourceNotFoundException", "Message": f"User pool {other} does not exist."}
    assert error_of(idp.admin_get_user, UserPoolId=other, Username="alice") == no_pool
    assert error_of(idp.create_user_pool_client, UserPoolId=other, ClientName="c") == no_pool
    no_client = {
        "Code": "ResourceNotFoundException",
        "Message": "User pool client nosuchclient does not exist.",
    }
    assert error_of(idp.describe_user_pool_client, UserPoolId=pool, ClientId="nosuchclient") == no_client
    params = {"USERNAME": "alice", "PASSWORD": PASSWORD}
    assert (
        error_of(
            idp.initiate_auth, ClientId="nosuchclient", AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params
        )
        == no_client
    )
    wrong = error_of(
        idp.initiate_auth,
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={**params, "PASSWORD": "x"},
    )
    assert wrong == not_authorized("Incorrect username or password.")
    nobody = error_of(
        idp.initiate_auth,
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={**params, "USERNAME": "bob"},
    )
    assert nobody == missing  # the API's default PreventUserExistenceErrors is LEGACY
    srp_only = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="srp", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )
    refused = error_of(
        idp.initiate_auth,
        ClientId=srp_only["UserPoolClient"]["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters=params,
    )
    assert refused == {
        "Code": "InvalidParameterException",
        "Message": "USER_PASSWORD_AUTH flow not enabled for this client",
    }
    admin_flow = error_of(
        idp.initiate_auth, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters=params
    )
    assert admin_flow == {
        "Code": "InvalidParameterException",
        "Message": "Initiate Auth method not supported.",
    }
    no_password = error_of(
        idp.initiate_auth,
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice"},
    )
    assert no_password == {
        "Code": "InvalidParameterException",
        "Message": "Missing required parameter PASSWORD",
    }
    resend = error_of(idp.admin_create_user, UserPoolId=pool, Username="bob", MessageAction="RESEND")
    assert resend == missing
    for weak, rule in (
        ("Sh0rt!", "Password not long enough"),
        ("all-lower-1", "Password must have uppercase characters"),
    ):
        refused = error_of(
            idp.admin_set_user_password, UserPoolId=pool, Username="alice", Password=weak, Permanent=True
        )
        assert refused == {
            "Code": "InvalidPasswordException",
            "Message": f"Password does not conform to policy: {rule}",
        }
    # botocore checks no patterns: the emulator's parse_request does, as the service does.
    assert error_of(idp.admin_get_user, UserPoolId="not a pool id!", Username="alice") == {
        "Code": "InvalidParameterException",
        "Message": "1 validation error detected: Value 'not a pool id!' at 'userPoolId' failed to satisfy"
        " constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
    }


# --------------------------------------------------------------------------------------------------
# Probes


def test_a_signed_in_user_reads_itself_and_its_tokens_are_the_pools(
    idp: Any, emu: Any, url: str, scenario: Scenario
) -> None:
    token = scenario.tokens["AccessToken"]
    assert (scenario.tokens["ExpiresIn"], scenario.tokens["TokenType"]) == (3600, "Bearer")
    user = idp.get_user(AccessToken=token)
    assert user["Username"] == "alice"
    assert [a["Name"] for a in user["UserAttributes"]] == ["sub", "email", "email_verified"]
    admin = idp.admin_get_user(UserPoolId=scenario.pool, Username="alice")
    assert (admin["UserStatus"], admin["Enabled"], admin["UserAttributes"]) == (
        "CONFIRMED",
        True,
        user["UserAttributes"],
    )
    assert idp.get_user_auth_factors(AccessToken=token)["ConfiguredUserAuthFactors"] == ["PASSWORD"]
    assert len(admin["ResponseMetadata"]["RequestId"]) == 36
    status, headers, jwks = exchange(url, "GET", f"/{scenario.pool}/.well-known/jwks.json", {})
    assert (status, headers["content-type"]) == (200, "application/json")
    keys = VerificationKeys.from_jwks(jwks)
    assert keys.kids == (emu.signing_key.kid,)  # one key for every pool, the one --key-out writes
    claims = judge_access_token(token, keys=keys, now=time.time(), pool_id=scenario.pool)
    assert (claims.username, claims.client_id) == ("alice", scenario.client)
    assert claims.iss == f"https://cognito-idp.eu-west-1.amazonaws.com/{scenario.pool}"
    id_claims = parse_token(scenario.tokens["IdToken"]).claims
    assert isinstance(id_claims, IdTokenClaims)
    assert (id_claims.aud, id_claims.email, id_claims.email_verified) == (
        scenario.client,
        "alice@example.com",
        True,
    )
    assert exchange(url, "GET", "/eu-west-1_Nowhere00/.well-known/jwks.json", {})[0] == 404


def test_access_tokens_are_judged_with_the_services_messages(idp: Any, emu: Any, scenario: Scenario) -> None:
    def refusal(access_token: str) -> dict[str, str]:
        return error_of(idp.get_user, AccessToken=access_token)

    token = scenario.tokens["AccessToken"]
    past = int(time.time()) - 60
    assert refusal(forged(emu, token, exp=past)) == not_authorized("Access Token has expired")
    assert refusal(forged(emu, token, scope="openid")) == not_authorized(
        "Access Token does not have required scopes"
    )
    stranger = TokenIssuer(pool_id=scenario.pool, access_key=SigningKey.generate())
    strangers = stranger.issue(sub="x", username="alice", client_id=scenario.client, now=time.time())
    for bad in ("someone-elses-token", strangers.access_token, scenario.tokens["IdToken"]):
        assert refusal(bad) == not_authorized("Invalid Access Token")
    for call in (idp.get_user_auth_factors, idp.global_sign_out):  # every token operation judges alike
        assert error_of(call, AccessToken="someone-elses-token") == not_authorized("Invalid Access Token")
    assert error_of(idp.get_user, AccessToken="")["Code"] == "InvalidParameterException"  # the pattern


def test_global_sign_out_revokes_every_session_of_the_user(idp: Any, scenario: Scenario) -> None:
    second = sign_in(idp, scenario.client, "alice")
    idp.admin_create_user(UserPoolId=scenario.pool, Username="dave", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=scenario.pool, Username="dave", Password=PASSWORD, Permanent=True)
    others = sign_in(idp, scenario.client, "dave")
    idp.global_sign_out(AccessToken=second["AccessToken"])
    for tokens in (scenario.tokens, second):
        assert error_of(idp.get_user, AccessToken=tokens["AccessToken"]) == not_authorized(
            "Access Token has been revoked"
        )
        refused = error_of(
            idp.initiate_auth,
            ClientId=scenario.client,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
        assert refused == not_authorized("Refresh Token has been revoked")
    assert idp.get_user(AccessToken=others["AccessToken"])["Username"] == "dave"  # another user's session
    assert (
        idp.get_user(AccessToken=sign_in(idp, scenario.client, "alice")["AccessToken"])["Username"] == "alice"
    )


def test_revoke_token_ends_that_session_and_its_access_tokens(idp: Any, scenario: Scenario) -> None:
    refreshed = refresh(idp, scenario.client, scenario.tokens["RefreshToken"])
    assert "RefreshToken" not in refreshed and refreshed["ExpiresIn"] == 3600
    old, new = (
        parse_token(scenario.tokens["AccessToken"]).claims,
        parse_token(refreshed["AccessToken"]).claims,
    )
    assert (new.origin_jti, new.auth_time) == (old.origin_jti, old.auth_time)  # the same session
    other = sign_in(idp, scenario.client, "alice")
    idp.revoke_token(Token=scenario.tokens["RefreshToken"], ClientId=scenario.client)
    for token in (scenario.tokens["AccessToken"], refreshed["AccessToken"]):
        assert error_of(idp.get_user, AccessToken=token) == not_authorized("Access Token has been revoked")
    again = error_of(
        idp.initiate_auth,
        ClientId=scenario.client,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": scenario.tokens["RefreshToken"]},
    )
    assert again == not_authorized("Refresh Token has been revoked")
    assert idp.get_user(AccessToken=other["AccessToken"])["Username"] == "alice"  # another session lives
    unknown = error_of(
        idp.initiate_auth,
        ClientId=scenario.client,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": other["RefreshToken"][:-4] + "AAAA"},
    )
    assert unknown == not_authorized("Invalid Refresh Token.")
    assert (
        error_of(idp.revoke_token, Token=other["RefreshToken"], ClientId="nosuchclient")["Code"]
        == "UnauthorizedException"
    )
    not_refresh = error_of(idp.revoke_token, Token=other["AccessToken"], ClientId=scenario.client)
    assert not_refresh["Code"] == "UnsupportedTokenTypeException"
    idp.revoke_token(Token=other["RefreshToken"][:-4] + "AAAA", ClientId=scenario.client)  # unknown: no error


def test_what_is_not_emulated_says_so(idp: Any, scenario: Scenario) -> None:
    assert error_of(idp.list_users, UserPoolId=scenario.pool) == {
        "Code": "InternalErrorException",
        "Message": "ListUsers is not emulated",
    }
    secrets = error_of(idp.list_user_pool_client_secrets, UserPoolId=scenario.pool, ClientId=scenario.client)
    assert secrets == {
        "Code": "InternalServerException",
        "Message": "ListUserPoolClientSecrets is not emulated",
    }
    aliased = error_of(idp.create_user_pool, PoolName="p", UsernameAttributes=["email"])
    assert aliased["Message"] == "CreateUserPool with UsernameAttributes is not emulated"
    secret = error_of(
        idp.create_user_pool_client, UserPoolId=scenario.pool, ClientName="c", GenerateSecret=True
    )
    assert secret["Message"] == "CreateUserPoolClient with a client secret is not emulated"


def test_a_signed_operation_called_unsigned_is_refused_before_validation(url: str) -> None:
    headers = {"X-Amz-Target": OPERATIONS["AdminGetUser"].target, "Content-Type": CONTENT_TYPE}
    for body in (b'{"UserPoolId": "eu-west-1_Example01", "Username": "alice"}', b'{"UserPoolId": "bad!"}'):
        status, h, out = exchange(url, "POST", "/", headers, body)
        assert (status, h["x-amzn-errortype"]) == (400, "MissingAuthenticationTokenException:")
        assert (
            out
            == b'{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}'
        )


def test_a_browsers_preflight_and_requests_get_the_services_cors_headers(
    url: str, scenario: Scenario
) -> None:
    asked = "content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request"
    preflight = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": asked,
    }
    status, h, out = exchange(url, "OPTIONS", "/", preflight)
    assert (status, out) == (200, b"")
    assert h["access-control-allow-origin"] == "*"
    assert h["access-control-allow-methods"] == "POST" and h["access-control-allow-headers"] == asked
    assert h["access-control-expose-headers"] == EXPOSED and h["access-control-max-age"] == "172800"
    call = {"Origin": ORIGIN, "X-Amz-Target": OPERATIONS["GetUser"].target, "Content-Type": CONTENT_TYPE}
    for access_token, expected in ((scenario.tokens["AccessToken"], 200), ("not-a-token", 400)):
        status, h, _ = exchange(url, "POST", "/", call, json.dumps({"AccessToken": access_token}).encode())
        assert status == expected  # errors too: the page reads them
        assert (h["access-control-allow-origin"], h["access-control-expose-headers"]) == ("*", EXPOSED)
    del call["Origin"]
    assert "access-control-allow-origin" not in exchange(url, "POST", "/", call, b"{}")[1]


def test_malformed_requests_get_the_services_refusals(url: str, scenario: Scenario) -> None:
    get_user, factors = OPERATIONS["GetUser"].target, OPERATIONS["GetUserAuthFactors"].target
    token = json.dumps({"AccessToken": scenario.tokens["AccessToken"]}).encode()
    cases = [
        (get_user, token, CONTENT_TYPE, 200, None),
        (factors, token, CONTENT_TYPE + "; charset=utf-8", 200, None),
        (get_user, b'{"AccessToken": ', CONTENT_TYPE, 400, "SerializationException"),
        (get_user, b"[]", CONTENT_TYPE, 400, "SerializationException"),
        (get_user, b'{"AccessToken": 7}', CONTENT_TYPE, 400, "SerializationException"),
        (get_user, b"", CONTENT_TYPE, 400, "InvalidParameterException"),
        (get_user, token[:-1] + b', "Unknown": 1}', CONTENT_TYPE, 200, None),  # unknown members are skipped
        (
            "AWSCognitoIdentityProviderService.NoSuchThing",
            b"{}",
            CONTENT_TYPE,
            400,
            "UnknownOperationException",
        ),
        ("DynamoDB_20120810.ListTables", b"{}", CONTENT_TYPE, 400, "UnknownOperationException"),
        (get_user, token, "application/json", 400, "UnknownOperationException"),
    ]
    for target, body, content_type, status, code in cases:
        got, headers, _ = exchange(
            url, "POST", "/", {"X-Amz-Target": target, "Content-Type": content_type}, body
        )
        assert (got, headers.get("x-amzn-errortype", ":").partition(":")[0] or None) == (status, code), body


def test_concurrent_requests_are_served_at_once(idp: Any, scenario: Scenario) -> None:
    def read(_: int) -> str:
        name: str = idp.get_user(AccessToken=scenario.tokens["AccessToken"])["Username"]
        return name

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(read, range(32))) == {"alice"}


# --------------------------------------------------------------------------------------------------
# The command line


def test_the_command_line_serves_and_writes_the_signing_key(tmp_path: Path) -> None:
    key_path = tmp_path / "emulator-key.pem"
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--port", "0", "--key-out", str(key_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        base = line.split()[1]
        assert key_path.stat().st_mode & 0o777 == 0o600
        key = SigningKey.from_pem(key_path.read_bytes())
        headers = {"X-Amz-Target": OPERATIONS["GetUser"].target, "Content-Type": CONTENT_TYPE}
        status, _, out = exchange(base, "POST", "/", headers, b'{"AccessToken":"x"}')
        assert (status, json.loads(out)["message"]) == (400, "Invalid Access Token")
        assert key.kid  # the PEM is the key the emulator signs with: its JWKS lists this kid
    finally:
        process.terminate()
        process.wait(timeout=10)


# --------------------------------------------------------------------------------------------------
# Typing for users: the example and user code of the sans-IO layer pass mypy --strict without casts.

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

    Each class must be assignable to its union (none missing), and the union must be assignable to
    the union of the registry's classes written out (none extra).  (Two subtype checks: a ``match``
    with ``assert_never`` over 150 classes says the same but costs mypy a minute.)
    """
    lines = ["import cognito_spec as cs", "from cognito_spec.protocol.server import Request, Response", ""]
    for union, classes in (
        ("Request", sorted(op.input.__name__ for op in OPERATIONS.values())),
        ("Response", sorted(op.output.__name__ for op in OPERATIONS.values() if op.output is not None)),
    ):
        for n in classes:
            lines += ["", f"def as_{n}(x: cs.{n}) -> {union}:", "    return x", ""]
        written_out = " | ".join(f"cs.{n}" for n in classes)
        lines += ["", f"def every_{union}(x: {union}) -> {written_out}:", "    return x", ""]
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
            str(STATE),
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
