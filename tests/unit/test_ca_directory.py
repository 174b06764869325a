"""A CA directory is what OpenSSL reads: certificates under hashed names (`openssl rehash`), links followed."""

from __future__ import annotations

import os
from pathlib import Path

import certifi
import pytest
from github_runner_groups.client.config import SettingNames, check_ca_bundle
from github_runner_groups.errors import ConfigError


def one_certificate() -> str:
    text = Path(certifi.where()).read_text()
    end = "-----END CERTIFICATE-----\n"
    return text[text.index("-----BEGIN CERTIFICATE-----") : text.index(end) + len(end)]


def test_a_hashed_certificate_passes(tmp_path: Path) -> None:
    (tmp_path / "5ad8a5d6.0").write_text(one_certificate())
    check_ca_bundle(str(tmp_path), SettingNames())


def test_a_hashed_link_to_a_certificate_passes_and_a_dangling_one_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text(one_certificate())
    os.symlink(tmp_path / "gone.pem", tmp_path / "00000000.0")
    os.symlink(tmp_path / "ca.pem", tmp_path / "5ad8a5d6.0")
    check_ca_bundle(str(tmp_path), SettingNames())


def test_a_directory_of_unloadable_hashed_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "5ad8a5d6.0").write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigError, match="a directory which holds no certificate"):
        check_ca_bundle(str(tmp_path), SettingNames())
