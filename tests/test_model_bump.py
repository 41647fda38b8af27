"""tools/model_bump.py: the report a maintainer reads before moving the botocore pin.

Three parts: the report's lines for each kind of model change, over small hand-written models; the
real bump from botocore 1.43.11 to 1.44.8 (facts from the research notes, whole-api.md §1), with the
wheels fetched by the tool itself into its cache (``$COGNITO_SPEC_CACHE/botocore`` or
``~/.cache/cognito-spec/botocore``: the first run downloads two wheels, later runs reuse them);
and bad arguments, which exit 2 with one line on stderr.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import importlib.util
import io
import json
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

TOOL = Path(__file__).resolve().parent.parent / "tools" / "model_bump.py"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("model_bump", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["model_bump"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


bump = _load_tool()

# A small model in the shape of service-2.json: one operation, a few shapes of each kind.
BASE: dict[str, Any] = {
    "version": "2.0",
    "metadata": {"apiVersion": "2016-04-18", "protocol": "json", "targetPrefix": "Svc"},
    "operations": {
        "GetThing": {
            "name": "GetThing",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "GetThingRequest"},
            "output": {"shape": "GetThingResponse"},
            "errors": [{"shape": "NotFoundException", "documentation": "<p>when</p>"}],
            "documentation": "<p>Gets a thing.</p>",
        },
    },
    "shapes": {
        "GetThingRequest": {
            "type": "structure",
            "members": {"Id": {"shape": "IdType", "documentation": "the id"}, "Tags": {"shape": "TagList"}},
            "required": ["Id"],
        },
        "GetThingResponse": {
            "type": "structure",
            "members": {"Id": {"shape": "IdType"}, "Kind": {"shape": "KindType"}},
        },
        "IdType": {"type": "string", "min": 1, "max": 10, "pattern": "[a-z]+"},
        "KindType": {"type": "string", "enum": ["B", "A"]},
        "TagList": {"type": "list", "member": {"shape": "IdType"}, "max": 4},
        "NotFoundException": {
            "type": "structure",
            "members": {"message": {"shape": "IdType"}},
            "exception": True,
            "documentation": "not there",
        },
    },
}


def changed(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    model = copy.deepcopy(BASE)
    edit(model)
    return model


def write(path: Path, model: Any, *, gz: bool = False) -> Path:
    data = json.dumps(model).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def run(*args: str) -> tuple[int, str, str]:
    """The tool in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = bump.main(list(args))
        except SystemExit as exc:  # argparse
            status = exc.code if isinstance(exc.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def report(tmp_path: Path, old: Any, new: Any, *flags: str) -> list[str]:
    status, out, err = run(
        str(write(tmp_path / "old.json", old)), str(write(tmp_path / "new.json", new)), *flags
    )
    assert (status, err) == (0, "")
    return out.splitlines()


def facts(tmp_path: Path, old: Any, new: Any) -> list[str]:
    """The fact lines of a report: neither the three heading lines, section headers nor summary."""
    lines = report(tmp_path, old, new)[3:-1]
    return [line for line in lines if not line.startswith("== ") and line != "no changes"]


# --------------------------------------------------------------------------------------------------
# The report's format, over small models.


def test_identical_models_report_no_changes_with_every_section_empty(tmp_path: Path) -> None:
    old, new = write(tmp_path / "a.json", BASE), write(tmp_path / "b.json", BASE)
    status, out, _ = run(str(old), str(new))
    assert status == 0
    assert out.splitlines() == [
        f"cognito-idp model: {old} -> {new}",
        f"old {old}: api version 2016-04-18, 1 operations, 6 shapes",
        f"new {new}: api version 2016-04-18, 1 operations, 6 shapes",
        "== metadata (0)",
        "== operations added (0)",
        "== operations removed (0)",
        "== operations changed (0)",
        "== shapes added (0)",
        "== shapes removed (0)",
        "== shapes changed (0)",
        "no changes",
        "summary: 0 metadata changes; operations 0 added, 0 removed, 0 changed; shapes 0 added, 0 removed, 0 changed",
    ]


def test_documentation_keys_are_ignored_everywhere(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["operations"]["GetThing"]["documentation"] = "<p>other words</p>"
        model["operations"]["GetThing"]["documentationUrl"] = "https://example.com"
        model["operations"]["GetThing"]["errors"][0]["documentation"] = "<p>other</p>"
        model["shapes"]["NotFoundException"].pop("documentation")
        model["shapes"]["GetThingRequest"]["members"]["Id"]["deprecatedMessage"] = "use another"
        model["metadata"]["documentation"] = "service words"

    assert facts(tmp_path, BASE, changed(edit)) == []


def test_a_member_named_documentation_is_a_member(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["shapes"]["GetThingResponse"]["members"]["documentation"] = {"shape": "IdType"}

    assert facts(tmp_path, BASE, changed(edit)) == ["shape GetThingResponse: member + documentation IdType"]


def test_metadata_changes_are_old_to_new_json_values(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["metadata"]["protocol"] = "rest-json"
        model["metadata"]["signingName"] = "svc"
        del model["metadata"]["targetPrefix"]

    assert facts(tmp_path, BASE, changed(edit)) == [
        'metadata protocol: "json" -> "rest-json"',
        'metadata signingName: (none) -> "svc"',
        'metadata targetPrefix: "Svc" -> (none)',
    ]


def test_operations_added_and_removed_with_auth_shapes_and_errors(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        ops = model["operations"]
        ops["PutThing"] = {"name": "PutThing", "http": ops["GetThing"]["http"], "input": {"shape": "IdType"}}
        ops["ListThings"] = {
            "name": "ListThings",
            "input": {"shape": "GetThingRequest"},
            "output": {"shape": "GetThingResponse"},
            "errors": [{"shape": "B"}, {"shape": "A"}],
            "authtype": "none",
            "auth": ["smithy.api#noAuth"],
            "readonly": True,
        }
        ops["Token"] = {"name": "Token", "auth": ["smithy.api#noAuth"]}
        ops["Either"] = {"name": "Either", "auth": ["aws.auth#sigv4", "smithy.api#noAuth"]}
        ops["Bare"] = {"name": "Bare", "authtype": "none"}

    assert facts(tmp_path, BASE, changed(edit)) == [
        "operation + Bare (unsigned): (none) -> (none); no errors",
        "operation + Either (optional): (none) -> (none); no errors",
        "operation + ListThings (unsigned): GetThingRequest -> GetThingResponse; errors A, B; readonly true",
        "operation + PutThing (sigv4): IdType -> (none); no errors",
        "operation + Token (unsigned): (none) -> (none); no errors",
    ]
    assert facts(tmp_path, changed(edit), BASE) == [
        line.replace("operation +", "operation -") for line in facts(tmp_path, BASE, changed(edit))
    ]


def test_changed_operation_input_output_errors_auth_and_other_keys(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        op = model["operations"]["GetThing"]
        op["input"] = {"shape": "TagList"}
        del op["output"]
        op["errors"] = [{"shape": "LimitExceededException"}, {"shape": "AccessDenied"}]
        op["auth"] = ["smithy.api#noAuth"]
        op["http"] = {"method": "POST", "requestUri": "/things"}

    assert facts(tmp_path, BASE, changed(edit)) == [
        "operation GetThing: auth sigv4 -> unsigned",
        "operation GetThing: error + AccessDenied",
        "operation GetThing: error + LimitExceededException",
        "operation GetThing: error - NotFoundException",
        'operation GetThing: http {"method": "POST", "requestUri": "/"} -> {"method": "POST", "requestUri": "/things"}',
        "operation GetThing: input GetThingRequest -> TagList",
        "operation GetThing: output GetThingResponse -> (none)",
    ]


def test_added_shapes_show_their_kind_members_values_and_constraints(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["shapes"].update(
            {
                "ColorType": {"type": "string", "enum": ["RED", "BLUE"], "documentation": "x"},
                "PairType": {
                    "type": "structure",
                    "members": {"Right": {"shape": "IdType"}, "Left": {"shape": "IdType", "box": True}},
                    "required": ["Left"],
                },
                "EmptyType": {"type": "structure", "members": {}},
                "GoneException": {"type": "structure", "members": {}, "exception": True, "fault": True},
                "ByName": {
                    "type": "map",
                    "key": {"shape": "IdType"},
                    "value": {"shape": "PairType"},
                    "min": 0,
                },
                "Ids": {"type": "list", "member": {"shape": "IdType"}},
                "SecretType": {"type": "string", "max": 64, "pattern": '\\p{L}+"', "sensitive": True},
                "CountType": {"type": "integer", "min": 1, "max": 100},
                "Blob": {"type": "blob", "document": True},
            }
        )

    assert facts(tmp_path, BASE, changed(edit)) == [
        "shape + Blob (blob): document true",
        "shape + ByName (map IdType to PairType): min 0",
        "shape + ColorType (enum): BLUE, RED",
        "shape + CountType (integer): min 1, max 100",
        "shape + EmptyType (structure): no members",
        "shape + GoneException (exception structure): no members, fault",
        "shape + Ids (list of IdType)",
        "shape + PairType (structure): Left IdType (required, box true), Right IdType",
        'shape + SecretType (string): max 64, pattern "\\\\p{L}+\\"", sensitive',
    ]


def test_removed_shapes_read_as_added_ones_with_a_minus(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        del model["shapes"]["KindType"]
        del model["shapes"]["NotFoundException"]

    assert facts(tmp_path, BASE, changed(edit)) == [
        "shape - KindType (enum): A, B",
        "shape - NotFoundException (exception structure): message IdType",
    ]


def test_changed_structures_members_required_flags_and_member_keys(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        request = model["shapes"]["GetThingRequest"]
        request["members"]["Tags"] = {"shape": "IdType", "idempotencyToken": True}  # target and a key
        request["members"]["Name"] = {"shape": "IdType"}  # added, required
        request["members"]["Note"] = {"shape": "IdType"}  # added, optional
        request["required"] = ["Name"]  # Id loses its flag
        del model["shapes"]["GetThingResponse"]["members"]["Kind"]

    assert facts(tmp_path, BASE, changed(edit)) == [
        "shape GetThingRequest: member + Name IdType",
        "shape GetThingRequest: member + Note IdType",
        "shape GetThingRequest: member Tags TagList -> IdType",
        "shape GetThingRequest: member Tags: idempotencyToken (none) -> true",
        "shape GetThingRequest: required + Name",
        "shape GetThingRequest: required - Id",
        "shape GetThingResponse: member - Kind KindType",
    ]


def test_changed_constraints_enums_types_and_flags(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        shapes = model["shapes"]
        shapes["IdType"].update(min=0, pattern="[a-z0-9]+", sensitive=True)
        del shapes["IdType"]["max"]
        shapes["KindType"]["enum"] = ["A", "C", "D"]
        shapes["TagList"].update(member={"shape": "KindType"}, max=5, min=1)
        shapes["NotFoundException"].update(exception=False, fault=True, error={"httpStatusCode": 404})
        shapes["GetThingResponse"]["type"] = "union"

    assert facts(tmp_path, BASE, changed(edit)) == [
        "shape GetThingResponse: type structure -> union",
        "shape IdType: max 10 -> (none)",
        "shape IdType: min 1 -> 0",
        'shape IdType: pattern "[a-z]+" -> "[a-z0-9]+"',
        "shape IdType: sensitive false -> true",
        "enum KindType: + C",
        "enum KindType: + D",
        "enum KindType: - B",
        'shape NotFoundException: error (none) -> {"httpStatusCode": 404}',
        "shape NotFoundException: exception true -> false",
        "shape NotFoundException: fault false -> true",
        "shape TagList: list member IdType -> KindType",
        "shape TagList: max 4 -> 5",
        "shape TagList: min (none) -> 1",
    ]


def test_map_key_and_value_changes(tmp_path: Path) -> None:
    def with_map(key: str, value: str) -> dict[str, Any]:
        def edit(model: dict[str, Any]) -> None:
            model["shapes"]["ByName"] = {"type": "map", "key": {"shape": key}, "value": {"shape": value}}

        return changed(edit)

    assert facts(tmp_path, with_map("IdType", "TagList"), with_map("KindType", "IdType")) == [
        "shape ByName: map key IdType -> KindType",
        "shape ByName: map value TagList -> IdType",
    ]


def test_sections_headers_count_operations_and_shapes_not_lines(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["shapes"]["KindType"]["enum"] = ["A", "B", "C", "D"]
        model["shapes"]["IdType"]["max"] = 11
        model["operations"]["GetThing"]["errors"] = [{"shape": "X"}, {"shape": "Y"}]

    lines = report(tmp_path, BASE, changed(edit))
    assert [line for line in lines if line.startswith("== ")] == [
        "== metadata (0)",
        "== operations added (0)",
        "== operations removed (0)",
        "== operations changed (1)",
        "== shapes added (0)",
        "== shapes removed (0)",
        "== shapes changed (2)",
    ]
    assert lines[-1] == (
        "summary: 0 metadata changes; operations 0 added, 0 removed, 1 changed; shapes 0 added, 0 removed, 2 changed"
    )


def _shuffled(model: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """The same model with every object's keys and every list of names in another order."""

    def walk(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            items = list(node.items())
            rnd.shuffle(items)
            return {k: walk(v, k) for k, v in items}
        if isinstance(node, list):
            items = [walk(v) for v in node]
            if key in ("enum", "required", "errors"):
                rnd.shuffle(items)
            return items
        return node

    return walk(model)


def _big_change(model: dict[str, Any]) -> None:
    model["metadata"]["protocol"] = "rest-json"
    model["operations"]["PutThing"] = {"name": "PutThing", "errors": [{"shape": "B"}, {"shape": "A"}]}
    model["operations"]["GetThing"]["errors"] += [{"shape": "Z"}, {"shape": "Y"}]
    model["shapes"]["KindType"]["enum"] = ["Q", "P", "A"]
    model["shapes"]["Zeta"] = {
        "type": "structure",
        "members": {"b": {"shape": "IdType"}, "a": {"shape": "IdType"}},
    }
    model["shapes"]["GetThingRequest"]["members"].update(Z={"shape": "IdType"}, Y={"shape": "IdType"})
    model["shapes"]["GetThingRequest"]["required"] = ["Z", "Y", "Id"]


@given(rnd=st.randoms(use_true_random=False))
def test_the_report_does_not_depend_on_the_order_of_anything_in_the_files(
    tmp_path_factory: pytest.TempPathFactory, rnd: random.Random
) -> None:
    tmp_path = tmp_path_factory.mktemp("order")
    new = changed(_big_change)
    expected = report(tmp_path, BASE, new)[3:]
    assert report(tmp_path, _shuffled(BASE, rnd), _shuffled(new, rnd))[3:] == expected


def test_fact_lines_are_sorted_by_subject_within_each_section(tmp_path: Path) -> None:
    lines = report(tmp_path, BASE, changed(_big_change))
    sections: dict[str, list[str]] = {}
    for line in lines[3:-1]:
        if line.startswith("== "):
            current = sections.setdefault(line, [])
        else:
            current.append(line)
    for section, body in sections.items():
        subjects = [line.split(":")[0].split()[-1] for line in body]
        assert subjects == sorted(subjects), section
        assert body == sorted(body, key=lambda line: (line.split(":")[0].split()[-1], line)), section


def test_json_holds_the_same_facts_as_the_text(tmp_path: Path) -> None:
    new = changed(_big_change)
    text = report(tmp_path, BASE, new)
    raw = "\n".join(report(tmp_path, BASE, new, "--json"))
    doc = json.loads(raw)
    assert raw == json.dumps(doc, sort_keys=True, indent=2)  # keys in a stable order
    assert [section["name"] for section in doc["sections"]] == list(bump.SECTIONS)
    assert [fact["text"] for section in doc["sections"] for fact in section["facts"]] == facts(
        tmp_path, BASE, new
    )
    assert doc["summary_line"] == text[-1]
    assert doc["changes"] is True
    assert doc["old"] == {
        "api_version": "2016-04-18",
        "operations": 1,
        "shapes": 6,
        "source": str(tmp_path / "old.json"),
    }
    by_text = {fact["text"]: fact for section in doc["sections"] for fact in section["facts"]}
    assert by_text["enum KindType: + P"] == {
        "subject": "KindType",
        "aspect": "enum",
        "old": None,
        "new": "P",
        "text": "enum KindType: + P",
    }
    assert by_text["shape GetThingRequest: required + Z"]["new"] == "Z"
    assert by_text['metadata protocol: "json" -> "rest-json"']["old"] == "json"
    assert by_text["operation + PutThing (sigv4): (none) -> (none); errors A, B"]["new"] == {
        "auth": "sigv4",
        "errors": ["A", "B"],
    }


def test_gzipped_files_read_as_plain_ones(tmp_path: Path) -> None:
    new = changed(_big_change)
    plain = write(tmp_path / "service-2.json", new)
    zipped = write(tmp_path / "service-2.json.gz", new, gz=True)
    base = str(write(tmp_path / "base.json", BASE))
    assert run(base, str(plain))[1].splitlines()[3:] == run(base, str(zipped))[1].splitlines()[3:]


def test_operations_narrows_the_report_to_them_and_the_shapes_they_reach(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["metadata"]["protocol"] = "rest-json"
        model["operations"]["PutThing"] = {"name": "PutThing", "input": {"shape": "PutThingRequest"}}
        model["shapes"]["PutThingRequest"] = {
            "type": "structure",
            "members": {"Other": {"shape": "OtherType"}},
        }
        model["shapes"]["OtherType"] = {"type": "string"}
        model["shapes"]["TagList"]["max"] = 5  # reached through GetThingRequest.Tags
        model["shapes"]["KindType"]["enum"].append("C")  # reached through GetThingResponse.Kind
        model["shapes"]["Unused"] = {"type": "string"}

    old, new = write(tmp_path / "old.json", BASE), write(tmp_path / "new.json", changed(edit))
    status, out, _ = run(str(old), str(new), "--operations", "GetThing")
    assert status == 0
    lines = out.splitlines()
    assert lines[3] == "scope: operations GetThing and the shapes they reach"
    assert [line for line in lines[4:-1] if not line.startswith("== ")] == [
        'metadata protocol: "json" -> "rest-json"',
        "enum KindType: + C",
        "shape TagList: max 4 -> 5",
    ]
    # Added operations count too when named; a name in neither model is a bad argument.
    _, out, _ = run(str(old), str(new), "--operations", "PutThing")
    assert "operation + PutThing (sigv4): PutThingRequest -> (none); no errors" in out.splitlines()
    assert "shape + OtherType (string)" in out.splitlines()
    status, out, err = run(str(old), str(new), "--operations", "GetThing,NoSuchThing")
    assert (status, out) == (2, "")
    assert err == "model_bump.py: --operations: not in either model: NoSuchThing\n"


def _wheel(path: Path, models: dict[str, Any]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("botocore/__init__.py", "")
        for name, model in models.items():
            data = json.dumps(model).encode()
            archive.writestr(name, gzip.compress(data) if name.endswith(".gz") else data)
    return path


def test_a_version_already_in_the_cache_is_read_from_its_wheel_newest_api_version_first(
    tmp_path: Path,
) -> None:
    # 9.9.9 does not exist on PyPI: a report at all proves the cached wheel was used, not pip.
    cache = tmp_path / "cache"
    cache.mkdir()
    _wheel(
        cache / "botocore-9.9.9-py3-none-any.whl",
        {
            "botocore/data/cognito-idp/2014-01-01/service-2.json": changed(_big_change),
            "botocore/data/cognito-idp/2016-04-18/service-2.json.gz": BASE,
            "botocore/data/cognito-identity/2099-01-01/service-2.json": changed(_big_change),
        },
    )
    status, out, err = run("9.9.9", str(write(tmp_path / "same.json", BASE)), "--cache-dir", str(cache))
    assert (status, err) == (0, "")
    assert out.splitlines()[1] == "old botocore 9.9.9: api version 2016-04-18, 1 operations, 6 shapes"
    assert "no changes" in out.splitlines()


def test_the_cache_dir_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COGNITO_SPEC_CACHE", str(tmp_path))
    assert bump.default_cache() == tmp_path / "botocore"
    monkeypatch.delenv("COGNITO_SPEC_CACHE")
    assert bump.default_cache() == Path.home() / ".cache" / "cognito-spec" / "botocore"


# --------------------------------------------------------------------------------------------------
# The real bump: botocore 1.43.11 -> 1.44.8 (research notes, whole-api.md §1).

ADDED_IN_1_44_8 = {
    *(
        "AdminDeleteSoftwareToken",
        "AdminGetUserAuthFactors",
        "AdminListUserSessions",
        "AdminRevokeUserSession",
    ),
    *("CancelPointInTimeRecovery", "DescribePointInTimeRecovery", "InitiatePointInTimeRecovery"),
    *("ListPointInTimeRecoveries", "StartPointInTimeRecovery"),
    *("CreateCIMDPolicy", "DeleteCIMDPolicy", "DescribeCIMDPolicy", "ListCIMDPolicies", "UpdateCIMDPolicy"),
    *("ListClientMetadataURLs", "UpdateClientMetadataURLState"),
    *("CreateUserPoolReplica", "DeleteUserPoolReplica", "ListUserPoolReplicas", "UpdateUserPoolReplica"),
    *("DescribeTermsByClient", "GetClientToken", "GetDerivedToken"),
    *("GetProvisionedLimit", "UpdateProvisionedLimit"),
    *("GetUserPoolClientSessionConfiguration", "GetUserPoolSessionConfiguration"),
    *("SetUserPoolClientSessionConfiguration", "SetUserPoolSessionConfiguration"),
    *("ListUserSessions", "RevokeUserSession"),
}


@pytest.fixture(scope="session")
def real_bump() -> list[str]:
    status, out, err = run("1.43.11", "1.44.8")
    assert (status, err) == (0, "")
    return out.splitlines()


def test_real_bump_adds_31_operations_and_removes_none(real_bump: list[str]) -> None:
    added = {line.split()[2] for line in real_bump if line.startswith("operation + ")}
    assert added == ADDED_IN_1_44_8
    assert len(added) == 31
    assert "== operations added (31)" in real_bump
    assert "== operations removed (0)" in real_bump
    assert real_bump[-1] == (
        "summary: 0 metadata changes; operations 31 added, 0 removed, 108 changed; "
        "shapes 140 added, 0 removed, 28 changed"
    )


def test_real_bump_auth_of_the_new_operations(real_bump: list[str]) -> None:
    unsigned = {
        line.split()[2] for line in real_bump if line.startswith("operation + ") and "(unsigned)" in line
    }
    assert unsigned == {"ListUserSessions", "RevokeUserSession"}
    assert any(line.startswith("operation + AdminGetUserAuthFactors (sigv4): ") for line in real_bump)
    # No existing operation changed how it is signed.
    assert not [line for line in real_bump if ": auth " in line]


def test_real_bump_shape_facts(real_bump: list[str]) -> None:
    for line in (
        "enum AuthFactorType: + SOFTWARE_TOKEN",
        "enum ExplicitAuthFlowsType: + ALLOW_TOKEN_EXCHANGE_DELEGATION",
        "enum ExplicitAuthFlowsType: + ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
        "shape AllowedFirstAuthFactorsListType: max 4 -> 5",
        "shape SessionType: max 2048 -> 4096",
        "shape SmsConfigurationType: required - SnsCallerArn",
        "shape SmsConfigurationType: member SnsCallerArn ArnType -> OptionalArnType",
        "shape SmsConfigurationType: member + EumsSms EumsSmsConfigurationType",
        "shape + OperationNotEnabledException (exception structure): message MessageType",
        'shape + SessionIdType (string): min 28, max 28, pattern "^(tkn|sso)[a-z0-9]{25}$"',
    ):
        assert line in real_bump


def test_real_bump_error_shapes(real_bump: list[str]) -> None:
    new_errors = {
        line.split()[2] for line in real_bump if line.startswith("shape + ") and "(exception" in line
    }
    assert new_errors == {
        "OperationNotEnabledException",
        "ServiceQuotaExceededException",
        "CachedCIMDURLDoesNotExistException",
    }
    gained = [line for line in real_bump if line.endswith(": error + OperationNotEnabledException")]
    assert len(gained) == 108
    assert "operation AdminInitiateAuth: error + FeatureUnavailableInTierException" in real_bump


def test_real_bump_for_the_operations_the_library_covers() -> None:
    status, out, _ = run("1.43.11", "1.44.8", "--operations", "GetUser,AdminGetUser,GetUserAuthFactors")
    assert status == 0
    assert [line for line in out.splitlines()[4:-1] if not line.startswith("== ")] == [
        "operation AdminGetUser: error + OperationNotEnabledException",
        "operation GetUser: error + OperationNotEnabledException",
        "operation GetUserAuthFactors: error + OperationNotEnabledException",
        "shape + OperationNotEnabledException (exception structure): message MessageType",
        "enum AuthFactorType: + SOFTWARE_TOKEN",
    ]


def test_a_reader_that_is_gone_is_not_an_error() -> None:
    # The reading end closes before the tool writes (as `| head` does once it has its lines).
    with subprocess.Popen(
        [sys.executable, str(TOOL), "1.43.11", "1.44.8"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as tool:
        assert tool.stdout is not None
        assert tool.stderr is not None
        tool.stdout.close()
        assert (tool.wait(), tool.stderr.read()) == (0, b"")


def test_installed_reads_the_model_of_the_installed_botocore() -> None:
    botocore = pytest.importorskip("botocore")
    session = pytest.importorskip("botocore.session")

    model = bump.load_installed()
    loaded = session.get_session().get_component("data_loader").load_service_model("cognito-idp", "service-2")
    assert model.source == f"botocore {botocore.__version__} (installed)"
    assert model.operations.keys() == loaded["operations"].keys()
    assert model.shapes.keys() == loaded["shapes"].keys()


# --------------------------------------------------------------------------------------------------
# Bad arguments: exit 2, one line on stderr, nothing on stdout.


@pytest.mark.parametrize(
    ("make", "says"),
    [
        pytest.param(lambda d: d / "missing.json", "neither a botocore version", id="missing-file"),
        pytest.param(lambda d: d, "a directory", id="directory"),
        pytest.param(lambda d: "1.x", "neither a botocore version", id="not-a-version"),
        pytest.param(lambda d: _bytes(d, b"{not json"), "not JSON", id="not-json"),
        pytest.param(lambda d: _bytes(d, b"\xff\xfe\x00"), "not JSON", id="not-utf8"),
        pytest.param(lambda d: _bytes(d, b"[" * 100_000), "not JSON", id="deeply-nested"),
        pytest.param(lambda d: _bytes(d, b"\x1f\x8bgarbage"), "not a readable gzip file", id="bad-gzip"),
        pytest.param(lambda d: write(d / "m.json", [1]), "not a JSON object", id="array"),
        pytest.param(
            lambda d: write(d / "m.json", {"shapes": {}}), "no 'operations' object", id="no-operations"
        ),
        pytest.param(
            lambda d: write(d / "m.json", changed(lambda m: m["shapes"]["IdType"].pop("type"))),
            "shapes.IdType: not a service model",
            id="shape-without-type",
        ),
        pytest.param(
            lambda d: write(d / "m.json", changed(lambda m: m["shapes"]["KindType"].update(enum="A"))),
            "shapes.KindType.enum",
            id="enum-not-a-list",
        ),
        pytest.param(
            lambda d: write(
                d / "m.json", changed(lambda m: m["operations"]["GetThing"].update(errors=["X"]))
            ),
            "operations.GetThing.errors[0]",
            id="error-not-a-ref",
        ),
        pytest.param(
            lambda d: write(
                d / "m.json", changed(lambda m: m["shapes"]["GetThingRequest"]["members"].update(X=1))
            ),
            "shapes.GetThingRequest.members.X",
            id="member-not-a-ref",
        ),
    ],
)
def test_a_bad_model_argument_exits_2_with_one_line(
    tmp_path: Path, make: Callable[[Path], Any], says: str
) -> None:
    status, out, err = run(str(write(tmp_path / "base.json", BASE)), str(make(tmp_path)))
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("model_bump.py: ")
    assert says in err


def _bytes(directory: Path, data: bytes) -> Path:
    path = directory / "bytes.json"
    path.write_bytes(data)
    return path


def test_a_wheel_without_the_model_exits_2(tmp_path: Path) -> None:
    _wheel(tmp_path / "botocore-9.9.8-py3-none-any.whl", {"botocore/data/s3/2006-03-01/service-2.json": BASE})
    (tmp_path / "botocore-9.9.7-py3-none-any.whl").write_bytes(b"not a zip")
    for version, says in (("9.9.8", "no cognito-idp service model"), ("9.9.7", "not a readable wheel")):
        status, out, err = run(version, "installed", "--cache-dir", str(tmp_path))
        assert (status, out, len(err.splitlines())) == (2, "", 1)
        assert says in err


def test_wrong_argument_count_exits_2_with_one_line() -> None:
    for args in ((), ("1.43.11",), ("1.43.11", "1.44.8", "1.44.9"), ("1.43.11", "1.44.8", "--nope")):
        status, out, err = run(*args)
        assert (status, out, len(err.splitlines())) == (2, "", 1), args


def test_an_unknown_version_exits_2_with_pips_reason_and_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(TOOL), "999.0.0", "installed", "--cache-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("model_bump.py: botocore 999.0.0: pip download failed: ")
    assert list(tmp_path.iterdir()) == []  # no partial download left behind
