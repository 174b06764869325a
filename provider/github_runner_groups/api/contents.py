"""A repository's workflow files, read through the contents API on the default branch (the exposure audit's
`--workflows`): the listing of `.github/workflows` and each file's text. Reads go through the client's ETag
cache, so reading them again in one process costs 304s."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote

from ..client import GitHubClient
from ..errors import GitHubNotFound
from ._answers import listed, mapping, text, unexpected

__all__ = ["WORKFLOWS_DIRECTORY", "get_file_text", "list_workflow_files"]

WORKFLOWS_DIRECTORY = ".github/workflows"


def _contents(owner: str, repository: str, path: str) -> str:
    return f"/repos/{quote(owner, safe='')}/{quote(repository, safe='')}/contents/{quote(path, safe='/')}"


def list_workflow_files(client: GitHubClient, owner: str, repository: str) -> list[str]:
    """Paths of the `.yml`/`.yaml` files in `.github/workflows` (none when the directory does not exist)."""
    action = f"listing the workflow files of repository '{owner}/{repository}'"
    try:
        body = client.get(_contents(owner, repository, WORKFLOWS_DIRECTORY), action=action)
    except GitHubNotFound:
        return []
    if not isinstance(body, list):
        return []  # a file, not a directory, at that path: no workflows
    paths = []
    for entry in listed(body):
        item = mapping(entry)
        path = text(item.get("path"))
        if item.get("type") == "file" and path and path.lower().endswith((".yml", ".yaml")):
            paths.append(path)
    return sorted(paths)


def get_file_text(client: GitHubClient, owner: str, repository: str, path: str) -> str:
    """The text of one file (UTF-8, undecodable bytes replaced)."""
    action = f"reading '{path}' of repository '{owner}/{repository}'"
    item = mapping(client.get(_contents(owner, repository, path), action=action))
    content = text(item.get("content"))
    if item.get("encoding") != "base64" or content is None:
        raise unexpected(action, "a base64 file")
    try:
        return base64.b64decode(content).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        raise unexpected(action, "a base64 file") from None
