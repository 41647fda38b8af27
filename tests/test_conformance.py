"""The generated classes say exactly what the pinned botocore model says, member by member.

This walks the model independently of the generator: if either drifts, a test names the member.
"""

from __future__ import annotations

import collections
import keyword
from typing import Any

import attrs
import botocore
import botocore.session
import pytest
from botocore import xform_name

import cognito_spec
from cognito_spec import BOTOCORE_VERSION, STRUCTURES
from cognito_spec.model import META_KEY, Shape, members_of, struct_info

MODEL = botocore.session.get_session().get_service_model("cognito-idp")


def test_pinned_botocore_is_installed() -> None:
    assert botocore.__version__ == BOTOCORE_VERSION


def model_shape_names() -> list[str]:
    names: set[str] = set()
    for op in cognito_spec.OPERATIONS.values():
        om = MODEL.operation_model(op.name)
        pending = [om.input_shape, om.output_shape, *om.error_shapes]
        while pending:
            s = pending.pop()
            if s is None or s.name in names:
                continue
            if s.type_name == "structure" and not s.metadata.get("document"):
                names.add(s.name)
                pending.extend(s.members.values())
            elif s.type_name == "list":
                pending.append(s.member)
            elif s.type_name == "map":
                pending.extend([s.key, s.value])
    return sorted(names)


def test_every_structure_of_the_closure_is_generated() -> None:
    modelled = {n for n, c in STRUCTURES.items() if getattr(c, "modelled", True)}
    assert set(model_shape_names()) == modelled


def assert_shape_matches(ours: Shape, theirs: Any, where: str) -> None:
    meta = theirs.metadata
    assert ours.name == theirs.name, where
    if meta.get("document"):
        # A Smithy document (botocore: a member-less structure marked "document"): any JSON value.
        assert ours.type == "document", where
        return
    expected_type = {
        "string": "string",
        "boolean": "boolean",
        "integer": "integer",
        "long": "long",
        "timestamp": "timestamp",
        "blob": "blob",
        "structure": "structure",
        "list": "list",
        "map": "map",
        "double": "double",
        "float": "float",
    }[theirs.type_name]
    assert ours.type == expected_type, where
    if theirs.type_name in ("string", "list", "map", "blob"):
        assert ours.length_min == meta.get("min"), f"{where}: min length"
        assert ours.length_max == meta.get("max"), f"{where}: max length"
    elif theirs.type_name in ("integer", "long", "double", "float"):
        assert ours.range_min == meta.get("min"), f"{where}: range min"
        assert ours.range_max == meta.get("max"), f"{where}: range max"
    assert ours.pattern == meta.get("pattern"), f"{where}: pattern"
    enum = getattr(theirs, "enum", None)
    assert ours.enum == (tuple(enum) if enum else None), f"{where}: enum"
    assert ours.sensitive == bool(meta.get("sensitive")), f"{where}: sensitive"
    if ours.enum is not None:
        assert ours.enum_class is not None
        assert [e.value for e in ours.enum_class] == list(ours.enum), f"{where}: enum class members"
    if theirs.type_name == "list":
        assert ours.member is not None
        assert_shape_matches(ours.member, theirs.member, f"{where}[]")
    if theirs.type_name == "structure":
        assert ours.target == theirs.name


@pytest.mark.parametrize("name", model_shape_names())
def test_members_match_the_model(name: str) -> None:
    cls = STRUCTURES[name]
    shape = MODEL.shape_for(name)
    ours = {m.wire: (attr, m) for attr, m in members_of(cls)}
    assert list(ours) == list(shape.members), "members and their order"
    required = set(shape.required_members)
    info = struct_info(cls)
    assert info is not None
    fields = attrs.fields_dict(cls)
    for wire, member_shape in shape.members.items():
        attr, m = ours[wire]
        # A Python keyword gets a trailing underscore (EmailConfigurationType.From is ``from_``).
        expected_attr = xform_name(wire) + ("_" if keyword.iskeyword(xform_name(wire)) else "")
        assert attr == expected_attr, f"{name}.{wire}: python name"
        assert m.required == (wire in required), f"{name}.{wire}: required"
        assert m.sensitive == bool(member_shape.metadata.get("sensitive")), f"{name}.{wire}: sensitive"
        assert_shape_matches(m.shape, member_shape, f"{name}.{wire}")
        # Required input members are mandatory in the constructor; every other member defaults to None.
        mandatory = fields[attr].default is attrs.NOTHING
        assert mandatory == (wire in required and info.role == "input"), f"{name}.{wire}: default"
        # Keyword-only, except an error's message, which exceptions take positionally too.
        assert fields[attr].kw_only == (not (info.role == "error" and wire == "message"))
        assert META_KEY in fields[attr].metadata


@pytest.mark.parametrize("name", sorted(cognito_spec.OPERATIONS))
def test_operation_rows_match_the_model(name: str) -> None:
    op = cognito_spec.OPERATIONS[name]
    om = MODEL.operation_model(name)
    assert op.target == f"AWSCognitoIdentityProviderService.{name}"
    assert op.input.__name__ == om.input_shape.name
    if om.output_shape is None:
        # 13 operations have no output shape (DeleteUserPool, AdminDeleteUser, ...): their answer is `{}`.
        assert op.output is None and op.output_name is None
    else:
        assert op.output is not None
        assert op.output.__name__ == om.output_shape.name
    modelled = [e.__name__ for e in op.errors if e.modelled]
    assert modelled == [e.name for e in om.error_shapes]
    # The errors every operation can get from the service itself follow the modelled ones.
    assert {e.__name__ for e in op.errors if not e.modelled} >= {
        "SerializationException",
        "UnknownOperationException",
        "UnrecognizedClientException",
    }
    unsigned = om.auth_type == "none" or om.metadata.get("auth") == ["smithy.api#noAuth"]
    if name in OPTIONAL_AUTH:
        assert not unsigned and op.auth == "optional"
    elif unsigned:
        # Unsigned operations that carry the user's access token are authorised by it.
        token = "AccessToken" in om.input_shape.members
        assert op.auth == ("access_token" if token else "none")
    else:
        assert op.auth == "sigv4"
    assert cognito_spec.OPERATIONS_BY_TARGET[op.target] is op


#: SigV4 in the model, taken unsigned by the service (the overlay's auth exceptions).
OPTIONAL_AUTH = {"GetClientToken", "GetDerivedToken"}


def test_the_model_has_34_unsigned_operations_and_two_optional_ones() -> None:
    kinds = collections.Counter(op.auth for op in cognito_spec.OPERATIONS.values())
    assert kinds["access_token"] + kinds["none"] == 34
    assert {n for n, op in cognito_spec.OPERATIONS.items() if op.auth == "optional"} == OPTIONAL_AUTH
    assert {n for n, op in cognito_spec.OPERATIONS.items() if op.auth == "none"} >= {
        "InitiateAuth",
        "RespondToAuthChallenge",
        "SignUp",
        "GetTokensFromRefreshToken",
        "RevokeToken",
    }


def test_auth_kinds_of_the_first_operations() -> None:
    assert cognito_spec.OPERATIONS["GetUser"].auth == "access_token"
    assert cognito_spec.OPERATIONS["GetUserAuthFactors"].auth == "access_token"
    assert cognito_spec.OPERATIONS["AdminGetUser"].auth == "sigv4"


@pytest.mark.parametrize(
    "name", sorted(n for n, c in STRUCTURES.items() if issubclass(c, cognito_spec.ServiceError))
)
def test_error_classes(name: str) -> None:
    cls = STRUCTURES[name]
    assert issubclass(cls, cognito_spec.CognitoSpecError)
    assert cls.code == name
    assert cls.fault == ("server" if cls.http_status >= 500 else "client")
    err = cls(message="boom")
    assert err.message == "boom"
    assert str(err) == f"{name}: boom"
    with pytest.raises(cognito_spec.ServiceError):
        raise err


def test_service_status_codes_are_the_observed_ones() -> None:
    """The overlay wins over the model: client errors are 400 on the wire (issue #2/#3)."""
    s = cognito_spec
    for cls in (
        s.NotAuthorizedException,
        s.ResourceNotFoundException,
        s.UserNotFoundException,
        s.TooManyRequestsException,
        s.InvalidParameterException,
    ):
        assert cls.http_status == 400
    assert s.ForbiddenException.http_status == 403
    assert s.InternalErrorException.http_status == 500
    assert (
        s.NotAuthorizedException.model_http_status,
        s.UserNotFoundException.model_http_status,
        s.ResourceNotFoundException.model_http_status,
        s.TooManyRequestsException.model_http_status,
    ) == (403, 404, 404, 429)
    assert s.SerializationException.message_member == "Message"
