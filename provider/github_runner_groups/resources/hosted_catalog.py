"""What an org offers for GitHub-hosted runners (machine sizes, images, static public IPs) and which hosted
runners it has, as this provider process knows them: read once per run, at the first create or update that needs
it, then kept up to date by this process's own writes.

It lets create and update refuse, before any write, a size or an image the org does not offer (naming the
closest ones it does), a static IP beyond the org's limit, and a name another hosted runner holds. check and
diff never use it: they make no API call. On GitHub Enterprise Server, which has no hosted runners, the first
read fails with a message naming the GHES release instead of a bare 404.
"""

from __future__ import annotations

import difflib
import threading
import weakref
from collections.abc import Mapping
from typing import Any

from .. import api
from ..client import GitHubClient
from ..errors import GitHubNotFound
from ._common import Refused

# Catalog entries named in full when an unknown value is refused; beyond this, only the closest ones.
_LISTED_IN_FULL = 12


class OrgHostedCatalog:
    """`location` 'org', or 'enterprise' for an enterprise's own hosted runners (GHEC): `org` then names it."""

    def __init__(self, client: GitHubClient, org: str, location: str = "org") -> None:
        self.org = org
        self.location = location
        self._client = client
        self.sizes = [size.id for size in api.list_hosted_machine_sizes(client, org, location=location)]
        self.images = {
            source: api.list_hosted_images(client, org, source, location=location) for source in ("github", "partner")
        }
        limits = api.get_hosted_runner_limits(client, org, location=location)
        self.public_ip_limit = limits.maximum
        self._lock = threading.Lock()
        self._public_ips_in_use = limits.current_usage
        self._custom: dict[int, api.CustomImage] | None = None  # read at the first custom image asked for
        self._custom_versions: dict[int, list[str]] = {}
        runners = api.list_hosted_runners(client, org, location=location)
        self._runners = {runner.id: runner for runner in runners}
        self.listed_ids = frozenset(self._runners)  # what existed before this process created anything
        self._owned: set[int] = set()  # created or adopted by a resource of this run

    def refuse_unoffered(self, action: str, values: Mapping[str, Any]) -> None:
        """A size or a listed image source whose image the org does not offer: refused with the closest ones."""
        size = values.get("size")
        if size is not None and size not in self.sizes:
            what = f"a machine size {self.location} '{self.org}' offers"
            raise Refused(action, _not_offered("size", size, self.sizes, what))
        source, image_id = values.get("image_source") or "github", values.get("image_id")
        offered = self.images.get(str(source))
        where = f"{self.location} '{self.org}'"
        if image_id is not None and offered is not None and image_id not in [image.id for image in offered]:
            what = f"a {source} image {where} offers"
            raise Refused(action, _not_offered("image_id", image_id, [image.id for image in offered], what))
        if source == "custom" and image_id is not None:
            self._refuse_unready_custom(action, str(image_id), values.get("image_version"))

    def _refuse_unready_custom(self, action: str, image_id: str, version: Any) -> None:
        """A custom image must be one of the owner's `Ready` custom images, and a pinned version one of its `Ready`
        versions (or 'latest'): both read once per run, and only when a custom image is used."""
        where = f"{self.location} '{self.org}'"
        with self._lock:
            if self._custom is None:
                listed = api.list_custom_images(self._client, self.location, self.org)
                self._custom = {image.id: image for image in listed}
            custom = dict(self._custom)
        image = custom.get(int(image_id)) if image_id.isascii() and image_id.isdigit() else None
        if image is None or image.state != "Ready":
            ready = [str(i.id) for i in custom.values() if i.state == "Ready"]
            names = ", ".join(f"{i.id} ({i.name!r})" for i in custom.values() if i.state == "Ready") or "none"
            refusal = _not_offered("image_id", image_id, ready, f"a ready custom image of {where}")
            raise Refused(action, f"{refusal} Ready custom images: {names} (see get_custom_images()).")
        if version in (None, "latest"):
            return
        with self._lock:
            known = self._custom_versions.get(image.id)
        if known is None:
            versions = api.list_custom_image_versions(self._client, self.location, self.org, image.id)
            known = [v.version for v in versions if v.state == "Ready"]
            with self._lock:
                self._custom_versions[image.id] = known
        if version not in known:
            what = f"a ready version of custom image {image.id} ('{image.name}'); 'latest' always is"
            raise Refused(action, _not_offered("image_version", version, known, what))

    def take_public_ip(self, action: str) -> None:
        """Reserve one of the org's static public IP ranges for a runner about to get one; `give_back_public_ip`
        undoes it when the write fails."""
        with self._lock:
            if self._public_ips_in_use >= self.public_ip_limit:
                raise Refused(
                    action,
                    f"enable_static_ip=True needs one of {self.location} '{self.org}''s static public IP ranges, and "
                    f"all {self.public_ip_limit} are in use: set enable_static_ip=False, turn it off on another hosted "
                    "runner, or ask GitHub support to raise the limit (see get_hosted_runner_limits()).",
                )
            self._public_ips_in_use += 1

    def give_back_public_ip(self) -> None:
        with self._lock:
            self._public_ips_in_use -= 1

    def holder_of(self, name: str, own_id: int | None = None) -> api.HostedRunner | None:
        """The other hosted runner called `name` (GitHub compares these names case-insensitively)."""
        with self._lock:
            return next((r for r in self._runners.values() if r.name.lower() == name.lower() and r.id != own_id), None)

    def remember(self, runner: api.HostedRunner) -> None:
        with self._lock:
            self._runners[runner.id] = runner

    def own(self, hosted_runner_id: int) -> bool:
        """Mark a runner as created or adopted by a resource of this run; False if another one already did."""
        with self._lock:
            if hosted_runner_id in self._owned:
                return False
            self._owned.add(hosted_runner_id)
            return True

    def adopted_in_this_run(self, hosted_runner_id: int) -> bool:
        """Whether a resource of this run adopted the runner, which existed before the run (a delete in the same
        run is then another resource's, and must leave it; see `group_registry.OrgGroups.adopted_in_this_run`)."""
        with self._lock:
            return hosted_runner_id in self._owned and hosted_runner_id in self.listed_ids

    def forget(self, hosted_runner_id: int) -> None:
        with self._lock:
            self._runners.pop(hosted_runner_id, None)
            self._owned.discard(hosted_runner_id)


def _not_offered(field: str, value: Any, offered: list[str], what: str) -> str:
    closest = difflib.get_close_matches(str(value), offered, n=3, cutoff=0.0)
    listed = f" All it offers: {', '.join(map(repr, offered))}." if len(offered) <= _LISTED_IN_FULL else ""
    if not offered:
        return f"{field}={value!r} is not {what}: it offers none."
    return f"{field}={value!r} is not {what}; the closest are {', '.join(map(repr, closest))}.{listed}"


# Per client (one per settings in a process), per location and owner (folded): dropped with the client.
_catalogs: weakref.WeakKeyDictionary[GitHubClient, dict[tuple[str, str], OrgHostedCatalog]] = (
    weakref.WeakKeyDictionary()
)
_catalogs_lock = threading.Lock()


def org_catalog(client: GitHubClient, org: str, action: str, location: str = "org") -> OrgHostedCatalog:
    """The org's (or enterprise's) catalog, read on the first call; on GitHub Enterprise Server a Refused naming
    its release."""
    with _catalogs_lock:
        per_owner = _catalogs.setdefault(client, {})
        key = (location, org.lower())
        known = per_owner.get(key)
        if known is None:
            try:
                known = per_owner[key] = OrgHostedCatalog(client, org, location)
            except GitHubNotFound as missing:
                raise without_hosted_runners(client, org, action, missing, location) from None
        return known


def known_org_catalog(client: GitHubClient, org: str, location: str = "org") -> OrgHostedCatalog | None:
    with _catalogs_lock:
        return _catalogs.get(client, {}).get((location, org.lower()))


def without_hosted_runners(
    client: GitHubClient, org: str, action: str, missing: GitHubNotFound, location: str = "org"
) -> Exception:
    """Why the hosted-runner endpoints answer 404 (GitHub Enterprise Server, or no access to them), as the error
    to raise instead of the bare 404."""
    version = server_release(client, location, org)
    if version is not None:
        return Refused(action, ghes_has_no_hosted_runners(f"GitHub Enterprise Server {version}"))
    if location == "enterprise":
        return missing.with_hint(
            f"An enterprise's own GitHub-hosted runners need GitHub Enterprise Cloud for enterprise '{org}', and a "
            "token with manage_runners:enterprise (classic; admin:enterprise includes it)."
        )
    return missing.with_hint(
        f"GitHub-hosted larger runners need a GitHub Team or Enterprise Cloud plan for org '{org}', and a token "
        "with admin:org (classic) or the organization permission 'Self-hosted runners: write' (fine-grained)."
    )


def server_release(client: GitHubClient, location: str, owner: str) -> str | None:
    """The GitHub Enterprise Server release behind the client, None for github.com and GHEC, or when the owner's
    group listing is itself missing (an enterprise on github.com without GitHub Enterprise Cloud)."""
    try:
        return api.enterprise_server_version(client, location, owner)
    except GitHubNotFound:
        return None


def ghes_has_no_hosted_runners(server: str) -> str:
    """`server` names the GHES (its release, or the base URL that says it is one)."""
    return (
        f"{server} has no GitHub-hosted runners (only github.com and GitHub Enterprise Cloud do): remove the "
        "HostedRunner (in a spec: the group's hosted_runners), or point github:baseUrl at https://api.github.com."
    )
