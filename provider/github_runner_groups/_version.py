"""The installed distribution's version, read from its metadata (pyproject.toml holds the only copy)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("github-runner-groups")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
