"""Task runners for scale-out: the flow's redaction and writing maps on a Dask cluster.

`casebundle run --dask-workers N` starts a Dask LocalCluster of N worker processes (one
thread each: the stages are CPU-bound Python); `--dask-address tcp://host:8786` uses a
scheduler that is already running, whose workers may be on other machines (they need
casebundle installed and the state folder at the same path; docs/deploy.md).
Task parameters stay ids and paths; batches travel through the encrypted work folder.
"""

from __future__ import annotations

from typing import Any


def dask_runner(workers: int = 2, address: str = "") -> Any:
    """A prefect-dask DaskTaskRunner for a new LocalCluster or an existing scheduler."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": max(1, workers), "threads_per_worker": 1, "processes": True,
        "dashboard_address": None, "host": "127.0.0.1"})
