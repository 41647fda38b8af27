"""The hypothesis entry point: every generated class resolves with ``st.from_type``, at no import cost.

Hypothesis runs every ``hypothesis`` entry point when it is imported, in every test suite of an
environment where cognito-spec is installed, whether the suite uses cognito-spec or not.  So this
module imports nothing beyond the standard library, and the hook imports nothing at all:

* classes created *before* hypothesis' import are registered when hypothesis calls the hook
  (:func:`cognito_spec.model.shape` reports each new class here with :func:`created`);
* classes created *after* it are registered as they are created, once the hook has run.

No class is created by registering: a test suite that never imports a generated class never pays
for one.  Strategies are built on first use, by :func:`cognito_spec.strategies.from_class`.
Hypothesis' own switch is honoured: with ``HYPOTHESIS_NO_PLUGINS`` set the hook never runs and
nothing is registered (importing :mod:`cognito_spec.strategies` registers anyway: that import is
explicit).

The hook was once ``cognito_spec.strategies:_hypothesis_setup_hook``, which installed metadata may
still name until a reinstall; :mod:`cognito_spec.strategies` re-exports it before importing
hypothesis, so that old entry point works too.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["_hypothesis_setup_hook", "created"]


class _Registry:
    __slots__ = ("classes", "hooked")

    def __init__(self) -> None:
        #: Every generated class created so far, in creation order.
        self.classes: list[type] = []
        #: Whether the hook has run: classes are registered from then on.
        self.hooked = False


_REGISTRY = _Registry()


def _hypothesis_setup_hook() -> None:
    """Register every generated class created so far, and those created from now on."""
    if _REGISTRY.hooked:
        return
    _REGISTRY.hooked = True
    for cls in _REGISTRY.classes:
        _register(cls)


def created(cls: type) -> None:
    """Called by :func:`cognito_spec.model.shape` for each generated class it makes."""
    _REGISTRY.classes.append(cls)
    if _REGISTRY.hooked:
        _register(cls)


def _register(cls: type) -> None:
    # The hook is called by hypothesis (or by cognito_spec.strategies, which imports hypothesis
    # first), so hypothesis.strategies is in sys.modules: nothing is imported here.
    strategies: Any = sys.modules["hypothesis.strategies"]
    strategies.register_type_strategy(cls, _strategy)


def _strategy(cls: type) -> Any:
    from cognito_spec.strategies import from_class

    return from_class(cls)
