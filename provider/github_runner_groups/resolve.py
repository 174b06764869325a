"""Repository and runner names and ids -> verified ids, from one paginated listing per org per process.

A stack with 200 access resources must not make 200 GETs: the first resource to ask lists the org once
(ceil(N/100) calls) and every other one reads the cached index. The listing is also the proof that a numeric id
exists before anything is written with it. A miss re-lists once (the repository may have been created earlier in
the same `pulumi up`); a second miss is an error that names every unknown reference (the first few with their
closest matches).
"""

from __future__ import annotations

import difflib
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from . import api
from .client import GitHubClient
from .errors import GitHubNotFound, GitHubRunnerGroupsError

# How many unknown references an error names one by one; the rest are counted. A typo in a generated list of
# thousands must still give a message a person can read.
SHOWN_UNKNOWN = 20
# Close matches are looked for among the known names that share the most character pairs with the unknown one,
# which keeps the search linear in the size of the org instead of comparing every pair of names.
_CANDIDATES = 200
# Longer references are cut in messages: a pasted blob must not become a megabyte error.
_SHOWN_LENGTH = 100


class UnknownNameError(GitHubRunnerGroupsError, LookupError):
    """A repository or runner name or id that the org does not have."""


@dataclass(frozen=True)
class NameKind:
    """One kind of thing a reference can name: how to list the owner's items (or, where GitHub has no listing,
    how to look one up by name) and how to talk about them."""

    noun: str
    plural: str
    list_items: Callable[[GitHubClient, str], Sequence[api.Named]] | None
    hint: str
    # Whether a reference may be written `org/name` (repositories), which must then be the resource's own org.
    qualified_by_org: bool
    # One item by name ({"id", "name"}), for kinds without a listing; None when the name does not exist.
    look_up: Callable[[GitHubClient, str], api.Named | None] | None = None
    # What holds the items, for messages: `org`, or `enterprise`.
    owner_noun: str = "org"


REPOSITORIES = NameKind(
    noun="repository",
    plural="repositories",
    list_items=api.list_org_repositories,
    hint="Check the spelling, that the repository belongs to this org, and that the token can see it (repo scope "
    "for private repositories); a numeric id must be the repository's id as GitHub's API lists it.",
    qualified_by_org=True,
)
RUNNERS = NameKind(
    noun="self-hosted runner",
    plural="self-hosted runners",
    list_items=api.list_org_runners,
    hint="Check the runner's name in the org's Settings > Actions > Runners; a runner registered at repository "
    "level cannot join an org runner group, and a runner that registered again has a new id (name it instead).",
    qualified_by_org=False,
)
ENTERPRISE_RUNNERS = NameKind(
    noun="enterprise self-hosted runner",
    plural="enterprise self-hosted runners",
    list_items=api.list_enterprise_runners,
    hint="Check the runner's name in the enterprise's Policies > Actions > Runners; a runner registered at an "
    "organization or repository cannot join an enterprise runner group, and a runner that registered again has "
    "a new id (name it instead).",
    qualified_by_org=False,
    owner_noun="enterprise",
)


def _organization(client: GitHubClient, login: str) -> api.Organization | None:
    try:
        return api.get_organization(client, login)
    except GitHubNotFound:
        return None


# The enterprise's organizations cannot be listed with the classic token the enterprise runner-group endpoints take
# (`/enterprises/{enterprise}/apps/installable_organizations` is for Apps installed on the enterprise only): each login
# is read once (GET /orgs/{org}) per process.
# A numeric id cannot be looked up; GitHub refuses an id that is not a member organization when it is written.
ORGANIZATIONS = NameKind(
    noun="organization",
    plural="organizations",
    list_items=None,
    hint="Check the login (the ORG of github.com/ORG) and that the token can see the organization; give the "
    "organizations of the enterprise only.",
    qualified_by_org=False,
    look_up=_organization,
    owner_noun="enterprise",
)


@dataclass
class _Index:
    ids_by_name: dict[str, int] = field(default_factory=dict)
    names_by_id: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _by_pair: dict[str, list[str]] | None = None

    def load(self, items: Sequence[api.Named]) -> None:
        self.ids_by_name = {item.name.lower(): item.id for item in items}
        self.names_by_id = {item.id: item.name for item in items}
        self._by_pair = None

    def close_matches(self, name: str) -> list[str]:
        """Up to three known names like `name`, found among those sharing the most character pairs with it."""
        if self._by_pair is None:
            postings: defaultdict[str, list[str]] = defaultdict(list)
            for known in self.names_by_id.values():
                for pair in _pairs(known):
                    postings[pair].append(known)
            self._by_pair = dict(postings)
        shared: Counter[str] = Counter()
        for pair in _pairs(name):
            shared.update(self._by_pair.get(pair, ()))
        candidates = [known for known, _count in shared.most_common(_CANDIDATES)]
        return difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)


# Keyed by the client object itself (a new client, after `reset_clients()`, starts empty even if it reuses an
# address), then by (kind, org).
_indexes: weakref.WeakKeyDictionary[GitHubClient, dict[tuple[str, str], _Index]] = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def _index(client: GitHubClient, kind: NameKind, org: str, *, refresh: bool) -> _Index:
    key = (kind.noun, org.lower())
    with _indexes_lock:
        per_client = _indexes.setdefault(client, {})
        index = per_client.get(key)
        if index is None:
            index = per_client[key] = _Index()
            refresh = True
    with index.lock:
        if refresh and kind.list_items is not None:
            index.load(kind.list_items(client, org))
        return index


def _is_loaded(client: GitHubClient, kind: NameKind, org: str) -> bool:
    with _indexes_lock:
        return (kind.noun, org.lower()) in _indexes.get(client, {})


def resolve_ids(client: GitHubClient, kind: NameKind, org: str, refs: Iterable[str | int]) -> dict[str | int, int]:
    """Map each reference (a name, `org/name` for repositories, or a numeric id) to an id the org has.

    Every reference is checked against the listing, ids too, so that nothing is written before all of them are
    known to exist; unknown ones raise UnknownNameError naming them.
    """
    refs = list(refs)
    if not refs:
        return {}
    names = {ref: _bare_name(kind, org, ref).lower() for ref in refs if isinstance(ref, str)}
    numbers = [ref for ref in refs if isinstance(ref, int)]
    fresh = not _is_loaded(client, kind, org)
    index = _index(client, kind, org, refresh=False)
    checked_numbers = numbers
    if kind.look_up is not None:
        _look_up_missing(client, kind, index, names)
        checked_numbers = []  # nothing lists them: GitHub refuses an unknown id when it is written
    elif not fresh and _unresolved(index, names, numbers) != ([], []):
        index = _index(client, kind, org, refresh=True)
    missing_names, missing_ids = _unresolved(index, names, checked_numbers)
    if missing_names or missing_ids:
        raise UnknownNameError(_unknown_message(kind, org, missing_names, missing_ids, index))
    result: dict[str | int, int] = {ref: index.ids_by_name[name] for ref, name in names.items()}
    result.update({number: number for number in numbers})
    return result


def _look_up_missing(client: GitHubClient, kind: NameKind, index: _Index, names: Mapping[str, str]) -> None:
    """Read each name the index does not hold yet, once per process: the lock makes a resource that needs the
    same name wait for the first one's answer. A name GitHub does not know stays missing."""
    assert kind.look_up is not None
    with index.lock:
        for name in dict.fromkeys(names.values()):
            if name in index.ids_by_name:
                continue
            item = kind.look_up(client, name)
            if item is not None:
                index.ids_by_name[name] = item.id
                index.names_by_id[item.id] = item.name


def names_for_ids(client: GitHubClient, kind: NameKind, org: str, ids: Iterable[int]) -> dict[int, str]:
    """Names for display; ids the cached index does not know keep no name (no extra listing)."""
    index = _index(client, kind, org, refresh=False)
    return {int(i): index.names_by_id[int(i)] for i in ids if int(i) in index.names_by_id}


def forget(client: GitHubClient | None = None) -> None:
    """Drop cached indexes (tests; or after a run that changed repositories)."""
    with _indexes_lock:
        if client is None:
            _indexes.clear()
        else:
            _indexes.pop(client, None)


def foreign_repository(org: str, ref: str) -> str | None:
    """Why `ref` cannot be given access to a group of `org` (it is `other/name`), or None when it can."""
    owner, slash, name = ref.partition("/")
    if not slash or owner.lower() == org.lower():
        return None
    return (
        f"{_quoted(ref)} is a repository of {_quoted(owner)}, but the runner group is in org '{org}': only the org's "
        f"own repositories can use its runner groups. Use {_quoted(name)} if you meant {org}/{name[:_SHOWN_LENGTH]}."
    )


def bare_name(org: str, ref: str) -> str:
    """`acme/api` is `api` in org acme; anything else is left as it is."""
    owner, slash, name = ref.partition("/")
    return name if slash and owner.lower() == org.lower() else ref


def _bare_name(kind: NameKind, org: str, ref: str) -> str:
    if not kind.qualified_by_org:
        return ref
    problem = foreign_repository(org, ref)
    if problem:
        raise UnknownNameError(problem)
    return bare_name(org, ref)


def _unresolved(index: _Index, names: dict[str, str], numbers: list[int]) -> tuple[list[str], list[int]]:
    """The references (as written) that the index does not hold: (names, ids)."""
    missing_names = [str(ref) for ref, name in names.items() if name not in index.ids_by_name]
    return missing_names, [number for number in numbers if number not in index.names_by_id]


def _unknown_message(kind: NameKind, org: str, names: list[str], ids: list[int], index: _Index) -> str:
    """Names the first SHOWN_UNKNOWN unknown references (names with their closest matches), counts the rest."""
    total = len(names) + len(ids)
    shown_names, shown_ids = names[:SHOWN_UNKNOWN], ids[: max(0, SHOWN_UNKNOWN - len(names))]
    clauses = []
    if shown_names:
        noun = kind.noun if len(names) == 1 else kind.plural
        clauses.append(f"no {noun} named {', '.join(_with_matches(index, name) for name in shown_names)}")
    if shown_ids:
        noun = kind.noun if len(ids) == 1 else kind.plural
        clauses.append(f"no {noun} with id {', '.join(str(number) for number in shown_ids)}")
    shown = len(shown_names) + len(shown_ids)
    more = f" ({total - shown} more not shown; {total} unknown in all)" if total > shown else ""
    return f"{kind.owner_noun} '{org}' has {' and '.join(clauses)}{more}. {kind.hint}"


def _quoted(text: str) -> str:
    """A reference as a message shows it: quoted, control characters escaped, cut when long."""
    if len(text) <= _SHOWN_LENGTH:
        return repr(text)
    return f"{text[:_SHOWN_LENGTH]!r}... ({len(text)} characters)"


def _with_matches(index: _Index, name: str) -> str:
    if name.isascii() and name.isdigit():
        return f"{_quoted(name)} (text is a name: to give an id, write it as a number)"
    close = index.close_matches(name.rsplit("/", 1)[-1][:_SHOWN_LENGTH])
    suggestion = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return f"{_quoted(name)}{suggestion}"


def _pairs(text: str) -> set[str]:
    padded = f" {text.lower()} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}
