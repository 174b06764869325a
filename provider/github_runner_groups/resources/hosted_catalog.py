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
    def __init__(self, client: GitHubClient, org: str) -> None:
        self.org = org
        self.sizes = [size.id for size in api.list_hosted_machine_sizes(client, org)]
        self.images = {source: api.list_hosted_images(client, org, source) for source in ("github", "partner")}
        limits = api.get_hosted_runner_limits(client, org)
        self.public_ip_limit = limits.maximum
        self._lock = threading.Lock()
        self._public_ips_in_use = limits.current_usage
        runners = api.list_hosted_runners(client, org)
        self._runners = {runner.id: runner for runner in runners}
        self.listed_ids = frozenset(self._runners)  # what existed before this process created anything
        self._owned: set[int] = set()  # created or adopted by a resource of this run

    def refuse_unoffered(self, action: str, values: Mapping[str, Any]) -> None:
        """A size or a listed image source whose image the org does not offer: refused with the closest ones."""
        size = values.get("size")
        if size is not None and size not in self.sizes:
            raise Refused(action, _not_offered("size", size, self.sizes, f"a machine size org '{self.org}' offers"))
        source, image_id = values.get("image_source") or "github", values.get("image_id")
        offered = self.images.get(str(source))
        if image_id is not None and offered is not None and image_id not in [image.id for image in offered]:
            what = f"a {source} image org '{self.org}' offers"
            raise Refused(action, _not_offered("image_id", image_id, [image.id for image in offered], what))

    def take_public_ip(self, action: str) -> None:
        """Reserve one of the org's static public IP ranges for a runner about to get one; `give_back_public_ip`
        undoes it when the write fails."""
        with self._lock:
            if self._public_ips_in_use >= self.public_ip_limit:
                raise Refused(
                    action,
                    f"enable_static_ip=True needs one of org '{self.org}''s static public IP ranges, and all "
                    f"{self.public_ip_limit} are in use: set enable_static_ip=False, turn it off on another hosted "
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


# Per client (one per settings in a process), per org (folded): dropped with the client.
_catalogs: weakref.WeakKeyDictionary[GitHubClient, dict[str, OrgHostedCatalog]] = weakref.WeakKeyDictionary()
_catalogs_lock = threading.Lock()


def org_catalog(client: GitHubClient, org: str, action: str) -> OrgHostedCatalog:
    """The org's catalog, read on the first call; on GitHub Enterprise Server a Refused naming its release."""
    with _catalogs_lock:
        per_org = _catalogs.setdefault(client, {})
        known = per_org.get(org.lower())
        if known is None:
            try:
                known = per_org[org.lower()] = OrgHostedCatalog(client, org)
            except GitHubNotFound as missing:
                raise without_hosted_runners(client, org, action, missing) from None
        return known


def known_org_catalog(client: GitHubClient, org: str) -> OrgHostedCatalog | None:
    with _catalogs_lock:
        return _catalogs.get(client, {}).get(org.lower())


def without_hosted_runners(client: GitHubClient, org: str, action: str, missing: GitHubNotFound) -> Exception:
    """Why the org's hosted-runner endpoints answer 404 (GitHub Enterprise Server, or no access to them), as the
    error to raise instead of the bare 404."""
    version = api.enterprise_server_version(client, "org", org)
    if version is not None:
        return Refused(action, ghes_has_no_hosted_runners(f"GitHub Enterprise Server {version}"))
    return missing.with_hint(
        f"GitHub-hosted larger runners need a GitHub Team or Enterprise Cloud plan for org '{org}', and a token "
        "with admin:org (classic) or the organization permission 'Self-hosted runners: write' (fine-grained)."
    )


def ghes_has_no_hosted_runners(server: str) -> str:
    """`server` names the GHES (its release, or the base URL that says it is one)."""
    return (
        f"{server} has no GitHub-hosted runners (only github.com and GitHub Enterprise Cloud do): remove the "
        "HostedRunner (in a spec: the group's hosted_runners), or point github:baseUrl at https://api.github.com."
    )
