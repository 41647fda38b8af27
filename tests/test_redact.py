"""redact(): a shareable copy of a wire value, every sensitive member masked at any depth.

Which members are sensitive is read from the metadata; each position of every class gets a marker
of its own, so the test sees exactly which positions were masked.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from _wire_examples import example, positions, set_at, shape_classes, shaped_values
from hypothesis import given

from cognito_spec import AdminGetUserResponse, GetUserRequest, GetUserResponse
from cognito_spec.model import Shape, StructInfo, member, shape
from cognito_spec.validation.redact import REDACTED, redact
from cognito_spec.validation.validate import validate

CLASSES = shape_classes()


def _marked(cls: type) -> tuple[dict[str, Any], dict[tuple[Any, ...], str]]:
    """A wire dict of ``cls`` whose every string position holds a marker unique to its path."""
    data = example(cls)
    markers: dict[tuple[Any, ...], str] = {}
    for path, shp, _sens, _req in positions(cls):
        if shp.type == "string" and not shp.enum:
            marker = "M" + "_".join(map(str, path))
            set_at(data, path, marker)
            markers[path] = marker
    return data, markers


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_exactly_the_sensitive_positions_are_masked(cls: type) -> None:
    data, markers = _marked(cls)
    before = copy.deepcopy(data)
    out = redact(data, cls)
    assert data == before, "the input is never modified"
    sensitive = {path for path, _s, sens, _r in positions(cls) if sens}
    for path, marker in markers.items():
        assert _get(out, path) == (REDACTED if path in sensitive else marker), path


def test_sensitive_members_of_list_items_are_masked_in_every_item() -> None:
    body = {
        "Username": "alice",
        "UserAttributes": [
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "custom:tenant", "Value": "acme"},
        ],
    }
    assert redact(body, AdminGetUserResponse) == {
        "Username": REDACTED,
        "UserAttributes": [
            {"Name": "email", "Value": REDACTED},
            {"Name": "phone_number", "Value": REDACTED},
            {"Name": "custom:tenant", "Value": REDACTED},
        ],
    }


def test_unknown_members_nulls_and_wrong_types_elsewhere_are_kept() -> None:
    body = {
        "Username": None,
        "UserAttributes": [None, "not an object", {"Name": "a", "Value": None, "Extra": "kept"}],
        "Unknown": {"AccessToken": "not a known position"},
        "MFAOptions": "wrong type",
    }
    assert redact(body, AdminGetUserResponse) == {
        "Username": None,
        "UserAttributes": [None, "not an object", {"Name": "a", "Value": None, "Extra": "kept"}],
        "Unknown": {"AccessToken": "not a known position"},
        "MFAOptions": "wrong type",
    }


@pytest.mark.parametrize("value", [12345, True, ["tok", "en"], {"nested": "token"}, 1.5])
def test_a_sensitive_member_of_any_json_type_is_masked_whole(value: Any) -> None:
    assert redact({"AccessToken": value}, GetUserRequest) == {"AccessToken": REDACTED}


def test_a_custom_mask() -> None:
    assert redact({"AccessToken": "eyJ..."}, GetUserRequest, mask="***") == {"AccessToken": "***"}


def test_non_objects_are_returned_as_they_are() -> None:
    assert redact(["x"], GetUserRequest) == ["x"]
    assert redact(None, GetUserRequest) is None


def test_redact_refuses_a_class_outside_the_model() -> None:
    with pytest.raises(TypeError):
        redact({}, dict)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_redacted_valid_value_stays_valid(cls: type) -> None:
    # The default mask fits the patterns of the sensitive shapes of the model, so shared captures
    # still validate.
    assert validate(redact(example(cls), cls), cls) == []


@pytest.mark.parametrize(
    "cls", [GetUserResponse, AdminGetUserResponse, GetUserRequest], ids=lambda c: c.__name__
)
@given(value=shaped_values)
def test_redaction_never_fails_and_leaves_no_sensitive_string(cls: type, value: Any) -> None:
    out = redact(value, cls)
    if not isinstance(value, dict):
        assert out is value
        return
    for path, _shape, sens, _req in positions(cls):
        if not sens or any(isinstance(p, int) for p in path):
            continue
        got = _get_or_none(out, path)
        assert got is None or got == REDACTED


def _get_or_none(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        if type(data) is not dict or p not in data:
            return None
        data = data[p]
    return data


# A structure with a sensitive map, a sensitive structure and a list of sensitive strings: shapes the
# pinned model does not use yet, built with the same helpers the generator uses.
_SECRET = Shape(name="SecretType", type="string", sensitive=True)
_PLAIN = Shape(name="PlainType", type="string")
_SECRET_LIST = Shape(name="SecretListType", type="list", member=_SECRET)
_META_MAP = Shape(name="MetaMapType", type="map", key=_PLAIN, value=_PLAIN, sensitive=True)


@shape(StructInfo(name="Inner", role="structure", model_version="test"))
class Inner:
    plain: str | None = member("Plain", _PLAIN)


@shape(StructInfo(name="Outer", role="input", model_version="test"))
class Outer:
    secrets: tuple[str, ...] | None = member("Secrets", _SECRET_LIST)
    meta: dict[str, str] | None = member("Meta", _META_MAP)
    inner: Inner | None = member(
        "Inner", Shape(name="Inner", type="structure", target="Inner"), sensitive=True
    )


def test_lists_maps_and_structures_under_sensitive_members(monkeypatch: pytest.MonkeyPatch) -> None:
    from cognito_spec import operations

    known = operations.structure
    monkeypatch.setattr(operations, "structure", lambda name: Inner if name == "Inner" else known(name))
    body = {
        "Secrets": ["a", None, "b"],
        "Meta": {"k1": "v1", "k2": "v2"},
        "Inner": {"Plain": "visible?", "Unknown": "also?"},
    }
    assert redact(body, Outer) == {
        "Secrets": [REDACTED, None, REDACTED],
        "Meta": {f"{REDACTED}-1": REDACTED, f"{REDACTED}-2": REDACTED},
        "Inner": {"Plain": REDACTED, "Unknown": REDACTED},
    }
