"""The emulated GitHub's state and the out-of-band changes a human would make (seeding, edits in the web UI).

Objects are kept as plain dicts in GitHub's field names, so that tests read them as the API would show them.
Every method takes the lock: the transports call the emulator from many threads.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .flavours import DEFAULT_FLAVOUR, ENTERPRISE, HOSTED_RUNNERS, Flavour, flavour_named
from .policy_state import OrgPolicies, PolicySeeding
from .rendering import HttpError, hosted_runner_json
from .surface_state import SurfaceState

DEFAULT_GROUP_ID = 1  # the Default group's id in every org, and in every enterprise
ADMIN_SCOPE = "admin:org"
ENTERPRISE_SCOPE = "admin:enterprise"
# What the enterprise runner endpoints name ("OAuth app tokens and personal access tokens (classic) need the
# manage_runners:enterprise scope"); admin:enterprise, its parent, includes it.
MANAGE_RUNNERS_ENTERPRISE = "manage_runners:enterprise"
MANAGE_RUNNERS_ORG = "manage_runners:org"  # what the org hosted-runner endpoints name; admin:org includes it
INCLUDED_IN = {MANAGE_RUNNERS_ENTERPRISE: (ENTERPRISE_SCOPE,), MANAGE_RUNNERS_ORG: (ADMIN_SCOPE,)}
REPOSITORY_VISIBILITIES = ("public", "private", "internal")
ENABLED_REPOSITORIES = ("all", "none", "selected")
ALLOWED_ACTIONS = ("all", "local_only", "selected")


@dataclass
class ActionsPermissions:
    """The org's Actions policy: which repositories may run Actions at all, and which actions."""

    enabled_repositories: str = "all"
    selected_repository_ids: tuple[int, ...] = ()
    allowed_actions: str = "all"


def _image(image_id: str, platform: str, size_gb: int, display_name: str, source: str) -> dict[str, Any]:
    return {"id": image_id, "platform": platform, "size_gb": size_gb, "display_name": display_name, "source": source}


def _size(size_id: str, cpu_cores: int, memory_gb: int, storage_gb: int) -> dict[str, Any]:
    return {"id": size_id, "cpu_cores": cpu_cores, "memory_gb": memory_gb, "storage_gb": storage_gb}


@dataclass
class HostedCatalog:
    """What an org may build GitHub-hosted larger runners from: images, machine sizes, platforms, limits."""

    github_images: list[dict[str, Any]] = field(
        default_factory=lambda: [
            _image("ubuntu-22.04", "linux-x64", 86, "Ubuntu 22.04", "github"),
            _image("ubuntu-24.04", "linux-x64", 86, "Ubuntu 24.04", "github"),
            _image("ubuntu-24.04-arm", "linux-arm64", 86, "Ubuntu 24.04 (Arm64)", "github"),
            _image("windows-2022", "win-x64", 256, "Windows Server 2022", "github"),
        ]
    )
    partner_images: list[dict[str, Any]] = field(
        default_factory=lambda: [_image("nvidia-gpu-ubuntu-22.04", "linux-x64", 86, "NVIDIA GPU Ubuntu", "partner")]
    )
    machine_sizes: list[dict[str, Any]] = field(
        default_factory=lambda: [
            _size("2-core", 2, 8, 75),
            _size("4-core", 4, 16, 150),
            _size("8-core", 8, 32, 300),
            _size("16-core", 16, 64, 600),
        ]
    )
    platforms: list[str] = field(default_factory=lambda: ["linux-x64", "linux-arm64", "win-x64"])
    public_ip_limit: int = 10

    def image(self, source: str, image_id: str) -> dict[str, Any] | None:
        images = {"github": self.github_images, "partner": self.partner_images}.get(source, [])
        return next((i for i in images if i["id"] == image_id), None)

    def size(self, size_id: str) -> dict[str, Any] | None:
        return next((s for s in self.machine_sizes if s["id"] == size_id), None)


@dataclass
class Org:
    login: str
    id: int
    enterprise: str | None = None  # the slug of the enterprise the org belongs to
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    group_repositories: dict[int, set[int]] = field(default_factory=dict)
    repositories: dict[int, dict[str, Any]] = field(default_factory=dict)
    runners: dict[int, dict[str, Any]] = field(default_factory=dict)
    hosted_runners: dict[int, dict[str, Any]] = field(default_factory=dict)
    hosted_catalog: HostedCatalog = field(default_factory=HostedCatalog)
    actions_permissions: ActionsPermissions = field(default_factory=ActionsPermissions)
    # The org's own setting of each enterprise group shared with it: which of its repositories may use it.
    inherited_visibility: dict[int, str] = field(default_factory=dict)
    surface: SurfaceState = field(default_factory=SurfaceState)  # networking, self-hosted policy, custom images
    policies: OrgPolicies = field(default_factory=OrgPolicies)

    def public_ips_in_use(self) -> int:
        return sum(1 for h in self.hosted_runners.values() if h["public_ip_enabled"])


@dataclass
class Enterprise:
    """An enterprise: its member orgs (lower-case logins), its runner groups, which orgs each group is shared
    with (org ids, for `selected` groups) and its self-hosted runners."""

    slug: str
    id: int
    orgs: list[str] = field(default_factory=list)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    group_orgs: dict[int, set[int]] = field(default_factory=dict)
    runners: dict[int, dict[str, Any]] = field(default_factory=dict)
    surface: SurfaceState = field(default_factory=SurfaceState)  # networking, custom images
    hosted_runners: dict[int, dict[str, Any]] = field(default_factory=dict)  # GHEC: the enterprise's own
    hosted_catalog: HostedCatalog = field(default_factory=HostedCatalog)

    def public_ips_in_use(self) -> int:
        return sum(1 for h in self.hosted_runners.values() if h["public_ip_enabled"])

    def shares(self, group: Mapping[str, Any], org_id: int) -> bool:
        """Whether member org `org_id` may use `group`: visible to all orgs, or shared with this one."""
        return group["visibility"] == "all" or org_id in self.group_orgs.get(group["id"], set())


@dataclass
class Credential:
    """A token: its scopes, its expiry (installation tokens) and its primary rate-limit bucket."""

    scopes: frozenset[str]
    expires_at: float | None = None
    used: int = 0
    reset_at: float = 0.0


@dataclass(frozen=True)
class App:
    app_id: str
    public_key_pem: str
    installation_id: int
    org: str


class EmulatorState(PolicySeeding):
    """Orgs, their groups, repositories and runners, and the credentials that may use them."""

    def __init__(self, tokens: Mapping[str, Iterable[str]], flavour: str = DEFAULT_FLAVOUR) -> None:
        self.lock = threading.RLock()
        self.flavour: Flavour = flavour_named(flavour)
        self.orgs: dict[str, Org] = {}
        self.enterprises: dict[str, Enterprise] = {}
        self.apps: dict[int, App] = {}
        self.tokens = {token: Credential(frozenset(scopes)) for token, scopes in tokens.items()}
        self.ids = itertools.count(2)
        # Orgs and enterprises count apart, so that seeding one does not shift the ids of groups and runners.
        self.account_ids = itertools.count(100_001)
        self.hosted_deletion_seconds = 0.0  # how long a deleted hosted runner stays `Deleting` (hosted_lifecycle)

    # Seeding and out-of-band changes

    def add_org(self, login: str) -> dict[str, Any]:
        """An organization with its Default group; returns `{"login", "id"}` (an existing org is kept as is)."""
        with self.lock:
            org = self.orgs.get(login.lower())
            if org is None:
                org = self.orgs[login.lower()] = Org(login, next(self.account_ids))
            org.groups.setdefault(
                DEFAULT_GROUP_ID, new_group(DEFAULT_GROUP_ID, "Default", {"default": True, "visibility": "all"})
            )
            return {"login": org.login, "id": org.id}

    def add_enterprise(self, slug: str, orgs: Iterable[str] = ()) -> dict[str, Any]:
        """An enterprise (on the `ghec` and `ghes-*` flavours) with its Default runner group (id 1, as on
        GitHub) and the given member orgs, created when missing; returns `{"slug", "id", "orgs"}`.

        An org belongs to one enterprise at most. The enterprise's Default group is not shown in its orgs (each
        org has a Default of its own); every other enterprise group is, as `inherited`, when shared with it.
        """
        self._require_enterprise_flavour()
        with self.lock:
            enterprise = self.enterprises.get(slug.lower())
            if enterprise is None:
                enterprise = self.enterprises[slug.lower()] = Enterprise(slug, next(self.account_ids))
                enterprise.groups[DEFAULT_GROUP_ID] = new_enterprise_group(
                    DEFAULT_GROUP_ID, "Default", {"default": True}
                )
                enterprise.group_orgs[DEFAULT_GROUP_ID] = set()
            for login in orgs:
                self.add_org(login)
                org = self.orgs[login.lower()]
                if org.enterprise not in (None, enterprise.slug.lower()):
                    raise ValueError(f"org {org.login!r} already belongs to enterprise {org.enterprise!r}")
                org.enterprise = enterprise.slug.lower()
                if org.login.lower() not in enterprise.orgs:
                    enterprise.orgs.append(org.login.lower())
            return {"slug": enterprise.slug, "id": enterprise.id, "orgs": [self.orgs[o].login for o in enterprise.orgs]}

    def add_enterprise_group(self, slug: str, name: str, **fields: Any) -> dict[str, Any]:
        """An enterprise runner group (fields in GitHub's names: visibility `all`|`selected`,
        allows_public_repositories, restricted_to_workflows, selected_workflows, network_configuration_id).
        A `selected` group is shared with no org until `share_enterprise_group`; an `all` group with every member
        org. Returns the group as stored."""
        with self.lock:
            enterprise = self.find_enterprise(slug)
            group = new_enterprise_group(next(self.ids), name, fields)
            enterprise.groups[group["id"]] = group
            enterprise.group_orgs[group["id"]] = set()
            return dict(group)

    def update_enterprise_group(self, slug: str, group_id: int, **fields: Any) -> None:
        """An enterprise owner's edit in the web UI (GitHub's field names); the orgs see it at once."""
        with self.lock:
            self.find_group(self.find_enterprise(slug), group_id).update(fields)

    def delete_enterprise_group(self, slug: str, group_id: int) -> None:
        """An enterprise owner deletes a group: it leaves every org, its runners go back to Default."""
        with self.lock:
            self.drop_group(self.find_enterprise(slug), group_id)

    def share_enterprise_group(self, slug: str, group_id: int, org_logins: Iterable[str]) -> None:
        """Share a `selected` enterprise group with exactly these member orgs (by login), as the enterprise
        owner's "Organization access" setting does; the group then shows in each of them as `inherited`."""
        with self.lock:
            enterprise = self.find_enterprise(slug)
            group = self.find_group(enterprise, group_id)
            if group["visibility"] != "selected":
                raise ValueError(
                    f"enterprise group {group['name']!r} is visible to all orgs; set visibility='selected'"
                )
            ids = set()
            for login in org_logins:
                if login.lower() not in enterprise.orgs:
                    raise ValueError(f"org {login!r} is not a member of enterprise {enterprise.slug!r}")
                ids.add(self.orgs[login.lower()].id)
            enterprise.group_orgs[group["id"]] = ids

    def add_enterprise_runner(
        self,
        slug: str,
        name: str,
        *,
        group_id: int = DEFAULT_GROUP_ID,
        os: str = "linux",
        status: str = "online",
        labels: Iterable[str] = ("self-hosted",),
    ) -> dict[str, Any]:
        """A self-hosted runner registered at the enterprise level, in one of its groups (Default unless told)."""
        with self.lock:
            enterprise = self.find_enterprise(slug)
            self.find_group(enterprise, group_id)
            runner = new_runner(next(self.ids) + 5000, name, group_id, os, status, labels)
            enterprise.runners[runner["id"]] = runner
            return dict(runner)

    def add_repo(self, org: str, name: str, *, private: bool = False, visibility: str | None = None) -> dict[str, Any]:
        """A repository; `visibility` is public, private or internal (default from `private`), as on GitHub."""
        visibility = visibility or ("private" if private else "public")
        if visibility not in REPOSITORY_VISIBILITIES:
            raise ValueError(f"visibility {visibility!r} is not one of {', '.join(REPOSITORY_VISIBILITIES)}")
        if private and visibility == "public":
            raise ValueError(f"repository {name!r}: private=True contradicts visibility='public'; pass one of them")
        with self.lock:
            owner = self.find_org(org)
            repo_id = next(self.ids) + 1000
            repo: dict[str, Any] = {
                "id": repo_id,
                "name": name,
                "private": visibility != "public",  # GitHub's `private` is true for internal repositories too
                "visibility": visibility,
                "owner": owner.login,
            }
            owner.repositories[repo_id] = repo
            return dict(repo)

    def add_runner(
        self,
        org: str,
        name: str,
        *,
        group_id: int = DEFAULT_GROUP_ID,
        os: str = "linux",
        status: str = "online",
        labels: Iterable[str] = ("self-hosted",),
    ) -> dict[str, Any]:
        with self.lock:
            owner = self.find_org(org)
            runner = new_runner(next(self.ids) + 5000, name, group_id, os, status, labels)
            owner.runners[runner["id"]] = runner
            return dict(runner)

    def remove_runner(self, org: str, runner_id: int) -> None:
        """A runner that is unregistered (it gets a new id when it registers again)."""
        with self.lock:
            del self.find_org(org).runners[runner_id]

    def add_group(self, org: str, name: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            owner = self.find_org(org)
            group = new_group(next(self.ids), name, fields)
            owner.groups[group["id"]] = group
            owner.group_repositories[group["id"]] = set()
            return dict(group)

    def update_group(self, org: str, group_id: int, **fields: Any) -> None:
        with self.lock:
            self.find_group(self.find_org(org), group_id).update(fields)

    def delete_group(self, org: str, group_id: int) -> None:
        with self.lock:
            self.drop_group(self.find_org(org), group_id)

    def add_hosted_runner(
        self,
        org: str,
        group_id: int,
        name: str,
        *,
        image: str = "ubuntu-22.04",
        image_source: str = "github",
        size: str = "4-core",
        maximum_runners: int = 10,
        public_ip: bool = False,
        status: str = "Ready",
    ) -> dict[str, Any]:
        """A GitHub-hosted larger runner in one of the org's groups, built from the org's catalog (see
        `set_hosted_catalog`); returns it as the API shows it. Not on GHES, which has no hosted runners."""
        if not self.flavour.serves(HOSTED_RUNNERS):
            raise ValueError(
                f"{self.flavour.name} has no GitHub-hosted runners; use flavour 'api.github.com' or 'ghec'"
            )
        with self.lock:
            owner = self.find_org(org)
            found = owner.hosted_catalog.image(image_source, image)
            machine = owner.hosted_catalog.size(size)
            if found is None or machine is None:
                raise ValueError(
                    f"image {image_source}/{image} or size {size!r} is not in the catalog of {owner.login!r}"
                )
            hosted = new_hosted_runner(next(self.ids) + 9000, name, group_id, found, machine, maximum_runners, status)
            hosted["public_ip_enabled"] = public_ip
            owner.hosted_runners[hosted["id"]] = hosted
            return hosted_runner_json(hosted)

    def remove_hosted_runner(self, org: str, hosted_runner_id: int) -> None:
        """A hosted runner deleted in the web UI."""
        with self.lock:
            del self.find_org(org).hosted_runners[hosted_runner_id]

    def set_hosted_catalog(
        self,
        org: str,
        *,
        github_images: Iterable[Mapping[str, Any]] | None = None,
        partner_images: Iterable[Mapping[str, Any]] | None = None,
        machine_sizes: Iterable[Mapping[str, Any]] | None = None,
        platforms: Iterable[str] | None = None,
        public_ip_limit: int | None = None,
    ) -> None:
        """Replace parts of what the org offers for hosted runners (images as GitHub lists them: id, platform,
        size_gb, display_name, source; sizes: id, cpu_cores, memory_gb, storage_gb); None keeps a part."""
        with self.lock:
            catalog = self.find_org(org).hosted_catalog
            if github_images is not None:
                catalog.github_images = [dict(i) for i in github_images]
            if partner_images is not None:
                catalog.partner_images = [dict(i) for i in partner_images]
            if machine_sizes is not None:
                catalog.machine_sizes = [dict(s) for s in machine_sizes]
            if platforms is not None:
                catalog.platforms = list(platforms)
            if public_ip_limit is not None:
                catalog.public_ip_limit = public_ip_limit

    def hosted_runners(self, org: str) -> list[dict[str, Any]]:
        """The org's hosted runners as the API shows them."""
        with self.lock:
            return [hosted_runner_json(h) for h in self.find_org(org).hosted_runners.values()]

    def set_group_repository_ids(self, org: str, group_id: int, repository_ids: Iterable[int]) -> None:
        with self.lock:
            self.find_org(org).group_repositories[group_id] = set(repository_ids)

    def move_runner(self, org: str, runner_id: int, group_id: int) -> None:
        with self.lock:
            self.find_org(org).runners[runner_id]["runner_group_id"] = group_id

    def set_actions_permissions(
        self,
        org: str,
        *,
        enabled_repositories: str = "all",
        selected_repository_ids: Iterable[int] = (),
        allowed_actions: str = "all",
    ) -> None:
        """The org's Actions policy, as an owner sets it under Settings > Actions > General."""
        if enabled_repositories not in ENABLED_REPOSITORIES:
            raise ValueError(f"enabled_repositories {enabled_repositories!r} is not one of {ENABLED_REPOSITORIES}")
        if allowed_actions not in ALLOWED_ACTIONS:
            raise ValueError(f"allowed_actions {allowed_actions!r} is not one of {ALLOWED_ACTIONS}")
        ids = tuple(dict.fromkeys(selected_repository_ids))
        if ids and enabled_repositories != "selected":
            raise ValueError("selected_repository_ids apply only with enabled_repositories='selected'")
        with self.lock:
            owner = self.find_org(org)
            unknown = [i for i in ids if i not in owner.repositories]
            if unknown:
                raise ValueError(f"selected_repository_ids {unknown} are not repositories of org {owner.login!r}")
            owner.actions_permissions = ActionsPermissions(enabled_repositories, ids, allowed_actions)

    def add_app(self, app_id: str, public_key_pem: str, installation_id: int, org: str) -> None:
        with self.lock:
            self.apps[int(installation_id)] = App(str(app_id), public_key_pem, int(installation_id), org)

    def revoke_token(self, token: str) -> None:
        with self.lock:
            self.tokens.pop(token, None)

    # Reading the state (tests)

    def group(self, org: str, group_id: int) -> dict[str, Any] | None:
        with self.lock:
            group = self.find_org(org).groups.get(group_id)
            return dict(group) if group else None

    def groups(self, org: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(g) for g in self.find_org(org).groups.values()]

    def repositories(self, org: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self.find_org(org).repositories.values()]

    def runners(self, org: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self.find_org(org).runners.values()]

    def group_repository_ids(self, org: str, group_id: int) -> set[int]:
        with self.lock:
            return set(self.find_org(org).group_repositories.get(group_id, set()))

    def group_runner_ids(self, org: str, group_id: int) -> set[int]:
        with self.lock:
            return {r["id"] for r in self.find_org(org).runners.values() if r["runner_group_id"] == group_id}

    def enterprise_groups(self, slug: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(g) for g in self.find_enterprise(slug).groups.values()]

    def enterprise_group_org_ids(self, slug: str, group_id: int) -> set[int]:
        """The ids of the orgs a `selected` enterprise group is shared with."""
        with self.lock:
            return set(self.find_enterprise(slug).group_orgs.get(group_id, set()))

    def enterprise_runners(self, slug: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self.find_enterprise(slug).runners.values()]

    # Lookups for the handlers (the caller holds the lock)

    def find_org(self, login: str) -> Org:
        org = self.orgs.get(login.lower())
        if org is None:
            raise HttpError(404)
        return org

    def find_enterprise(self, slug: str) -> Enterprise:
        enterprise = self.enterprises.get(slug.lower())
        if enterprise is None:
            raise HttpError(404)
        return enterprise

    def find_group(self, owner: Org | Enterprise, group_id: int | str) -> dict[str, Any]:
        """A group of an org (its own, or an enterprise group shared with it, as the org sees it) or of an
        enterprise; 404 otherwise. Only an org's own groups and enterprise groups are stored: edit those."""
        group = owner.groups.get(int(group_id))
        if group is None and isinstance(owner, Org):
            group = next((g for g in self.inherited_groups(owner) if g["id"] == int(group_id)), None)
        if group is None:
            raise HttpError(404)
        return group

    def inherited_groups(self, org: Org) -> list[dict[str, Any]]:
        """The enterprise's groups shared with `org`, as the org sees them: `inherited`, read-only but for the org's
        repository access (visible to all its repositories until it chooses; see `inherited_groups` module); the
        enterprise's Default group is not among them (the org has its own)."""
        enterprise = self.enterprises.get(org.enterprise or "")
        if enterprise is None:
            return []
        return [
            inherited_view(group, org.inherited_visibility.get(group["id"], "all"))
            for group in enterprise.groups.values()
            if not group["default"] and enterprise.shares(group, org.id)
        ]

    def enterprise_of_group(self, group_id: int) -> Enterprise | None:
        return next((e for e in self.enterprises.values() if group_id in e.groups), None)

    def drop_group(self, owner: Org | Enterprise, group_id: int) -> None:
        """Delete a group as GitHub does: its repository (or org) list goes, its runners (self-hosted and
        hosted) go back to Default."""
        del owner.groups[group_id]
        runners = list(owner.runners.values())
        if isinstance(owner, Org):
            owner.group_repositories.pop(group_id, None)
            runners += owner.hosted_runners.values()
        else:
            owner.group_orgs.pop(group_id, None)
            for org in self.orgs.values():  # the orgs' own settings of the group go with it
                org.inherited_visibility.pop(group_id, None)
                org.group_repositories.pop(group_id, None)
        for runner in runners:
            if runner["runner_group_id"] == group_id:
                runner["runner_group_id"] = DEFAULT_GROUP_ID

    def _require_enterprise_flavour(self) -> None:
        if not self.flavour.serves(ENTERPRISE):
            raise ValueError(f"{self.flavour.name} has no enterprise endpoints; use flavour 'ghec' or 'ghes-3.19'")


def new_group(group_id: int, name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": group_id,
        "name": name,
        "visibility": "all",
        "default": False,
        "inherited": False,
        "allows_public_repositories": False,
        "restricted_to_workflows": False,
        "selected_workflows": [],
        "workflow_restrictions_read_only": False,
        "network_configuration_id": None,
    }
    group.update(fields)
    if not group["restricted_to_workflows"]:
        group["selected_workflows"] = []
    return group


def new_enterprise_group(group_id: int, name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """An enterprise group in GitHub's field names; `visibility` is `all` or `selected` (no `private`)."""
    group = new_group(group_id, name, fields)
    del group["inherited"]
    return group


def inherited_view(group: Mapping[str, Any], visibility: str = "all") -> dict[str, Any]:
    """An enterprise group as an org it is shared with shows it, with the org's own repository access setting."""
    return {
        **group,
        "visibility": visibility,
        "inherited": True,
        "inherited_allows_public_repositories": group["allows_public_repositories"],
        "workflow_restrictions_read_only": True,
    }


def new_runner(runner_id: int, name: str, group_id: int, os: str, status: str, labels: Iterable[str]) -> dict[str, Any]:
    return {
        "id": runner_id,
        "name": name,
        "os": os,
        "status": status,
        "busy": False,
        "labels": [{"id": i + 1, "name": label, "type": "read-only"} for i, label in enumerate(labels)],
        "runner_group_id": group_id,
    }


def new_hosted_runner(
    hosted_id: int,
    name: str,
    group_id: int,
    image: Mapping[str, Any],
    machine_size: Mapping[str, Any],
    maximum_runners: int,
    status: str = "Ready",
) -> dict[str, Any]:
    """A hosted runner as stored: the image and machine size details copied from the catalog when chosen."""
    return {
        "id": hosted_id,
        "name": name,
        "runner_group_id": group_id,
        "image_details": {k: image[k] for k in ("id", "size_gb", "display_name", "source")},
        "machine_size_details": dict(machine_size),
        "platform": image["platform"],
        "status": status,
        "maximum_runners": maximum_runners,
        "public_ip_enabled": False,
        "image_gen": False,
        "last_active_on": None,
    }
