"""How long a list of misspelled names takes to fail in a large org.

An org with 10,000 repositories (default) and a reference list of 100 good and 500 misspelled names: the time of
the failing resolution (the re-listing a miss triggers, the lookups, and the message with the closest matches of
the first 20 names). The listing itself is served from memory here, so the figure is the resolver's own cost;
`--emulator` serves it from the in-process emulator instead (100 pages per listing), to see the whole path.

    python benchmarks/bench_unknown_names.py [--repos 10000] [--misspelled 500] [--emulator]

Numbers only; tests/unit/test_resolve.py asserts the message's cap and content.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "provider")]

import responses  # noqa: E402
from github_runner_groups import api, resolve  # noqa: E402
from github_runner_groups.client import ClientSettings, GitHubClient  # noqa: E402
from github_runner_groups.resolve import REPOSITORIES, UnknownNameError  # noqa: E402
from github_runner_groups.testing import DEMO_TOKEN, FakeGitHub, add_to_responses  # noqa: E402

BASE = "https://api.github.com"
ORG = "acme"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repos", type=int, default=10_000)
    parser.add_argument("--misspelled", type=int, default=500)
    parser.add_argument("--emulator", action="store_true", help="list the repositories from the emulator")
    options = parser.parse_args()

    names = [f"{('svc', 'lib', 'app', 'tool')[index % 4]}-{index:05d}-platform" for index in range(options.repos)]
    step = max(1, options.repos // options.misspelled)
    misspelled = [name.replace("platform", "platfrom") for name in names[::step][: options.misspelled]]
    listings: list[float] = []
    list_items: Callable[[GitHubClient, str], Sequence[api.Named]]

    with ExitStack() as stack:
        if options.emulator:
            fake = FakeGitHub()
            fake.add_org(ORG)
            for name in names:
                fake.add_repo(ORG, name)
            add_to_responses(fake, stack.enter_context(responses.RequestsMock()), BASE)
            list_items = api.list_org_repositories
        else:
            items = [api.Repository(1_000 + index, name) for index, name in enumerate(names)]
            list_items = lambda _client, _org: items  # noqa: E731

        def timed_listing(client: GitHubClient, org: str) -> Sequence[api.Named]:
            started = time.perf_counter()
            listed = list_items(client, org)
            listings.append(time.perf_counter() - started)
            return listed

        kind = replace(REPOSITORIES, list_items=timed_listing)
        client = GitHubClient(ClientSettings(token=DEMO_TOKEN))
        resolve.resolve_ids(client, kind, ORG, names[:1])  # the run's first listing
        started = time.perf_counter()
        try:
            resolve.resolve_ids(client, kind, ORG, [*names[:100], *misspelled])
            message = ""
        except UnknownNameError as exc:
            message = str(exc)
        failing = time.perf_counter() - started

    print(
        f"{options.repos} repositories, {len(misspelled)} misspelled names, listing from "
        f"{'the emulator' if options.emulator else 'memory'}"
    )
    print(f"failing resolution: {failing:.3f} s, of which the re-listing {listings[-1]:.3f} s")
    print(f"message: {len(message)} characters; starts: {message[:150]}...")


if __name__ == "__main__":
    main()
