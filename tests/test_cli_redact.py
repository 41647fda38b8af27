"""``cognito-spec redact IN OUT``: a copy safe to share that keeps every other byte, and its verdict.

What is masked (every credential, in every entry), what is kept (everything else, byte for byte),
the summary on standard error (counts, never values) and how OUT is written (a file atomically, a
symlink's target, a FIFO or a device as a stream).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli_validate import clean_exchanges, faulty_exchanges, run, write_capture

from cognito_spec import OPERATIONS
from cognito_spec.cli import main
from cognito_spec.fixtures import Generator, Options, RandomSource
from cognito_spec.traffic.record import Exchange
from cognito_spec.traffic.source import open_capture
from cognito_spec.validation.redact import REDACTED

GET_USER, ADMIN = OPERATIONS["GetUser"], OPERATIONS["AdminGetUser"]
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"  # header.payload.signature


def findings(path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[Any, ...]]:
    """The verdict of a capture through the CLI: (index, kind, severity, location, pointer) per finding."""
    main(["validate", "--format", "json", str(path)])
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines()]
    return [
        (r["index"], r["kind"], r["severity"], r["location"], r["pointer"])
        if r["type"] == "finding"
        else (r["exchanges"], r["valid"], r["errors"], r["warnings"], r["skipped"])
        for r in records
    ]


# --------------------------------------------------------------------------------------------------
# Moved from test_cli_validate: the basics.


@pytest.mark.parametrize("suffix", [".jsonl", ".har"])
def test_redact_writes_a_masked_copy_that_validates_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    exs = faulty_exchanges()
    src = write_capture(tmp_path / f"in{suffix}", exs)
    dst = tmp_path / f"out{suffix}"
    code, _, err = run(["redact", str(src), str(dst)], capsys)
    assert code == 0 and "redacted 32 entries" in err
    text = dst.read_text()
    for ex in exs:
        for body in (ex.request_body, ex.response_body):
            try:
                data = json.loads(body or b"")
            except ValueError:
                continue
            token = data.get("AccessToken") if isinstance(data, dict) else None
            if token:
                assert token not in text
    assert REDACTED in text
    assert findings(src, capsys) == findings(dst, capsys)


def test_redact_to_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_capture(tmp_path / "in.jsonl", clean_exchanges(1))
    code, out, _ = run(["redact", str(src), "-"], capsys)
    assert code == 0 and len(out.splitlines()) == 3


def test_a_failed_redaction_leaves_no_partial_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"request": {"headers": [], "body": "{}"}}) + "\n{broken\n")
    dst = tmp_path / "out.jsonl"
    code, _, err = run(["redact", str(src), str(dst)], capsys)
    assert code == 2 and "line 2" in err
    assert list(tmp_path.iterdir()) == [src]


def test_in_and_out_the_same_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "input"
    path.write_bytes(b"")
    link = tmp_path / "link"
    link.symlink_to(path)
    for out in (path, link):
        code, _, err = run(["redact", str(path), str(out)], capsys)
        assert code == 2 and err.count("\n") == 1 and "same file" in err and "Traceback" not in err


# --------------------------------------------------------------------------------------------------
# Row 5: the copy keeps every byte that is not a credential.


def test_a_jsonl_copy_keeps_every_byte_but_the_masked_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = '{"AccessToken":"tok-en.1", "N": 1e400, "D": 1.682955829578123456789E9}'
    line = (
        '{"index": 0, "extra": 1e400, "ratio": 0.10000000000000000555, "url": "https://cognito-idp.us-east-1.amazonaws.com/",'
        '  "request": {"method": "POST", "headers": [["X-Amz-Target", "' + GET_USER.target + '"],'
        ' ["Content-Type", "application/x-amz-json-1.1"], ["X-Note", "caf\\u00e9"], ["Authorization", "Bearer abc"]],'
        ' "body": ' + json.dumps(body) + '},\t"response": {"status": 400, "headers": {"X-Amzn-ErrorType":'
        ' "NotAuthorizedException:", "x-amzn-RequestId": "2c0c0f60-7e00-4771-86d2-def6c68af618"},'
        ' "body": "{\\"__type\\":\\"NotAuthorizedException\\",\\"message\\":\\"Access Token has expired\\"}"}}\r\n'
    )
    src = tmp_path / "in.jsonl"
    src.write_bytes(line.encode() + b"\n" + line.encode())
    dst = tmp_path / "out.jsonl"
    assert run(["redact", str(src), str(dst)], capsys)[0] == 0
    want = line.replace("tok-en.1", REDACTED).replace('"Bearer abc"', f'"{REDACTED}"')
    assert dst.read_bytes() == want.encode() + b"\n" + want.encode()
    assert findings(src, capsys) == findings(dst, capsys)


def test_a_har_copy_keeps_everything_outside_the_masked_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = {
        "startedDateTime": "2026-11-26T16:00:00.000Z",
        "time": "@TIME@",
        "_custom": {"keep": [1, 2.5, True, None, "caf\u00e9"]},
        "request": {
            "method": "POST",
            "url": "https://cognito-idp.us-east-1.amazonaws.com/",
            "httpVersion": "HTTP/2",
            "headers": [{"name": "X-Amz-Target", "value": ADMIN.target}, {"name": "Cookie", "value": "s=1"}],
            "postData": {"mimeType": "application/x-amz-json-1.1",
                         "text": '{"UserPoolId":"us-east-1_abcDEF","Username":"alice", "x": 1e400}'},
            "cookies": [{"name": "s", "value": "1"}],
        },
        "response": {"status": 0, "content": {"size": 0, "mimeType": ""}},
    }  # fmt: skip
    doc = json.dumps(
        {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "pages": [{"id": "p", "title": "ü"}],
                 "entries": [entry, entry], "comment": "c"}},
        indent=2, ensure_ascii=False,
    ).replace('"@TIME@"', "1.682955829578123456789E9")  # fmt: skip
    src = tmp_path / "in.har"
    src.write_text(doc, encoding="utf-8")
    dst = tmp_path / "out.har"
    assert run(["redact", str(src), str(dst)], capsys)[0] == 0
    want = (
        doc.replace('\\"Username\\":\\"alice\\"', f'\\"Username\\":\\"{REDACTED}\\"')
        .replace('"value": "s=1"', f'"value": "{REDACTED}"')
        .replace('"value": "1"', f'"value": "{REDACTED}"')
    )
    assert dst.read_text(encoding="utf-8") == want
    assert findings(src, capsys) == findings(dst, capsys)


# --------------------------------------------------------------------------------------------------
# Task 2: the verdict through the file-level path, JSON lines and HAR.


@st.composite
def captures(draw: Any) -> list[Exchange]:
    out = []
    for i in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(sorted(OPERATIONS.values(), key=lambda o: o.name)))
        g = Generator(RandomSource(draw(st.integers(0, 2**32))), Options(adversarial=draw(st.booleans())))
        how = draw(st.sampled_from(["exchange", "rejected", "broken"]))
        if how == "rejected":
            ex = g.rejected_exchange(op, index=i)[0]
        elif how == "broken" and op.output is not None:
            ex = g.broken_response_exchange(op, index=i)[0]
        else:
            ex = g.exchange(op, index=i)
        body = draw(
            st.sampled_from(
                [None, b'{"Username":"\\ud800","N":1e400,"UserPoolId":"a_b","Username":"x"}',
                 b'{"AccessToken":' + b"[" * 900 + b"]" * 900 + b"}", b'{"AccessToken": 1.00000000000000000001}']
            )
        )  # fmt: skip
        out.append(ex if body is None else attrs.evolve(ex, request_body=body))
    return out


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exs=captures(), suffix=st.sampled_from([".jsonl", ".har"]))
def test_redaction_keeps_the_verdict_of_a_capture_file(
    capsys: pytest.CaptureFixture[str], exs: list[Exchange], suffix: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = write_capture(Path(tmp) / f"in{suffix}", exs)
        dst = Path(tmp) / f"out{suffix}"
        assert run(["redact", str(src), str(dst)], capsys)[0] == 0
        assert findings(src, capsys) == findings(dst, capsys)


# A DescribeUserPool result with nothing to mask whose text, read as a URL, has a fragment (after
# `{####}`) with a `name=value` part whose name holds a credential word ("password") and whose
# value is the body's closing `"}}}}`: the field rule for strings outside the exchange once took the
# body string for such a URL and cut the body after `ab=`.
URL_LIKE_BODY = (
    b'{"UserPool":{"Id":"us-east-1_AbCdEf123",'
    b'"EmailVerificationMessage":"Use {####} to verify your temporary password",'
    b'"DcrConfiguration":{"AllowedScopes":["https://api.example.com/write"]},'
    b'"AcrConfiguration":{"Level2":{"AcrValue":"ab="}}}}'
)


@pytest.mark.parametrize("suffix", [".jsonl", ".har"])
def test_a_body_that_reads_like_a_url_with_a_credential_parameter_is_copied_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    ex = Exchange(
        request_headers=(
            ("X-Amz-Target", "AWSCognitoIdentityProviderService.DescribeUserPool"),
            ("Content-Type", "application/x-amz-json-1.1"),
        ),
        request_body=b'{"UserPoolId":"us-east-1_AbCdEf123"}',
        status=200,
        response_headers=(("Content-Type", "application/x-amz-json-1.1"),),
        response_body=URL_LIKE_BODY,
        url="https://cognito-idp.us-east-1.amazonaws.com/",
    )
    src = write_capture(tmp_path / f"in{suffix}", [ex])
    dst = tmp_path / f"out{suffix}"
    assert run(["redact", str(src), str(dst)], capsys)[0] == 0
    with open_capture(str(dst)) as capture:
        (copy,) = list(capture.exchanges())
    assert copy.response_body == URL_LIKE_BODY
    assert json.loads(copy.response_body)["UserPool"]["AcrConfiguration"] == {"Level2": {"AcrValue": "ab="}}
    assert findings(src, capsys) == findings(dst, capsys)


# --------------------------------------------------------------------------------------------------
# Row 11: every credential, in every entry, modelled or not; the summary says what.

IDENTITY = "https://cognito-identity.us-east-1.amazonaws.com/"
HOSTED = "https://auth.example.auth.us-east-1.amazoncognito.com"


def _har_entry(url: str, req: dict[str, Any], resp: dict[str, Any]) -> dict[str, Any]:
    return {
        "startedDateTime": "2026-11-26T16:00:00.000Z",
        "time": 1,
        "request": {"method": "POST", "url": url, "httpVersion": "HTTP/2", "headers": [],
                    "queryString": [], "cookies": [], **req},
        "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
                     "content": {"size": 0, "mimeType": "application/json"}, "redirectURL": "", **resp},
    }  # fmt: skip


def _credential_capture() -> dict[str, Any]:
    amz_json = "application/x-amz-json-1.1"
    return {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                    "pages": [{"id": "p", "title": f"https://app.example/cb#id_token={JWT}&state=s1"}],
                    "entries": [
        _har_entry(  # the hosted UI's redirect back with a code
            f"{HOSTED}/oauth2/authorize?client_id=c1&code=CODE123&state=s1#access_token={JWT}",
            {"method": "GET", "queryString": [{"name": "code", "value": "CODE123"}, {"name": "state", "value": "s1"}],
             "cookies": [{"name": "XSRF-TOKEN", "value": "COOKIE1"}]},
            {"status": 302, "redirectURL": "https://app.example/cb?code=CODE123&state=s1",
             "headers": [{"name": "Location", "value": "https://app.example/cb?code=CODE123&state=s1"},
                         {"name": "Set-Cookie", "value": "cognito=COOKIE2; Secure"}],
             "cookies": [{"name": "cognito", "value": "COOKIE2"}]},
        ),
        _har_entry(  # the token endpoint: a form in, tokens out
            f"{HOSTED}/oauth2/token",
            {"headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
                         {"name": "Authorization", "value": "Basic Y2xpZW50OnNlY3JldA=="}],
             "postData": {"mimeType": "application/x-www-form-urlencoded",
                          "text": "grant_type=authorization_code&code=CODE123&client_id=c1&code_verifier=VERIFIER1",
                          "params": [{"name": "code", "value": "CODE123"}, {"name": "code_verifier", "value": "VERIFIER1"},
                                     {"name": "grant_type", "value": "authorization_code"}]}},
            {"content": {"size": 1, "mimeType": "application/json", "text": json.dumps(
                {"id_token": JWT, "access_token": JWT, "refresh_token": "REFRESH1", "expires_in": 3600,
                 "token_type": "Bearer"})}},
        ),
        _har_entry(  # identity pools: the ID token in Logins, AWS credentials back
            IDENTITY,
            {"headers": [{"name": "X-Amz-Target", "value": "AWSCognitoIdentityService.GetId"},
                         {"name": "Content-Type", "value": amz_json}],
             "postData": {"mimeType": amz_json, "text": json.dumps(
                 {"IdentityPoolId": "us-east-1:0000", "Logins": {"cognito-idp.us-east-1.amazonaws.com/us-east-1_x": "IDTOKEN1"}})}},
            {"content": {"size": 1, "mimeType": amz_json, "text": json.dumps({"IdentityId": "us-east-1:1111"})}},
        ),
        _har_entry(
            IDENTITY,
            {"headers": [{"name": "X-Amz-Target", "value": "AWSCognitoIdentityService.GetCredentialsForIdentity"}],
             "postData": {"mimeType": amz_json, "text": json.dumps(
                 {"IdentityId": "us-east-1:1111", "Logins": {"accounts.google.com": "IDTOKEN2"}})}},
            {"content": {"size": 1, "mimeType": amz_json, "text": json.dumps(
                {"IdentityId": "us-east-1:1111", "Credentials": {"AccessKeyId": "ASIAEXAMPLE",
                 "SecretKey": "SECRETKEY1", "SessionToken": "SESSIONTOKEN1", "Expiration": 1.7e9}})}},
        ),
        _har_entry(  # a binary body: not judged, said so
            "https://example.com/img", {"method": "GET"},
            {"content": {"size": 2, "mimeType": "image/png", "text": "/9g=", "encoding": "base64"}},
        ),
    ]}}  # fmt: skip


SECRETS = ["CODE123", "COOKIE1", "COOKIE2", "VERIFIER1", "REFRESH1", "IDTOKEN1", "IDTOKEN2", "SECRETKEY1",
           "SESSIONTOKEN1", JWT, "Y2xpZW50OnNlY3JldA=="]  # fmt: skip


def test_every_credential_of_every_entry_is_masked_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.har"
    src.write_text(json.dumps(_credential_capture(), indent=1))
    dst = tmp_path / "out.har"
    code, out, err = run(["redact", str(src), str(dst)], capsys)
    assert code == 0 and out == ""
    text = dst.read_text()
    for secret in SECRETS:
        assert secret not in text, secret
        assert secret not in err
    doc = json.loads(text)
    first, token, get_id, creds, _ = doc["log"]["entries"]
    # What is not a credential stays: the state, the client id, the identity ids, the key id.
    assert first["request"]["queryString"][1] == {"name": "state", "value": "s1"}
    assert "client_id=c1" in first["request"]["url"] and "state=s1" in first["request"]["url"]
    assert token["request"]["postData"]["text"] == (
        f"grant_type=authorization_code&code={REDACTED}&client_id=c1&code_verifier={REDACTED}"
    )
    assert json.loads(token["response"]["content"]["text"])["expires_in"] == 3600
    assert json.loads(get_id["request"]["postData"]["text"])["Logins"] == {
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_x": REDACTED
    }
    assert json.loads(creds["response"]["content"]["text"])["Credentials"] == {
        "AccessKeyId": "ASIAEXAMPLE", "SecretKey": REDACTED, "SessionToken": REDACTED, "Expiration": 1.7e9,
    }  # fmt: skip
    assert err.splitlines() == [
        "cognito-spec: redacted 5 entries",
        "  masked: 21 (cookie 2, credential_header 2, credential_member 7, form_parameter 4, url_parameter 6)",
        "  not judged: 1 (binary 1)",
    ]


def test_the_library_returns_what_it_masked(tmp_path: Path) -> None:
    import io

    from cognito_spec.traffic.redact import redact_capture
    from cognito_spec.traffic.source import open_capture

    src = tmp_path / "in.har"
    src.write_text(json.dumps(_credential_capture()))
    out = io.StringIO()
    with open_capture(src) as capture:
        stats = redact_capture(capture, out)
    assert stats.entries == 5 and stats.unjudged == {"binary": 1}
    assert stats.masked["credential_member"] == 7 and stats.verdict_changed == 0
    assert not any(secret in repr(stats) for secret in SECRETS)


# --------------------------------------------------------------------------------------------------
# Row 2: OUT is written as what it is.


def test_out_a_symlink_its_target_is_replaced_and_the_link_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_capture(tmp_path / "in.jsonl", clean_exchanges(1))
    target = tmp_path / "real.jsonl"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert run(["redact", str(src), str(link)], capsys)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert len(target.read_text().splitlines()) == 3
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # the copy keeps the permissions it replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "link.jsonl", "real.jsonl"]


def test_out_a_fifo_is_streamed_to(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_capture(tmp_path / "in.jsonl", clean_exchanges(1))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    try:
        code = run(["redact", str(src), str(fifo)], capsys)[0]
    finally:
        reader.join(timeout=30)
    assert code == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert len(got[0].splitlines()) == 3 and REDACTED.encode() in got[0]


def test_out_dev_null_stays_a_character_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The machine is protected even from a broken implementation: renaming over anything that is
    # not a regular file fails the test instead of happening (run as root, the old code turned
    # /dev/null into a regular file).
    real_replace, real_rename = os.replace, os.rename

    def guarded(rename: Any) -> Any:
        def move(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
            if os.path.exists(dst) and not stat.S_ISREG(os.stat(dst).st_mode):
                raise AssertionError(f"would rename a file over the non-regular {dst}")
            rename(src, dst, *args, **kwargs)

        return move

    monkeypatch.setattr(os, "replace", guarded(real_replace))
    monkeypatch.setattr(os, "rename", guarded(real_rename))
    src = write_capture(tmp_path / "in.jsonl", clean_exchanges(1))
    assert run(["redact", str(src), os.devnull], capsys)[0] == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_out_a_regular_file_is_replaced_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_capture(tmp_path / "in.jsonl", clean_exchanges(1))
    dst = tmp_path / "out.jsonl"
    dst.write_text("x" * 100_000)
    assert run(["redact", str(src), str(dst)], capsys)[0] == 0
    assert len(dst.read_text().splitlines()) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_out_a_directory_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_capture(tmp_path / "in.jsonl", clean_exchanges(1))
    code, _, err = run(["redact", str(src), str(tmp_path)], capsys)
    assert code == 2 and err.count("\n") == 1 and "not replaced" in err


# --------------------------------------------------------------------------------------------------
# Row 9: no UnicodeEncodeError, no RecursionError; the copy is written.


def test_lone_surrogates_in_a_jsonl_url_and_header_are_copied_as_they_were(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = (
        '{"url": "https://cognito-idp.us-east-1.amazonaws.com/\\ud800", "request": {"headers": [["X-Amz-Target", "'
        + GET_USER.target
        + '"], ["X-Odd", "\\udfff"], ["Cookie", "a=\\ud800"]], "body": "{\\"AccessToken\\":\\"\\\\ud800\\"}"}, "response": null}\n'
    )
    src = tmp_path / "in.jsonl"
    src.write_text(line)
    dst = tmp_path / "out.jsonl"
    code, _, err = run(["redact", str(src), str(dst)], capsys)
    assert code == 0, err
    assert dst.read_text() == line.replace('"a=\\ud800"', f'"{REDACTED}"').replace(
        '\\"\\\\ud800\\"}',
        '\\" \\"}',  # a mask that breaks the token pattern as \ud800 did
    )
    assert findings(src, capsys) == findings(dst, capsys)


def test_a_deep_body_of_an_operation_outside_the_model_is_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = '{"Secret":"s3cr3t","A":' + "[" * 900 + '"x"' + "]" * 900 + "}"
    record = {
        "url": "https://cognito-idp.us-east-1.amazonaws.com/",
        "request": {
            "headers": [["X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"]],
            "body": deep,
        },
        "response": {"status": 200, "headers": [], "body": deep},
    }
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(record) + "\n")
    dst = tmp_path / "out.jsonl"
    code, _, err = run(["redact", str(src), str(dst)], capsys)
    assert code == 0, err
    copy = json.loads(dst.read_text())
    masked = deep.replace("s3cr3t", REDACTED).replace('"x"', f'"{REDACTED}"')
    assert copy["request"]["body"] == masked and copy["response"]["body"] == masked


_DAMAGE = [
    '"',
    "\\",
    "{",
    "[",
    "]",
    "}",
    ",",
    ":",
    "1e400",
    "\\ud800",
    "\ud800",
    "\x00",
    "é",
    "NaN",
    " ",
    "eyJ",
]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from([".jsonl", ".har"]),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), st.sampled_from(_DAMAGE)), max_size=4),
)
def test_damaged_captures_give_a_copy_or_one_line(
    capsys: pytest.CaptureFixture[str], suffix: str, cuts: list[tuple[int, int, str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        text = write_capture(Path(tmp) / f"c{suffix}", clean_exchanges(1)).read_text()
        for at, drop, insert in cuts:
            where = at % (len(text) + 1)
            text = text[:where] + insert + text[where + drop :]
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(text.encode("utf-8", "surrogatepass"))
        code, _, err = run(["redact", str(src), str(Path(tmp) / f"out{suffix}")], capsys)
        assert code == 0 or (code == 2 and err.count("\n") == 1), err
        assert "internal error" not in err and "Traceback" not in err
