"""Deterministic fixtures: the same seed gives the same bytes in every process, everything valid is
valid (for us, for botocore, for the exchange validator), every invalid case breaks exactly what it
declares, and the generator reaches every corner the model allows.

Properties sample ``OPERATIONS`` and ``STRUCTURES`` (every one of them under the ``deep`` profile,
see ``_sampling``); a new operation needs no new test code.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any, cast

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.parsers
import botocore.session
import pytest
from _sampling import DEEP, pools
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_spec import OPERATIONS, STRUCTURES, AdminGetUserResponse, DecodeError, Operation, loads
from cognito_spec import fixtures as fx
from cognito_spec.codec.compile import check
from cognito_spec.errors import ArgumentValueError
from cognito_spec.model import members_of
from cognito_spec.patterns._unicode_tables import CATEGORIES
from cognito_spec.patterns.ranges import contains
from cognito_spec.traffic.check import validate_exchange
from cognito_spec.traffic.record import exchange_to_json, header

VALID_KINDS: tuple[fx.Kind, ...] = ("request", "response", "error", "exchange")
MODES = [
    pytest.param(fx.Options(), id="realistic"),
    pytest.param(fx.Options(adversarial=True, unknown_enums=False), id="adversarial"),
]
SEEDS = st.integers(0, 2**32)
# Each example below makes whole fixtures (botocore parses some): a third of the profile's examples.
SOME = settings(max_examples=max(30, settings().max_examples // 3))

BOTO = botocore.session.get_session().get_service_model("cognito-idp")
PARSER = botocore.parsers.create_parser("json")


def _class_of(op: Operation, fixture: fx.Fixture) -> type:
    assert fixture.shape is not None
    return STRUCTURES[fixture.shape]


def _digest(options: fx.Options, seed: int, operations: Iterable[str] = OPERATIONS) -> str:
    """A hash of every byte of a run over operations and every kind (the same function runs in the
    subprocesses of the determinism test)."""
    h = hashlib.sha256()
    for name, kind in itertools.product(operations, fx.KINDS):
        for f in fx.generate(name, kind, count=3, seed=seed, options=options):
            h.update(json.dumps(f.to_json(), sort_keys=True).encode())
            if f.exchange is not None:  # every byte of it (its repr hides bodies and credentials)
                h.update(json.dumps(exchange_to_json(f.exchange), sort_keys=True).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------
# Determinism.


def test_same_seed_same_bytes_in_other_processes() -> None:
    """Every mode, under three hash seeds; three operations sampled per run (all of them under deep)."""
    names = sorted(OPERATIONS) if DEEP else random.sample(sorted(OPERATIONS), min(3, len(OPERATIONS)))
    script = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from test_fixtures import MODES, _digest\n"
        "for mode in MODES:\n"
        "    print(_digest(mode.values[0], 20261126, sys.argv[2:]))\n"
    )
    here = os.path.dirname(__file__)
    runs = set()
    for hash_seed in ("0", "1"):  # and this process's own, random unless PYTHONHASHSEED is set
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script, here, *names], capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
        runs.add(done.stdout.strip())
    assert runs == {"\n".join(_digest(cast(fx.Options, mode.values[0]), 20261126, names) for mode in MODES)}


# Exact bytes, pinned: a run over the first three operations of the model in each mode.  Refactors
# keep these; a change to the generator or to these operations' shapes that is meant to change
# fixtures updates them (and says so in its commit: seeds users recorded give other bytes).
# Last changed by the whole API (botocore 1.44.8: GetUserAuthFactors and AdminGetUser gained
# SOFTWARE_TOKEN and OperationNotEnabledException) and realism keyed by shape (fixtures/realism.py;
# personas now have an account and an app client secret).
GOLDEN_OPERATIONS = ("GetUser", "AdminGetUser", "GetUserAuthFactors")
GOLDEN = {
    # 2026-12-02: GetUserAuthFactorsResponse makes UserMFASettingList before PreferredMfaSetting and
    # draws the one from the other; the order of making is the same in every mode, so all three moved.
    "realistic": "246ec680d67fce61d6adb4f90f0f423979fc70b0ee399777e333e9597673ad8f",
    "adversarial": "2ea86c69b9eada5b6dbcb3903b8d4f146741f734b327a4079b6dd4fd395c14b7",
    "adversarial, unknown enums": "03c1dffed3626c2e4ebb7e7ee73e57a361c8e57f8b6cd70b95a62048d22e8db1",
}
GOLDEN_OPTIONS = {
    "realistic": fx.Options(),
    "adversarial": fx.Options(adversarial=True, unknown_enums=False),
    "adversarial, unknown enums": fx.Options(adversarial=True),
}


def test_fixture_bytes_are_pinned() -> None:
    for label, options in GOLDEN_OPTIONS.items():
        assert _digest(options, 7, GOLDEN_OPERATIONS) == GOLDEN[label], label
    (request,) = fx.generate("GetUser", "request", seed=1)
    assert hashlib.sha256(request.body).hexdigest()[:16] == "ed1fa74d1ea22d20"


@pytest.mark.parametrize("pool", pools(OPERATIONS))
@SOME
@given(data=st.data(), kind=st.sampled_from(fx.KINDS), seed=SEEDS)
def test_fixture_i_does_not_depend_on_count(
    pool: tuple[Operation, ...], data: st.DataObject, kind: fx.Kind, seed: int
) -> None:
    op = data.draw(st.sampled_from(pool))
    short = [f.to_json() for f in fx.generate(op, kind, count=2, seed=seed)]
    long = [f.to_json() for f in fx.generate(op, kind, count=4, seed=seed)]
    assert long[:2] == short


def test_seeds_and_indexes_give_different_fixtures() -> None:
    bodies = {f.body for seed in range(5) for f in fx.generate("GetUser", "request", count=5, seed=seed)}
    assert len(bodies) == 25


# --------------------------------------------------------------------------------------------------
# Validity of every valid fixture.


@pytest.mark.parametrize("options", MODES)
@pytest.mark.parametrize("pool", pools(OPERATIONS))
@SOME
@given(data=st.data(), kind=st.sampled_from(VALID_KINDS), seed=SEEDS)
def test_valid_fixtures_pass_strict_validation_and_botocore(
    pool: tuple[Operation, ...], options: fx.Options, data: st.DataObject, kind: fx.Kind, seed: int
) -> None:
    op = data.draw(st.sampled_from(pool))
    model = BOTO.operation_model(op.name)
    (f,) = fx.generate(op, kind, seed=seed, options=options)
    if f.exchange is not None:
        assert validate_exchange(f.exchange) == []
        return
    if f.shape is None:  # an operation without output answers an empty object
        assert (kind, op.output, f.body, f.status) == ("response", None, b"{}", 200)
        return
    obj: Any = loads(f.body, _class_of(op, f), strict=True)
    if kind == "request":
        assert header(f.headers, "X-Amz-Target") == op.target
        return
    response = {"status_code": f.status, "headers": dict(f.headers), "body": f.body}
    parsed = PARSER.parse(response, model.output_shape)
    if kind == "error":
        assert parsed["Error"]["Code"] == type(obj).code
        assert f.status == type(obj).http_status
    else:
        assert "Error" not in parsed and f.status == 200


UNKNOWN_ENUMS = fx.Options(adversarial=True, unknown_enums=True)


@pytest.mark.parametrize("pool", pools(OPERATIONS))
@SOME
@given(data=st.data(), seed=SEEDS)
def test_unknown_enum_values_are_only_enum_findings_in_responses(
    pool: tuple[Operation, ...], data: st.DataObject, seed: int
) -> None:
    op = data.draw(st.sampled_from(pool))
    for f in fx.generate(op, "exchange", seed=seed, options=UNKNOWN_ENUMS):
        assert f.exchange is not None
        for finding in validate_exchange(f.exchange):
            assert (finding.severity, finding.kind, finding.location) == ("warning", "enum", "response")


def test_unknown_enum_values_do_appear() -> None:
    exchanges = (
        f.exchange
        for op in OPERATIONS.values()
        for f in fx.generate(op, "exchange", count=30, seed=1, options=UNKNOWN_ENUMS)
        if f.exchange is not None
    )
    assert any(validate_exchange(ex) for ex in exchanges)


# --------------------------------------------------------------------------------------------------
# Invalid cases.

TOLERATED_IN_RESPONSES = ("enum", "unknown_member")
#: The findings of the capture checks of issued tokens (traffic/tokens.py).
TOKEN_CHECKS = ("issued_token", "token_type", "expires_in", "token_issuer")
#: Every kind of constraint a mutation breaks; the whole API has shapes of each.
EVERY_KIND = {
    "type", "required", "unknown_member", "length_min", "length_max", "pattern", "enum", "timestamp_range",
    "range_min", "range_max",
}  # fmt: skip


@pytest.mark.parametrize("options", MODES)
@pytest.mark.parametrize("pool", pools(STRUCTURES))
@SOME
@given(data=st.data(), seed=SEEDS)
def test_every_invalid_case_breaks_exactly_one_constraint(
    pool: tuple[type, ...], options: fx.Options, data: st.DataObject, seed: int
) -> None:
    cls = data.draw(st.sampled_from(pool))
    cases = fx.Generator(fx.RandomSource(seed), options).all_invalid(cls)
    assert cases
    for case in cases:
        assert check(case.wire, cls, strict=True) == [case.violation], case.label


def test_invalid_cases_cover_every_kind_the_model_allows() -> None:
    """Walks the model's structures until every kind was broken once (each case checked)."""
    g = fx.Generator(fx.RandomSource(0))
    kinds: set[str] = set()
    for cls in STRUCTURES.values():
        base, muts = g.mutations(cls)
        for mutation in muts:
            if mutation.label in kinds or mutation.label == "null item":  # a null item is a "type"
                continue
            wire = copy.deepcopy(base)
            violation = mutation.apply(g, wire)
            assert check(wire, cls, strict=True) == [violation], (cls, mutation.label)
            kinds.add(violation.kind)
        if kinds == EVERY_KIND:
            break
    assert kinds == EVERY_KIND


@pytest.mark.parametrize("pool", pools(OPERATIONS))
@SOME
@given(data=st.data(), seed=SEEDS)
def test_invalid_fixtures_fail_with_their_declared_violation(
    pool: tuple[Operation, ...], data: st.DataObject, seed: int
) -> None:
    op = data.draw(st.sampled_from(pool))
    # Two in a run: fixture 0 breaks the request, fixture 1 the response.
    for f in fx.generate(op, "invalid", count=2, seed=seed):
        assert f.violation is not None and f.exchange is not None and f.shape is not None
        with pytest.raises(DecodeError) as caught:
            loads(f.body, STRUCTURES[f.shape], strict=True)
        assert list(caught.value.violations) == [f.violation]
        findings = validate_exchange(f.exchange)
        errors = [x for x in findings if x.severity == "error"]
        if f.shape == op.input.__name__:
            # The service's answer to the bad request is in the exchange, so the validator only notes it.
            assert errors == []
            assert any(x.pointer == f.violation.pointer for x in findings)
        elif f.violation.kind in TOLERATED_IN_RESPONSES:
            # Clients must accept values and members newer than their model: a fidelity warning.
            assert errors == []
            assert [(x.kind, x.pointer) for x in findings] == [(f.violation.kind, f.violation.pointer)]
        else:
            # A broken member of an AuthenticationResult is also no longer the service's token
            # (traffic/tokens.py): the token checks may report the same member.
            consequences = [x for x in errors if x.kind in TOKEN_CHECKS and x.pointer == f.violation.pointer]
            assert [(x.kind, x.pointer, x.location) for x in errors if x not in consequences] == [
                (f.violation.kind, f.violation.pointer, "response")
            ]


# --------------------------------------------------------------------------------------------------
# Realism, measured over a deterministic sample.


def _sample(cls: type, n: int = 300, options: fx.Options | None = None) -> list[Any]:
    return [fx.Generator(fx.RandomSource(f"sample/{i}"), options).instance(cls) for i in range(n)]


def test_realistic_responses_look_like_the_services() -> None:
    users = _sample(AdminGetUserResponse)
    share = {
        name: sum(getattr(u, name) is not None for u in users) / len(users)
        for name, _ in members_of(AdminGetUserResponse)
    }
    for usually_absent in ("mfa_options", "preferred_mfa_setting", "user_mfa_setting_list"):
        assert share[usually_absent] < 0.3, usually_absent
    for usually_present in ("user_attributes", "user_create_date", "enabled", "user_status"):
        assert share[usually_present] > 0.7, usually_present
    assert sum(u.user_status == "CONFIRMED" for u in users) > len(users) / 2
    assert sum(u.enabled is True for u in users) > len(users) / 2
    names = Counter(a.name for u in users for a in u.user_attributes or ())
    assert names["sub"] == share["user_attributes"] * len(users), "every attribute list names the sub"
    assert names["email"] > 0 and names["phone_number"] > 0
    assert any(n.startswith("custom:") for n in names)
    assert {u.username for u in users} & {a.value for u in users for a in u.user_attributes or ()}


def _category(ch: str) -> str:
    """The major category of a character by the pinned tables (not the interpreter's Unicode)."""
    for label, ranges in CATEGORIES.items():
        if contains(ranges, ord(ch)):
            return label
    return "unassigned"


def test_adversarial_strings_visit_every_category_their_pattern_allows() -> None:
    from cognito_spec.shapes._constants import ATTRIBUTE_VALUE_TYPE, USERNAME_TYPE

    g = fx.Generator(fx.RandomSource(3), fx.Options(adversarial=True))
    usernames = [g.string(USERNAME_TYPE) for _ in range(400)]
    assert {_category(c) for u in usernames for c in u} == {"L", "M", "N", "P", "S"}
    assert {1, 128} <= {len(u) for u in usernames}, "edge lengths"
    values = [g.string(ATTRIBUTE_VALUE_TYPE) for _ in range(400)]
    assert {_category(c) for v in values for c in v} >= {"L", "M", "N", "P", "S", "Z", "C"}
    assert any(re.search("[\ud800-\udfff]", v) for v in values), (
        "lone surrogates where no pattern forbids them"
    )
    pairs = [v for v in values if re.search("[\ud800-\udbff][\udc00-\udfff]", v)]
    assert pairs == [], "never a surrogate pair: JSON readers would join it into one character"


# --------------------------------------------------------------------------------------------------
# Requests: SigV4 verified by botocore's own signer.


SIGV4_OPERATIONS = {name: op for name, op in OPERATIONS.items() if op.auth == "sigv4"}


@pytest.mark.parametrize("pool", pools(SIGV4_OPERATIONS))
@SOME
@given(data=st.data(), seed=SEEDS)
def test_sigv4_authorization_is_a_real_signature(
    pool: tuple[Operation, ...], data: st.DataObject, seed: int
) -> None:
    op = data.draw(st.sampled_from(pool))
    g = fx.Generator(fx.RandomSource(seed))
    ex = g.exchange(op, outcome="response")
    p = g.persona
    signed = {"host", "x-amz-target", "content-type", "x-amz-date"}
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=ex.url,
        data=ex.request_body,
        headers={k: v for k, v in ex.request_headers if k.lower() in signed},
    )
    request.context["timestamp"] = header(ex.request_headers, "X-Amz-Date")
    signer = botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(p.access_key_id, p.secret_access_key), "cognito-idp", p.region
    )
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    authorization = header(ex.request_headers, "Authorization") or ""
    assert authorization.endswith(f"Signature={signature}")
    assert f"Credential={p.access_key_id}/{p.now:%Y%m%d}/{p.region}/cognito-idp/aws4_request" in authorization


# --------------------------------------------------------------------------------------------------
# Look-ups and bad arguments.


def test_operations_by_name_or_target() -> None:
    for op in OPERATIONS.values():
        assert fx.operation(op.name) is op
        assert fx.operation(op.target) is op
        assert fx.operation(op) is op
    with pytest.raises(KeyError):
        fx.operation("getuser")


def test_bad_arguments_are_typed_errors() -> None:
    with pytest.raises(KeyError):
        list(fx.generate("GetUser", "error", error="NoSuchException"))
    with pytest.raises(ValueError, match="kind"):
        list(fx.generate("GetUser", "bogus"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fx.Generator(fx.RandomSource(0)).instance(dict)


@pytest.mark.parametrize("pool", pools(OPERATIONS))
@SOME
@given(data=st.data(), seed=SEEDS)
def test_error_fixtures_of_a_named_code(pool: tuple[Operation, ...], data: st.DataObject, seed: int) -> None:
    op = data.draw(st.sampled_from(pool))
    cls = data.draw(st.sampled_from(op.errors))
    (f,) = fx.generate(op, "error", error=cls.code, seed=seed)
    assert f.shape == cls.__name__ and f.status == cls.http_status
    (e,) = fx.generate(op, "exchange", error=cls.code, seed=seed)
    assert e.exchange is not None and e.exchange.status == cls.http_status


# --------------------------------------------------------------------------------------------------
# Access tokens: coherent claims, and the troubles the service refuses.

TOKEN_OPS = [op for op in sorted(OPERATIONS) if OPERATIONS[op].auth == "access_token"]


@SOME
@given(op=st.sampled_from(TOKEN_OPS), seed=SEEDS, trouble=st.sampled_from((None, *fx.TROUBLES)))
def test_token_troubles_get_the_services_answer_and_an_accepting_emulator_the_predicted_finding(
    op: str, seed: int, trouble: fx.TokenTrouble | None
) -> None:
    from cognito_spec.fixtures.tokens import ACCEPTED_FINDING, MESSAGE
    from cognito_spec.tokens import AccessTokenClaims, decode_unverified

    options = fx.Options(token=trouble)
    (answered,) = fx.generate(op, "exchange", seed=seed, options=options)
    assert answered.exchange is not None
    assert validate_exchange(answered.exchange) == []
    if trouble is not None:
        body = json.loads(answered.exchange.response_body or b"")
        assert (answered.status, body) == (
            400,
            {"__type": "NotAuthorizedException", "message": MESSAGE[trouble]},
        )
        (accepted,) = fx.generate(op, "invalid", seed=seed, options=options)
        assert accepted.exchange is not None and accepted.exchange.status == 200
        assert accepted.finding == ACCEPTED_FINDING[trouble]
        found = [(f.severity, f.kind) for f in validate_exchange(accepted.exchange)]
        assert found == ([] if accepted.finding is None else [("error", accepted.finding)])
    if trouble == "revoked":
        token = json.loads(answered.exchange.request_body or b"")["AccessToken"]
        claims = decode_unverified(token)
        assert isinstance(claims, AccessTokenClaims) and answered.revoked == (claims.origin_jti,)
    else:
        assert answered.revoked == () or "revoked" in (answered.exchange.response_body or b"").decode()


def test_token_troubles_only_for_token_operations_and_known_names() -> None:
    with pytest.raises(ArgumentValueError):
        fx.Options(token="stale")  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError):
        next(fx.generate("AdminGetUser", "exchange", options=fx.Options(token="expired")))


def test_realistic_tokens_are_the_services_structure() -> None:
    from cognito_spec.tokens import AccessTokenClaims, IdTokenClaims, issuer_url, parse_token
    from cognito_spec.tokens.order import service_order

    for trouble in (None, "expired", "no_scope", "id_token"):
        (f,) = fx.generate("GetUser", "request", seed=5, options=fx.Options(token=trouble))
        parsed = parse_token(json.loads(f.body)["AccessToken"])
        claims = parsed.claims
        assert parsed.header.alg == "RS256" and len(parsed.signature) == 256
        assert isinstance(claims, IdTokenClaims if trouble == "id_token" else AccessTokenClaims)
        assert claims.iss == issuer_url(claims.iss.rsplit("/", 1)[1])
        assert claims.auth_time <= claims.iat < claims.exp and 300 <= claims.exp - claims.iat <= 86_400
        assert tuple(json.loads(parsed.payload)) == service_order(json.loads(parsed.payload))
