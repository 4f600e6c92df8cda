"""Modules imported on first use, so that a page which never needs them does not pay for them.

``scipy.stats`` alone takes about half a second to import, and every book page starts a
fresh kernel; most pages only format proportions and tables. Attribute access on a
:class:`LazyModule` imports the real module once and forwards to it, so call sites read
as usual (``stats.norm.ppf(...)``).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """A stand-in for ``import NAME`` that imports NAME on the first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not yet imported"
        return f"<LazyModule {self._name} ({state})>"
