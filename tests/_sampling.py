"""Properties "for every operation / class" that stay cheap as the API grows from 3 to ~150 operations.

Such a test takes a *pool* of items and draws one per example with ``st.sampled_from(pool)``.
Under the ``ci`` and ``dev`` profiles there is one pool holding every item: one test, whose
examples spread over the whole registry (and a new random spread on every run).  Under ``deep``
there is one pool per item, so every item is a test id of its own and gets :data:`POOLED`'s
examples.  Write the test once::

    @pytest.mark.parametrize("pool", pools(STRUCTURES))
    @POOLED
    @given(data=st.data())
    def test_x(pool: tuple[type, ...], data: st.DataObject) -> None:
        cls = data.draw(st.sampled_from(pool))
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

import pytest
from hypothesis import settings

T = TypeVar("T")

DEEP = os.environ.get("COGNITO_SPEC_HYPOTHESIS_PROFILE") == "deep"

#: The settings of a pooled test: the profile's examples for the one pool of every item; under
#: ``deep``, a third of them (at least 30) for each item's pool.
POOLED = settings(max_examples=max(30, settings().max_examples // 3)) if DEEP else settings()


def pools(items: Mapping[str, T]) -> list[Any]:
    """``pytest.param`` pools of the items (by name): one pool of all, or one pool each under deep."""
    if DEEP:
        return [pytest.param((item,), id=name) for name, item in sorted(items.items())]
    every = tuple(item for _, item in sorted(items.items()))
    return [pytest.param(every, id=f"sampled from {len(every)}")]
