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


class EarlyServer:
    """Prefect's temporary local server, started in a thread as the command begins, so it
    comes up while the rest of casebundle is imported and the workers load their engines
    (the flow would otherwise start it only when called). Not started when PREFECT_API_URL
    names a server already. `api_url()` waits for it and raises what its start raised."""

    def __init__(self) -> None:
        import threading

        from prefect.settings import PREFECT_API_URL

        self._server: Any = None
        self._error: BaseException | None = None
        self._thread: Any = None
        if PREFECT_API_URL.value():
            return
        self._thread = threading.Thread(target=self._start, daemon=True,
                                        name="casebundle-prefect-server")
        self._thread.start()

    def _start(self) -> None:
        try:
            from prefect.server.api.server import SubprocessASGIServer

            self._server = SubprocessASGIServer()
            self._server.start()
        except BaseException as exc:  # noqa: BLE001 - raised to the caller by api_url()
            self._error = exc

    def api_url(self) -> str | None:
        """The server's API URL (None when PREFECT_API_URL was set)."""
        if self._thread is None:
            return None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return str(self._server.api_url)

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._server is not None:
            self._server.stop()
