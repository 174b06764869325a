"""Measurement only (`bench_budget.py --server-workers N`): on this directory's PYTHONPATH, a provider process's
4-thread pools get `BENCH_SERVER_WORKERS` threads instead. The SDK's provider server (`pulumi/dynamic/__main__.py`)
runs Reads in `ThreadPoolExecutor(max_workers=4)`; this shows what a refresh would take if it ran more at once, as
the engine asks (`pulumi refresh --parallel`, 16 by default). Never used by the providers."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS") or 0)

if _WORKERS:
    _init = ThreadPoolExecutor.__init__

    def _more_workers(self: ThreadPoolExecutor, max_workers: int | None = None, *args: Any, **kwargs: Any) -> None:
        _init(self, _WORKERS if max_workers == 4 else max_workers, *args, **kwargs)

    ThreadPoolExecutor.__init__ = _more_workers  # type: ignore[method-assign]
