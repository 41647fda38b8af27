"""The public surface: what the root exports, what importing it costs, and what it may raise.

* ``__all__`` is a snapshot: a name added to or dropped from the root is a decision, made here.
* The root is lazy: importing it imports no layer and no operation module; one operation's first
  use imports that operation's module only.
* The error root: whatever a public verb is given, it returns or raises a ``CognitoSpecError``
  (or, for the generated errors, the ``ServiceError`` it was asked to build), never a bare
  ``TypeError``, ``KeyError``, ``re.error``, ``RecursionError`` or ``UnicodeError``.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cognito_spec as cs

ROOT_NAMES = [
    "ACCESS_TOKEN_EXPIRED",
    "ACCESS_TOKEN_MISSING_SCOPES",
    "ACCESS_TOKEN_REVOKED",
    "API_VERSION",
    "ArgumentTypeError",
    "ArgumentValueError",
    "AuthKind",
    "BOTOCORE_VERSION",
    "CaptureError",
    "CognitoSpecError",
    "DaskExtraMissingError",
    "DecodeError",
    "EncodeError",
    "ErrorResponse",
    "Exchange",
    "ExchangeReport",
    "Finding",
    "GenerationError",
    "INVALID_ACCESS_TOKEN",
    "MODEL_VERSION",
    "MessageFormatError",
    "OPERATIONS",
    "OPERATIONS_BY_TARGET",
    "Operation",
    "PatternError",
    "REDACTED",
    "ReadStats",
    "STRUCTURES",
    "ServiceError",
    "TOKEN_MESSAGES",
    "TokenFormatError",
    "TokenKeyError",
    "TokensExtraMissingError",
    "UnknownNameError",
    "UnknownServiceError",
    "UsageError",
    "ValidationItem",
    "Violation",
    "WireTypeError",
    "WorkerError",
    "configure_converter",
    "content_type_ok",
    "dumps",
    "error_class",
    "examine",
    "from_wire",
    "invalid_parameter",
    "is_validation_message",
    "json_schema",
    "loads",
    "make_converter",
    "message_items",
    "open_capture",
    "operation",
    "parse_error",
    "parse_request",
    "parse_validation_message",
    "read_capture",
    "redact",
    "redact_exchange",
    "render_error",
    "render_response",
    "same_message",
    "service_error",
    "structure",
    "to_wire",
    "validate",
    "validate_exchange",
    "validation_message",
    "write_har",
    "write_jsonl",
]


def test_the_root_exports_exactly_the_verbs_and_error_types() -> None:
    assert sorted(cs.__all__) == ROOT_NAMES
    for name in cs.__all__:
        assert getattr(cs, name) is not None


def test_generated_classes_are_reached_from_the_root_but_not_star_exported() -> None:
    assert cs.AdminGetUserResponse is cs.structure("AdminGetUserResponse")
    assert cs.UserStatusType.CONFIRMED == "CONFIRMED"
    assert "AdminGetUserResponse" not in cs.__all__
    assert "AdminGetUserResponse" in dir(cs)
    with pytest.raises(AttributeError):
        _ = cs.NoSuchShape  # type: ignore[attr-defined]


def _fresh(code: str) -> Any:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env()
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}


def test_importing_the_root_imports_no_layer_and_no_operation() -> None:
    loaded = _fresh(
        "import sys, json, cognito_spec; print(json.dumps(sorted(m for m in sys.modules if m.startswith(('cognito_spec', 'cattrs', 'jsonschema', 'ijson', 'hypothesis')))))"
    )
    assert loaded == ["cognito_spec"]


def test_the_first_use_of_one_operation_imports_that_operation_only() -> None:
    loaded = _fresh(
        "import sys, json, cognito_spec as cs\n"
        'cs.loads(b\'{"UserPoolId":"us-east-1_a","Username":"u"}\', cs.AdminGetUserRequest)\n'
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('cognito_spec.shapes.'))))"
    )
    operation_modules = {"get_user", "get_user_auth_factors", "admin_get_user"}
    assert {m.rsplit(".", 1)[1] for m in loaded} & operation_modules == {"admin_get_user"}


# --------------------------------------------------------------------------------------------------
# The error root.

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ANYTHING = st.one_of(
    JSON,
    st.binary(max_size=64),
    st.sampled_from([int, str, dict, object, type, None, cs.AttributeType, cs.UserStatusType, cs.OPERATIONS]),
    st.builds(object),
)
CLASSES = st.sampled_from(sorted(cs.STRUCTURES.values(), key=lambda c: c.__name__))


def _calls() -> list[tuple[str, Callable[..., Any], st.SearchStrategy[tuple[Any, ...]]]]:
    body = st.one_of(st.binary(max_size=64), JSON.map(lambda v: json.dumps(v).encode()), ANYTHING)
    cls = st.one_of(CLASSES, ANYTHING)
    return [
        ("loads", lambda b, c, s: cs.loads(b, c, strict=s), st.tuples(body, cls, st.booleans())),
        ("from_wire", lambda d, c, s: cs.from_wire(d, c, strict=s), st.tuples(ANYTHING, cls, st.booleans())),
        ("validate", cs.validate, st.tuples(body, cls)),
        ("redact", cs.redact, st.tuples(ANYTHING, cls)),
        ("dumps", cs.dumps, st.tuples(ANYTHING)),
        ("to_wire", cs.to_wire, st.tuples(ANYTHING)),
        ("json_schema", cs.json_schema, st.tuples(cls)),
        ("parse_request", cs.parse_request, st.tuples(st.one_of(st.just({}), ANYTHING), body)),
        ("render_response", cs.render_response, st.tuples(ANYTHING)),
        ("render_error", cs.render_error, st.tuples(ANYTHING)),
        ("parse_error", cs.parse_error, st.tuples(st.one_of(st.integers(), ANYTHING), ANYTHING, body)),
        ("parse_validation_message", cs.parse_validation_message, st.tuples(ANYTHING)),
        ("is_validation_message", cs.is_validation_message, st.tuples(ANYTHING)),
        ("same_message", cs.same_message, st.tuples(ANYTHING, ANYTHING)),
        ("validation_message", cs.validation_message, st.tuples(ANYTHING)),
        ("structure", cs.structure, st.tuples(ANYTHING)),
        ("operation", cs.operation, st.tuples(ANYTHING)),
        ("error_class", cs.error_class, st.tuples(ANYTHING)),
        ("content_type_ok", cs.content_type_ok, st.tuples(ANYTHING)),
    ]


CALLS = _calls()


@given(data=st.data())
def test_whatever_a_verb_is_given_it_raises_only_library_errors(data: st.DataObject) -> None:
    name, verb, args = data.draw(st.sampled_from(CALLS), label="verb")
    drawn = data.draw(args, label=name)
    with contextlib.suppress(cs.CognitoSpecError):
        verb(*drawn)
