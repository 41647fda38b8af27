"""Shared test configuration: hypothesis profiles.

``ci`` (the default) keeps the suite to a few minutes on two cores; ``deep`` is for a long local or
nightly run.  Choose with ``COGNITO_SPEC_HYPOTHESIS_PROFILE=deep pytest``.
"""

from __future__ import annotations

import os

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
