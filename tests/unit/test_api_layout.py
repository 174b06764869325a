"""The api package is laid out by area and reaches every name an area exports: `api.NAME` is the area's object, so
a caller (or a test patching `api.NAME`) never needs to know which part holds it; an area loads on first use."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from types import ModuleType
from typing import TypeVar

import pytest
from github_runner_groups import api


def parts(*, private: bool) -> list[ModuleType]:
    names = [m.name for m in pkgutil.iter_modules(api.__path__) if m.name.startswith("_") == private]
    return [importlib.import_module(f"{api.__name__}.{name}") for name in sorted(names)]


def parsed(source: str) -> ast.Module:
    """`ast.parse`, once more when CPython 3.11 trips on the AST constructor's recursion counter, which a parse in
    another thread of the process can upset (python/cpython#106905: "recursion depth mismatch")."""
    try:
        return ast.parse(source)
    except SystemError:
        return ast.parse(source)


def defined(module: ModuleType) -> set[str]:
    """The public names a part defines itself (functions, classes, constants and aliases; not its imports)."""
    names: set[str] = set()
    for node in parsed(inspect.getsource(module)).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return {n for n in names if not n.startswith("_") and not isinstance(getattr(module, n), TypeVar)}


def test_every_name_an_area_defines_is_exported_and_reached_through_the_package() -> None:
    for area in parts(private=False):
        assert defined(area) <= set(area.__all__), f"{area.__name__} leaves names out of its __all__"
        for name in area.__all__:
            assert getattr(api, name) is getattr(area, name)


def test_a_name_is_exported_by_one_area_only_and_no_helper_is() -> None:
    seen: dict[str, str] = {}
    for area in parts(private=False):
        for name in area.__all__:
            assert name not in seen, f"{name} is exported by {seen.get(name)} and by {area.__name__}"
            seen[name] = area.__name__
    helpers = set().union(*(defined(part) for part in parts(private=True))) - {"UnexpectedAnswer"}
    assert helpers and helpers.isdisjoint(seen)
    assert not hasattr(api, "identified") and not hasattr(api, "listing")


def test_a_name_no_area_exports_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'create_runner_groups'"):
        api.create_runner_groups  # type: ignore[attr-defined]  # noqa: B018


def test_the_group_providers_do_not_load_the_hosted_runner_areas() -> None:
    """What a provider process unpickling a RunnerGroupProvider pays for at import."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, github_runner_groups.resources.runner_group; print(*sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    areas = {name.rsplit(".", 1)[1] for name in loaded if name.startswith(f"{api.__name__}.")}
    assert {"models", "org_groups"} <= areas
    assert areas.isdisjoint({"hosted", "permissions"})
