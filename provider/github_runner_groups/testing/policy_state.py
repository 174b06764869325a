"""The emulated org's Actions policies that decide whether a repository may really use a runner it can reach:
which repositories may use self-hosted runners at all, the fork pull-request policies (org and repository
level), a repository's own Actions switch, archived and forked repositories, and runners registered on one
repository. Kept apart from `state` (which holds groups and org runners); `EmulatorState` seeds through these
methods."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Org

SELF_HOSTED_POLICIES = ("all", "selected", "none")
APPROVAL_POLICIES = ("first_time_contributors_new_to_github", "first_time_contributors", "all_external_contributors")
# GitHub's defaults for private repositories: fork pull requests run no workflow unless an owner allows it.
PRIVATE_FORK_DEFAULTS = {
    "run_workflows_from_fork_pull_requests": False,
    "send_write_tokens_to_workflows": False,
    "send_secrets_and_variables": False,
    "require_approval_for_fork_pr_workflows": True,
}


@dataclass
class RepositoryPolicies:
    """A repository's own settings; None: the org's."""

    actions_enabled: bool = True
    approval_policy: str | None = None
    private_forks: dict[str, bool] | None = None
    runners: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # path -> text, on the default branch (contents API)


@dataclass
class OrgPolicies:
    self_hosted: str = "all"
    self_hosted_ids: list[int] = field(default_factory=list)  # in the order given, while `selected`
    approval_policy: str = "first_time_contributors"
    private_forks: dict[str, bool] = field(default_factory=lambda: dict(PRIVATE_FORK_DEFAULTS))
    repositories: dict[int, RepositoryPolicies] = field(default_factory=dict)

    def of(self, repository_id: int) -> RepositoryPolicies:
        return self.repositories.setdefault(repository_id, RepositoryPolicies())


class PolicySeeding:
    """The owner's settings under Settings > Actions, as seeding methods of the emulator's state."""

    lock: threading.RLock
    ids: Iterator[int]

    def find_org(self, login: str) -> Org:  # provided by EmulatorState
        raise NotImplementedError

    def _repository(self, org: Org, name: str) -> dict[str, Any]:
        repository = next((r for r in org.repositories.values() if r["name"].lower() == name.lower()), None)
        if repository is None:
            raise ValueError(f"no repository {name!r} in org {org.login!r}")
        return repository

    def set_self_hosted_runner_policy(
        self, org: str, enabled_repositories: str, repositories: Iterable[str] = ()
    ) -> None:
        """Which repositories may use self-hosted runners (Settings > Actions > Runners): all, selected, none."""
        if enabled_repositories not in SELF_HOSTED_POLICIES:
            raise ValueError(f"enabled_repositories {enabled_repositories!r} is not one of {SELF_HOSTED_POLICIES}")
        with self.lock:
            owner = self.find_org(org)
            owner.policies.self_hosted = enabled_repositories
            owner.policies.self_hosted_ids = list(
                dict.fromkeys(int(self._repository(owner, n)["id"]) for n in repositories)
            )

    def set_fork_pr_policies(
        self,
        org: str,
        *,
        repository: str | None = None,
        approval_policy: str | None = None,
        run_workflows_from_fork_pull_requests: bool | None = None,
    ) -> None:
        """The fork pull-request policies of the org, or of one repository when `repository` is given."""
        if approval_policy is not None and approval_policy not in APPROVAL_POLICIES:
            raise ValueError(f"approval_policy {approval_policy!r} is not one of {APPROVAL_POLICIES}")
        with self.lock:
            owner = self.find_org(org)
            if repository is None:
                if approval_policy is not None:
                    owner.policies.approval_policy = approval_policy
                if run_workflows_from_fork_pull_requests is not None:
                    owner.policies.private_forks["run_workflows_from_fork_pull_requests"] = (
                        run_workflows_from_fork_pull_requests
                    )
                return
            own = owner.policies.of(int(self._repository(owner, repository)["id"]))
            if approval_policy is not None:
                own.approval_policy = approval_policy
            if run_workflows_from_fork_pull_requests is not None:
                own.private_forks = {
                    **owner.policies.private_forks,
                    "run_workflows_from_fork_pull_requests": run_workflows_from_fork_pull_requests,
                }

    def set_repository_flags(
        self,
        org: str,
        name: str,
        *,
        archived: bool | None = None,
        fork: bool | None = None,
        actions_enabled: bool | None = None,
    ) -> None:
        """A repository archived, marked a fork, or with Actions switched off in its own settings."""
        with self.lock:
            owner = self.find_org(org)
            repository = self._repository(owner, name)
            if archived is not None:
                repository["archived"] = archived
            if fork is not None:
                repository["fork"] = fork
            if actions_enabled is not None:
                owner.policies.of(int(repository["id"])).actions_enabled = actions_enabled

    def add_workflow_file(self, org: str, repository: str, name: str, text: str) -> None:
        """A workflow file `.github/workflows/NAME` on the repository's default branch (served by the contents API)."""
        with self.lock:
            owner = self.find_org(org)
            owner.policies.of(int(self._repository(owner, repository)["id"])).files[f".github/workflows/{name}"] = text

    def add_repository_runner(
        self,
        org: str,
        repository: str,
        name: str,
        *,
        labels: Iterable[str] = ("self-hosted",),
        status: str = "online",
        ephemeral: bool = False,
    ) -> dict[str, Any]:
        """A self-hosted runner registered on one repository (outside every group)."""
        from .state import new_runner

        with self.lock:
            owner = self.find_org(org)
            repository_id = int(self._repository(owner, repository)["id"])
            runner = new_runner(next(self.ids) + 5000, name, 1, "linux", status, labels)
            runner["ephemeral"] = ephemeral
            del runner["runner_group_id"]  # a repository's runner belongs to no group
            owner.policies.of(repository_id).runners[runner["id"]] = runner
            return dict(runner)

    def set_runner_ephemeral(self, org: str, runner_id: int, ephemeral: bool = True) -> None:
        """An org runner registered with `--ephemeral` (one job, then it unregisters)."""
        with self.lock:
            self.find_org(org).runners[runner_id]["ephemeral"] = ephemeral
