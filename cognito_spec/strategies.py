"""Hypothesis strategies for every generated class and operation (work in progress).

This first version only provides the entry-point hook so that ``import hypothesis`` works in an
environment where cognito-spec is installed; the strategies follow.
"""

from __future__ import annotations

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Called by hypothesis at import (``[project.entry-points.hypothesis]``)."""
