"""Which machine sizes serve which images, as GitHub's larger-runner specifications say
(https://docs.github.com/en/actions/reference/runners/larger-runners#specifications-for-general-larger-runners):
2 vCPUs are Ubuntu only; "The 4-vCPU Windows runner only works with the Windows Server 2025 or the Base Windows 11
Desktop image"; 96 vCPUs are x64 only. The machine-sizes listing does not say which sizes go with which image,
so GitHub can only refuse a mismatch when the runner is created or changed: the 422 and its wording are assumed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The Windows images a 4-vCPU runner may use, by id or by the start of their display name (assumed ids).
WINDOWS_4_CORE_IMAGES = ("windows-2025", "windows-11-desktop")
WINDOWS_4_CORE_NAMES = ("Windows Server 2025", "Windows 11")


def mismatch(image: Mapping[str, Any], platform: str, size: Mapping[str, Any]) -> str | None:
    """Why `size` cannot run `image` (on `platform`, e.g. `win-x64`), or None when it can."""
    system, _, architecture = platform.partition("-")
    cores = size.get("cpu_cores")
    named = f"Size '{size.get('id')}' is not available for image '{image.get('id')}'"
    if cores == 2 and system == "win":
        return f"{named}: 2-core runners are Ubuntu only."
    windows_4_core = image.get("id") in WINDOWS_4_CORE_IMAGES or str(image.get("display_name", "")).startswith(
        WINDOWS_4_CORE_NAMES
    )
    if cores == 4 and system == "win" and not windows_4_core:
        return f"{named}: 4-core Windows runners need the Windows Server 2025 or the Windows 11 Desktop image."
    if cores == 96 and architecture == "arm64":
        return f"{named}: 96-core runners are x64 only."
    return None
