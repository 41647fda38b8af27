"""Shared test configuration: hypothesis profiles.

``ci`` (the default) keeps the suite to a few minutes on two cores; ``deep`` is for a long local or
nightly run.  Choose with ``COGNITO_SPEC_HYPOTHESIS_PROFILE=deep pytest``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "deep",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("COGNITO_SPEC_HYPOTHESIS_PROFILE", "ci"))

#: The deep profile walks every operation and class; the others sample them inside hypothesis.
DEEP = os.environ.get("COGNITO_SPEC_HYPOTHESIS_PROFILE") == "deep"


def each(items: Sequence[Any], name: Callable[[Any], str] = str) -> pytest.MarkDecorator:
    """Parametrise ``pick`` (a tuple of candidates) for "for every operation/class" properties.

    Under the ``deep`` profile there is one test per item (``pick`` holds that item); otherwise one
    test whose ``pick`` holds every item, and the test draws the item with hypothesis
    (``data.draw(st.sampled_from(pick))``), so the suite's cost does not grow with the API while
    every item stays reachable, and hypothesis reports which one failed.
    """
    if DEEP:
        return pytest.mark.parametrize("pick", [pytest.param((item,), id=name(item)) for item in items])
    return pytest.mark.parametrize("pick", [pytest.param(tuple(items), id=f"any-of-{len(items)}")])
