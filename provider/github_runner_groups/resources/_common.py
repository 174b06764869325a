"""What the three providers share: settings, unknown values, input validation and id handling.

Providers are pickled by reference (the class lives in this installed package) and must stay free of sessions,
locks and secrets at pickling time: settings are resolved in the provider server after `configure`, never in
`__init__`.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi
import pulumi.log
from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ReadResult, ResourceProvider

from .. import api
from ..client import GitHubClient, get_client
from ..client.core import waits_log
from ..errors import ConfigError, GitHubRunnerGroupsError
from ..redaction import scrub, scrub_exception
from ..settings import ProviderSettings, resolve_settings
from .fields import Field, Role, invisible_characters, named
from .values import enterprise_problem
from .values import is_unknown as is_unknown  # re-exported: the resources import it from here
from .values import org_problem as org_problem
from .values import shown as shown

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .fields import Field

PROVIDER_KEY = "__provider"
LOG_LEVEL_ENV = "GITHUB_RUNNER_GROUPS_LOG"
# Pulumi carries numbers as IEEE doubles: a larger id would come back from state as a different number.
MAX_ID = 2**53


def contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def user_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


# What the engine calls on a provider; any exception escaping one becomes text the engine shows and logs.
_ENGINE_METHODS = ("configure", "check", "diff", "create", "read", "update", "delete")


def _scrubbing(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception as error:
            raise scrub_exception(error)  # noqa: B904 - the same exception, its chain scrubbed in place

    call.__scrubbing__ = True  # type: ignore[attr-defined]
    return call


class GitHubProvider(ResourceProvider):
    """Base of the providers: resolves settings once per process, hands out the shared client.

    Every engine-facing method of every subclass is wrapped so that no exception leaves with a secret in its text
    or in that of an exception chained to it (the SDK's server sends the whole traceback to the engine).
    """

    _settings: ProviderSettings | None = None
    # `project/stack` of the program that made this instance (see `of_this_stack`); None when unknown.
    stack: str | None = None

    def __getstate__(self) -> tuple[tuple[str, Any], ...]:
        """The instance's few attributes as a sorted tuple, not a dict: the SDK's `serialize_provider` wraps
        pickle's dict writer once more on every registration and never unwraps it, so in a program of about a
        thousand dynamic resources pickling any dict by item overflows the stack (tests/unit/test_provider_pickling.py).
        """
        return tuple(sorted(vars(self).items()))

    def __setstate__(self, state: tuple[tuple[str, Any], ...]) -> None:
        vars(self).update(state)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _ENGINE_METHODS:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "__scrubbing__", False):
                setattr(cls, name, _scrubbing(method))

    def configure(self, req: ConfigureRequest) -> None:
        _log_to_stderr(os.environ.get(LOG_LEVEL_ENV))
        self._settings = resolve_settings(req.config.get)

    @property
    def settings(self) -> ProviderSettings:
        # Under `pulumi.runtime.set_mocks` nothing calls configure: fall back to the environment alone.
        if self._settings is None:
            self._settings = resolve_settings()
        return self._settings

    def client(self) -> GitHubClient:
        """The process's client; creating it validates the settings (ConfigError), once per settings."""
        _say_waits_through_pulumi()
        return get_client(self.settings.client)

    def start_check(self, news: Mapping[str, Any], allowed: set[str], location: str = "org") -> Checker:
        """A Checker on the user's inputs, already holding what is wrong with the settings, the input names and the
        `location` (`org`, or `enterprise` for the enterprise resources), filled in from the settings if unset.

        Bad settings fail `check` (so `pulumi preview` fails too): every later API call would trip on them.
        """
        checker = Checker(user_inputs(news))
        try:
            self.settings.client.validate()
        except ConfigError as exc:
            checker.fail("provider", str(exc))
        checker.unexpected(allowed)
        if location == "enterprise":
            checker.enterprise(self.settings.enterprise)
        else:
            checker.org(self.settings.owner)
        return checker


GroupLister = Callable[[GitHubClient, str], list[api.RunnerGroup]]


ProviderT = TypeVar("ProviderT", bound="GitHubProvider")


def of_this_stack(provider: ProviderT) -> ProviderT:
    """The provider instance a Resource registers, naming the program's project and stack: the provider sees
    neither, and the ownership journal keys what a stack's resources wrote by it (two stacks sharing a token must
    not take each other's entries for their own). A plain string: the instance stays free of state."""

    provider.stack = f"{pulumi.get_project()}/{pulumi.get_stack()}"
    return provider


def gone(client: GitHubClient, org: str, list_groups: GroupLister = api.list_runner_groups) -> ReadResult:
    """What a read that got 404 returns: the resource is dropped from state, but only once the org (or
    enterprise) itself is readable, since a 404 may also mean the token lost access (and then the listing raises,
    naming the scope)."""
    list_groups(client, org)
    return ReadResult("", {})


def check_result(checker: Checker, news: Mapping[str, Any]) -> CheckResult:
    """The checked inputs with the pickled provider carried through, as the SDK needs it."""
    return CheckResult({**checker.inputs, PROVIDER_KEY: news.get(PROVIDER_KEY)}, checker.failures)


def registration(
    args_type: type[Any], args: Any, kwargs: Mapping[str, Any], computed: tuple[str, ...]
) -> dict[str, Any]:
    """The properties a Resource subclass registers: its Args fields (given as an Args or as keywords) and its
    computed outputs as None, so that Pulumi knows them as outputs."""
    if args is None:
        args = args_type(**kwargs)
    elif kwargs:
        raise TypeError(f"pass either a {args_type.__name__} or keyword arguments, not both")
    props: dict[str, Any] = {f.name: getattr(args, f.name) for f in fields(args)}
    props.update(dict.fromkeys(computed))
    return props


class _PulumiWarning(logging.Handler):
    """Passes the client's long waits (each naming what it was doing for which resource) to Pulumi's log: the
    dynamic provider has no engine connection, so `pulumi.log.warn` writes them to the provider's stderr, which
    the CLI shows as the run's diagnostics."""

    def emit(self, record: logging.LogRecord) -> None:
        pulumi.log.warn(f"github-runner-groups: {record.getMessage()}")


_PULUMI_WARNING = _PulumiWarning()


def _say_waits_through_pulumi() -> None:
    if _PULUMI_WARNING not in waits_log.handlers:
        waits_log.addHandler(_PULUMI_WARNING)


def _log_to_stderr(level: str | None) -> None:
    """`GITHUB_RUNNER_GROUPS_LOG=debug` shows every request in the provider's stderr (Authorization redacted)."""
    if not level or not isinstance(logging.getLevelName(level.upper()), int):
        return
    logger = logging.getLogger("github_runner_groups")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("github-runner-groups %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level.upper())


@dataclass
class Checker:
    """Collects check failures, each naming the field, the value and the fix; unknowns pass unchecked."""

    inputs: dict[str, Any]
    failures: list[CheckFailure] = field(default_factory=list)

    def fail(self, name: str, reason: str) -> None:
        """Record a failure; both texts are scrubbed, since a reason may show a value that is a secret."""
        self.failures.append(CheckFailure(scrub(name), scrub(reason)))

    def known(self, name: str) -> bool:
        return name in self.inputs and not contains_unknown(self.inputs[name])

    def default(self, name: str, value: Any) -> None:
        if self.inputs.get(name) is None:
            self.inputs[name] = value

    def unexpected(self, allowed: set[str]) -> None:
        for name in sorted(set(self.inputs) - allowed - {PROVIDER_KEY}):
            self.fail(name, f"unknown input '{name}'; valid inputs are: {', '.join(sorted(allowed))}.")

    def boolean(self, name: str) -> None:
        if self.known(name) and not isinstance(self.inputs[name], bool):
            self.fail(name, f"{name} must be true or false, got {self.inputs[name]!r}.")

    def choice(self, name: str, choices: tuple[str, ...]) -> None:
        if self.known(name) and self.inputs[name] not in choices:
            options = ", ".join(repr(c) for c in choices)
            self.fail(name, f"{name} must be one of {options}, got {self.inputs[name]!r}.")

    def org(self, owner: str | None) -> None:
        """`org` defaults to the provider's owner (github:owner / GITHUB_OWNER)."""
        self._location("org", owner, "organization", "github:owner", "ORG", "GITHUB_OWNER", org_problem)

    def enterprise(self, default: str | None) -> None:
        """`enterprise` defaults to github-runner-groups:enterprise / GITHUB_ENTERPRISE."""
        self._location(
            "enterprise",
            default,
            "enterprise",
            "github-runner-groups:enterprise",
            "SLUG",
            "GITHUB_ENTERPRISE",
            enterprise_problem,
        )

    def _location(
        self,
        name: str,
        default: str | None,
        noun: str,
        config_key: str,
        placeholder: str,
        env: str,
        problem_of: Callable[[Any], str | None],
    ) -> None:
        self.default(name, default)
        value = self.inputs.get(name)
        if value is None:
            self.fail(
                name,
                f"no {noun} given: set {name}= on the resource, or the stack config {config_key} "
                f"(`pulumi config set {config_key} {placeholder}`), or {env}.",
            )
        elif isinstance(value, str) and scrub(value) != value:
            # Refused before any other check could show it, and kept out of the inputs (and so of any state).
            self.inputs[name] = None
            self.fail(
                name,
                f"{name} holds a secret (the token, or text shaped like a GitHub token), not the {noun}'s name: "
                f"set {name}= on the resource, or {config_key} / {env}, to the {noun}'s name.",
            )
        elif self.known(name):
            problem = problem_of(value)
            if problem is not None:
                self.fail(name, problem)

    def group_id(self, name: str = "runner_group_id") -> None:
        """Ids arrive as str (a RunnerGroup's `id`), int, or float (numbers from state)."""
        if name not in self.inputs or self.inputs[name] is None:
            self.fail(name, f"{name} is required: pass the RunnerGroup's id, e.g. {name}=group.id.")
            return
        if not self.known(name):
            return
        parsed = parse_id(self.inputs[name])
        if parsed is None:
            self.fail(
                name,
                f"{name} must be a runner group id (a whole number from 1 to 2**53 in ASCII digits), got "
                f"{self.inputs[name]!r}: pass the RunnerGroup's id, e.g. {name}=group.id.",
            )
        else:
            self.inputs[name] = str(parsed)

    def reference_list(self, name: str, noun: str, example: str) -> None:
        """A list of names (str) or numeric ids (int): `repositories`, `runners`."""
        value = self.inputs.get(name)
        if value is None:
            self.fail(name, f"{name} is required: a list of {noun} names or ids, e.g. {example}.")
            return
        if is_unknown(value):
            return
        if not isinstance(value, list):
            self.fail(name, f"{name} must be a list of {noun} names or ids, got {value!r}.")
            return
        seen: set[str] = set()
        normalised: list[Any] = []
        for index, item in enumerate(value):
            if is_unknown(item):
                normalised.append(item)
                continue
            if isinstance(item, str) and item.strip() and (item != item.strip() or invisible_characters(item)):
                self.fail(
                    f"{name}[{index}]",
                    f"{name}[{index}] is {shown(item)}, with spaces, newlines or control characters around or in it "
                    "(often pasted from a file): write the name with visible characters only, nothing around it.",
                )
                continue
            ref = normalise_reference(item)
            if ref is None:
                self.fail(
                    f"{name}[{index}]",
                    f"{name}[{index}] must be {'an' if noun[0] in 'aeiou' else 'a'} {noun} name (non-empty text) or a "
                    "numeric id from 1 to 2**53, "
                    f"got {shown(item)}.",
                )
                continue
            key = str(ref).lower()
            if key in seen:
                self.fail(f"{name}[{index}]", f"{name} lists {item!r} twice; list each {noun} once.")
                continue
            seen.add(key)
            normalised.append(ref)
        self.inputs[name] = normalised


def numeric_id(id_: str, what: str) -> int:
    """A resource's id as the numeric GitHub id it is (`what`: "runner group", "hosted runner")."""
    parsed = parse_id(id_)
    if parsed is None:
        raise ValueError(f"{what} resource id {id_!r} is not a numeric {what} id")
    return parsed


def managed_settings(inputs: Mapping[str, Any], settable: tuple[str, ...]) -> tuple[str, ...]:
    """The settings a resource owns: all of them, or with `adopt=True` only those the program sets."""
    if inputs.get("adopt") is True:
        return tuple(name for name in settable if inputs.get(name) is not None)
    return settable


def table_outputs(table: Iterable[Field], model: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's outputs: `given` values (org, adopt, ...) and every other field of `table` from GitHub's model."""
    return {f.name: given[f.name] if f.name in given else f.from_model(model) for f in table}


def parse_id(value: Any) -> int | None:
    """A GitHub id from a program or state: ints, whole floats (numbers from state) and ASCII digits, 1..2**53."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isascii() and text.isdigit() else None
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


def normalise_reference(item: Any) -> str | int | None:
    """Numbers from state come back as floats: 123.0 -> 123. Text stays a name, stripped."""
    if isinstance(item, bool):
        return None
    if isinstance(item, float) and item.is_integer() and 0 < item <= MAX_ID:
        return int(item)
    if isinstance(item, int):
        return item if 0 < item <= MAX_ID else None
    if isinstance(item, str) and item.strip():
        return item.strip()
    return None


class TableScope:
    """What a resource's field table alone answers, for the scopes (an org's, an enterprise's) built on one: each
    field by name, the inputs it takes, its computed outputs, and which of some fields differ."""

    table: tuple[Field, ...]

    @cached_property
    def fields(self) -> dict[str, Field]:
        return {f.name: f for f in self.table}

    @cached_property
    def settable(self) -> tuple[str, ...]:
        return named(self.table, Role.SETTING)

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        return named(self.table, Role.SETTING, Role.LOCATION, Role.STEERING, Role.MEMBERS)

    @cached_property
    def computed(self) -> tuple[str, ...]:
        return named(self.table, Role.COMPUTED)

    def changed(self, olds: Mapping[str, Any], news: Mapping[str, Any], names: Iterable[str]) -> list[str]:
        return changed_fields(olds, news, tuple(names), lambda name, value: self.fields[name].compare(value))


def changed_fields(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    fields: tuple[str, ...],
    normalise: Callable[[str, Any], Any],
) -> list[str]:
    """Fields whose values differ after normalisation; an unknown new value counts as a change."""
    return [
        name
        for name in fields
        if contains_unknown(news.get(name)) or normalise(name, olds.get(name)) != normalise(name, news.get(name))
    ]


class Refused(GitHubRunnerGroupsError):
    """A change the provider refuses before asking GitHub: it would touch what the stack does not own, or what
    GitHub does not let an organization change."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(f"{action} refused: {reason}")


def check_field(checker: Checker, field: Field, *, adopting: bool, ghes: bool) -> None:
    """Validate a given value, or fill in the default (not when adopting: unset then means "leave as it is")."""
    value = checker.inputs.get(field.name)
    if value is None:
        if field.required:
            checker.fail(field.name, f"{field.name} is required: {field.required}")
        elif not adopting and field.default is not None:
            checker.inputs[field.name] = list(field.default) if isinstance(field.default, tuple) else field.default
        return
    if contains_unknown(value) and not isinstance(value, list):
        return  # a list is checked item by item: its unknown items pass
    for path, reason in field.validate(field.name, value) if field.validate else []:
        checker.fail(path, reason)
    if ghes and not field.on_ghes:
        checker.fail(
            field.name,
            f"{field.name} is set ({shown(value)}) but GitHub Enterprise Server has no such setting: remove it.",
        )


def refuse_what_ghes_lacks(
    client: GitHubClient, location: str, owner: str, action: str, table: Iterable[Field], inputs: Mapping[str, Any]
) -> None:
    """Settings GitHub Enterprise Server lacks (it silently ignores them), refused before a write naming its
    release, for a GHES whose base URL did not say so (check refuses those whose base URL does). Asks GitHub only
    when such a setting is given."""
    lacking = [f.name for f in table if not f.on_ghes and inputs.get(f.name) is not None]
    if not lacking:
        return
    version = api.enterprise_server_version(client, location, owner)
    if version is not None:
        raise Refused(
            action,
            f"{', '.join(lacking)} is set, but GitHub Enterprise Server {version} has no such setting and would "
            "ignore it: remove it.",
        )
