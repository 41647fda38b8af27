"""The whole cognito-idp API of the pinned model is generated, and every class of it works.

One walk over the registry (every class of every operation, no sampling): each class compiles its
checker and builders, has a schema the dialect-aware checker accepts, and a generated instance of it
(valid, then adversarial) round-trips through the codec, strict and tolerant decoding, ``validate``
and the schema oracle.  The properties of the other test files sample the same registry inside
hypothesis; this is the one place that touches every class on every run.
"""

from __future__ import annotations

import json

import botocore.session

import cognito_spec as cs
from cognito_spec import STRUCTURES, schema
from cognito_spec.codec.compile import function_for
from cognito_spec.fixtures import Generator, Options, RandomSource

MODEL = (
    botocore.session.get_session().get_component("data_loader").load_service_model("cognito-idp", "service-2")
)


def test_every_operation_of_the_pinned_model_is_in_the_registry() -> None:
    assert sorted(cs.OPERATIONS) == sorted(MODEL["operations"])
    assert len(cs.OPERATIONS) == 153
    assert cs.BOTOCORE_VERSION == "1.44.8"
    # Every structure an operation reaches is a class (inputs, outputs, errors and what they hold).
    reached = {op["input"]["shape"] for op in MODEL["operations"].values()}
    reached |= {op["output"]["shape"] for op in MODEL["operations"].values() if "output" in op}
    reached |= {e["shape"] for op in MODEL["operations"].values() for e in op.get("errors", [])}
    assert reached <= set(STRUCTURES)
    assert {n for n, d in MODEL["shapes"].items() if d.get("exception")} <= set(STRUCTURES)


def test_every_class_compiles_and_round_trips() -> None:
    walked = 0
    for name, cls in sorted(STRUCTURES.items()):
        for mode in ("check", "strict", "build", "unbuild"):
            function_for(cls, mode)
        schema.check_schema(cs.json_schema(cls))
        oracle = schema.validator_for(cls)
        for adversarial in (False, True):
            gen = Generator(
                RandomSource(f"{name}-{adversarial}"), Options(adversarial=adversarial, unknown_enums=False)
            )
            obj = gen.instance(cls)
            body = cs.dumps(obj)
            assert cs.loads(body, cls, strict=True) == obj, name
            assert cs.loads(body, cls) == obj, name
            assert cs.validate(body, cls) == [], name
            assert oracle.is_valid(json.loads(body)), name
        walked += 1
    assert walked == len(STRUCTURES) > 450
