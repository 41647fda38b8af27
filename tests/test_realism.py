"""Realism as data about shapes: every realistic value keeps its shape's constraints, wherever the
shape appears; member rules name real members; relations between timestamps hold; every error code
has its message; and adversarial fixtures never read the realism tables.

The oracle for "keeps the constraints" is written here from the model's metadata (length in code
points, the pattern through the library's dialect, enum values, list lengths), not the codec's
checker, so a flavour cannot pass because the checker and the generator share a mistake.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from conftest import each
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_spec import OPERATIONS, STRUCTURES, patterns
from cognito_spec import fixtures as fx
from cognito_spec.codec.compile import check
from cognito_spec.codec.converter import to_wire
from cognito_spec.errors import ServiceError
from cognito_spec.fixtures import messages, realism
from cognito_spec.fixtures.flavours import At
from cognito_spec.model import Member, Shape, members_of, struct_info
from cognito_spec.protocol.envelope import TOKEN_MESSAGES
from cognito_spec.strategies import _DrawSource
from cognito_spec.traffic.tokens import authentication_result_findings

SEEDS = st.integers(0, 2**32)


def places() -> list[tuple[str, str, Shape, Member]]:
    """Every place a flavoured shape appears: ``(structure, member, shape there, member)``."""
    out = []
    for name in sorted(STRUCTURES):
        for _, m in members_of(STRUCTURES[name]):
            inner = [m.shape]
            if m.shape.type == "list" and m.shape.member is not None:
                inner.append(m.shape.member)
            if m.shape.type == "map" and m.shape.key is not None and m.shape.value is not None:
                inner += [m.shape.key, m.shape.value]
            for shape in inner:
                if shape.name in realism.SHAPES or (shape is m.shape and (name, m.wire) in realism.MEMBERS):
                    out.append((name, m.wire, shape, m))
    return out


PLACES = places()


def fits(value: Any, shape: Shape) -> list[str]:
    """What about ``value`` breaks ``shape``'s constraints (empty: it fits)."""
    t = shape.type
    if t == "string":
        if not isinstance(value, str):
            return [f"{value!r} is not a string"]
        broken = []
        if shape.length_min is not None and len(value) < shape.length_min:
            broken.append(f"shorter than {shape.length_min}")
        if shape.length_max is not None and len(value) > shape.length_max:
            broken.append(f"longer than {shape.length_max}")
        if shape.pattern is not None and not patterns.compile(shape.pattern).fullmatch(value):
            broken.append(f"outside {shape.pattern}")
        if shape.enum is not None and value not in shape.enum:
            broken.append("not an enum value")
        return broken
    if t == "boolean":
        return [] if isinstance(value, bool) else ["not a boolean"]
    if t == "list":
        assert shape.member is not None
        broken = []
        if shape.length_min is not None and len(value) < shape.length_min:
            broken.append(f"fewer items than {shape.length_min}")
        if shape.length_max is not None and len(value) > shape.length_max:
            broken.append(f"more items than {shape.length_max}")
        return broken + [b for item in value for b in fits(item, shape.member)]
    if t == "structure":
        return [str(v) for v in check(to_wire(value), type(value), strict=True)]
    return []


def _generator(data: st.DataObject, **options: Any) -> fx.Generator:
    return fx.Generator(_DrawSource(data.draw), fx.Options(**options))


@each(PLACES, lambda p: f"{p[0]}.{p[1]}:{p[2].name}")
@given(data=st.data())
def test_every_realistic_value_keeps_its_shapes_constraints(
    pick: tuple[tuple[str, str, Shape, Member], ...], data: st.DataObject
) -> None:
    structure, wire, shape, m = data.draw(st.sampled_from(pick), label="place")
    g = _generator(data)
    cls = STRUCTURES[structure]
    g.answering = data.draw(st.sampled_from(tuple(OPERATIONS.values())), label="operation")
    member_rule = realism.MEMBERS.get((structure, wire)) if shape is m.shape else None
    flavour = member_rule or realism.SHAPES[shape.name]
    siblings: dict[str, Any] = {}
    if wire == "PreferredMfaSetting":
        siblings["UserMFASettingList"] = ("SMS_MFA", "SOFTWARE_TOKEN_MFA")
    value = flavour(g, shape, At(cls, wire, siblings))
    if value is not None:
        assert fits(value, shape) == [], (structure, wire, shape.name)


@each(sorted(realism.STRUCTURES))
@settings(max_examples=max(20, settings().max_examples // 5))
@given(data=st.data())
def test_whole_structure_flavours_are_strictly_valid(pick: tuple[str, ...], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(pick))
    cls = STRUCTURES[name]
    made = realism.STRUCTURES[name](_generator(data), cls)
    assert type(made) is cls
    assert check(to_wire(made), cls, strict=True) == []


def test_member_rules_name_real_members_whose_shape_means_something_else_there() -> None:
    for structure, wire in realism.MEMBERS:
        found = {m.wire: m for _, m in members_of(STRUCTURES[structure])}
        assert wire in found, (structure, wire)
    for structure, wire in (*realism.USUALLY_ABSENT, *realism.DEPENDS_ON):
        assert wire in {m.wire for _, m in members_of(STRUCTURES[structure])}, (structure, wire)
    # Keyed by shape, not by member name: a wire name alone is never a key.
    assert all(isinstance(k, tuple) and len(k) == 2 for k in realism.MEMBERS)
    assert set(realism.SHAPES) <= {
        s.name for cls in STRUCTURES.values() for _, m in members_of(cls) for s in _shapes(m.shape)
    }


def _shapes(shape: Shape) -> list[Shape]:
    return [shape, *(s for s in (shape.member, shape.key, shape.value) if s is not None)]


# --------------------------------------------------------------------------------------------------
# Relations between timestamps.


def _timestamps(structure: str) -> set[str]:
    return {m.wire for _, m in members_of(STRUCTURES[structure]) if m.shape.type == "timestamp"}


def test_every_answer_with_a_preferred_mfa_method_draws_it_from_the_users_methods() -> None:
    """A preferred MFA method is one of the user's methods, in every structure that has both
    (AdminGetUserAuthFactors came with the 1.44 model and had been missed)."""
    both = {
        name
        for name, cls in STRUCTURES.items()
        if {"PreferredMfaSetting", "UserMFASettingList"} <= {m.wire for _, m in members_of(cls)}
    }
    assert both == set(realism.MFA_USERS)
    for name in both:
        assert realism.DEPENDS_ON[(name, "PreferredMfaSetting")] == "UserMFASettingList"


def test_relations_name_timestamp_members_and_cover_every_created_modified_pair() -> None:
    declared = set()
    for structure, before, after in realism.RELATIONS:
        assert {before, after} <= _timestamps(structure), (structure, before, after)
        declared.add(structure)
    for name in STRUCTURES:
        stamps = _timestamps(name)
        created = [w for w in stamps if "Creat" in w]
        modified = [w for w in stamps if "LastModified" in w]
        if created and modified:
            assert name in declared, f"{name}: {created} and {modified} have no declared relation"


@each(realism.RELATIONS, lambda r: f"{r[0]}.{r[1]}<={r[2]}")
@settings(max_examples=max(20, settings().max_examples // 3))
@given(data=st.data())
def test_declared_relations_hold(pick: tuple[tuple[str, str, str], ...], data: st.DataObject) -> None:
    structure, before, after = data.draw(st.sampled_from(pick))
    obj: Any = _generator(data, complete=True).instance(STRUCTURES[structure])
    wire = to_wire(obj)
    values = {m.wire: getattr(obj, a) for a, m in members_of(type(obj))}
    assert isinstance(values[before], datetime) and isinstance(values[after], datetime), wire.keys()
    assert values[before] <= values[after]


# --------------------------------------------------------------------------------------------------
# Error messages.

ERROR_CLASSES = sorted(
    name for name, cls in STRUCTURES.items() if isinstance(cls, type) and issubclass(cls, ServiceError)
)


def test_every_error_code_has_its_message() -> None:
    assert ERROR_CLASSES and sorted(messages.MESSAGES) == ERROR_CLASSES
    for (op, code), texts in messages.BY_OPERATION.items():
        assert OPERATIONS[op].error_for_code(code) is not None, (op, code)
        assert texts


def test_the_services_own_texts() -> None:
    ops = OPERATIONS
    assert (
        messages.texts(ops["InitiateAuth"], "NotAuthorizedException")[0] == "Incorrect username or password."
    )
    assert messages.texts(ops["GetUser"], "NotAuthorizedException") == TOKEN_MESSAGES
    assert messages.texts(ops["SignUp"], "UsernameExistsException") == (
        "An account with the given email already exists.",
    )
    assert messages.texts(ops["AdminGetUser"], "UserNotFoundException") == ("User does not exist.",)
    assert messages.texts(ops["ChangePassword"], "LimitExceededException") == (
        "Attempt limit exceeded, please try after some time.",
    )
    assert "Invalid code provided, please request a code again." in messages.texts(
        ops["ConfirmSignUp"], "ExpiredCodeException"
    )
    assert messages.texts(None, "UnknownOperationException") == ()


@each(sorted(OPERATIONS))
@settings(max_examples=max(20, settings().max_examples // 3))
@given(data=st.data())
def test_error_fixtures_carry_the_message_of_their_code(pick: tuple[str, ...], data: st.DataObject) -> None:
    op = OPERATIONS[data.draw(st.sampled_from(pick))]
    cls = data.draw(st.sampled_from(op.errors))
    g = _generator(data)
    err = g.error(op, cls)
    texts = messages.texts(op, cls.code)
    filled = {t.replace("{pool}", g.persona.pool_id).replace("{client}", g.persona.client_id) for t in texts}
    assert err.message in filled if filled else err.message is None
    assert "{" not in (err.message or "")


# --------------------------------------------------------------------------------------------------
# Issued tokens and adversarial fixtures.

ISSUING = sorted(
    n
    for n, op in OPERATIONS.items()
    if op.output is not None and "AuthenticationResult" in {m.wire for _, m in members_of(op.output)}
)


@each(ISSUING)
@given(data=st.data(), adversarial=st.booleans())
def test_sign_ins_issue_the_services_tokens(
    pick: tuple[str, ...], data: st.DataObject, adversarial: bool
) -> None:
    op = OPERATIONS[data.draw(st.sampled_from(pick))]
    g = _generator(data, adversarial=adversarial, unknown_enums=False)
    response = g.response(op)
    result = to_wire(response).get("AuthenticationResult")
    if result is not None:
        assert authentication_result_findings(result) == []
        assert result["TokenType"] == "Bearer"


def test_the_sign_in_operations_of_the_model() -> None:
    assert {
        "InitiateAuth",
        "AdminInitiateAuth",
        "RespondToAuthChallenge",
        "GetTokensFromRefreshToken",
    } <= set(ISSUING)


def test_adversarial_fixtures_do_not_read_the_realism_tables() -> None:
    # Realistic pool ids are the persona's; adversarial ones cover the whole pattern.
    cls = STRUCTURES["AdminGetUserRequest"]
    realistic = fx.Generator(fx.RandomSource(1))
    adversarial = fx.Generator(fx.RandomSource(1), fx.Options(adversarial=True))
    made: Any = [realistic.instance(cls) for _ in range(20)]
    assert {r.user_pool_id for r in made} == {realistic.persona.pool_id}
    pool_ids: set[str] = {adversarial.instance(cls).user_pool_id for _ in range(50)}
    assert len(pool_ids) > 40
    assert any(not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]{9}", p) for p in pool_ids)
    info = struct_info(cls)
    assert info is not None and info.name not in realism.STRUCTURES
