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
    """Prefect's temporary local server, started as the command begins, so it comes up
    while the rest of casebundle is imported and the workers load their engines (the
    flow would otherwise start it only when called). Not started when PREFECT_API_URL
    names a server already (one launched by flows/early.py is then stopped). `api_url()`
    waits for it and raises what its start raised. It runs with the one-shot defaults of
    flows/early.py, and `run_settings()` are the run's.

    The server process is launched here the way Prefect 3.8.8's `SubprocessASGIServer`
    launches it (`python -m uvicorn ... prefect.server.api.server:create_app --factory`,
    the UI off, the current settings in its environment, a new port if the one picked is
    taken, ready when `/api/health` answers), without importing Prefect's server package
    into this process: that import alone is about 3 s of CPU, which held this process's
    other imports back while the server process started (issue 15). A server that does
    not answer within PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS fails with
    Prefect's own message, which `flows.prepare.server_start_failure` explains."""

    #: Prefect's words for a server that never answered (flows.prepare matches them)
    TIMEOUT = "Timed out while attempting to connect to ephemeral Prefect API server."
    #: uvicorn's exit code when its port is taken
    PORT_TAKEN = 3

    def __init__(self, launched: tuple[Any, int] | None = None) -> None:
        """`launched`: the (process, port) of a server already launched for this run
        (flows/early.py), adopted and waited for instead of launching another."""
        import threading

        from prefect.settings import PREFECT_API_URL

        self._process: Any = None
        self._port = 0
        self._error: BaseException | None = None
        self._thread: Any = None
        if launched is not None and PREFECT_API_URL.value():
            # a server named where flows/early.py does not look (prefect.toml, .env):
            # the run uses it, and the one launched as the command began is not needed
            from flows.early import stop_process

            stop_process(launched[0])
            launched = None
        if launched is not None:
            from flows.server import note_server

            self._process, self._port = launched
            note_server(self._process)  # for the cleanup after a killed run
        elif PREFECT_API_URL.value():
            return
        self._thread = threading.Thread(target=self._start, daemon=True,
                                        name="casebundle-prefect-server")
        self._thread.start()

    def _launch(self) -> Any:
        import subprocess

        import prefect
        from prefect.settings import get_current_settings

        from flows.early import free_port, server_command, server_environment
        from flows.server import note_server

        self._port = free_port()
        env = {**server_environment(),
               **get_current_settings().to_environment_variables(exclude_unset=True)}
        process = subprocess.Popen(server_command(self._port, prefect.__module_path__.parent),
                                   env=env)
        note_server(process)  # recorded for the cleanup after a killed run (flows/server.py)
        return process

    def _start(self) -> None:
        import time
        import urllib.error
        import urllib.request

        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        try:
            if self._process is None:
                self._process = self._launch()
            deadline = time.monotonic() + float(
                PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
            while time.monotonic() < deadline:
                if self._process.poll() == self.PORT_TAKEN:  # taken meanwhile: another port
                    self._process = self._launch()
                    continue
                try:
                    with urllib.request.urlopen(f"{self._url()}/health", timeout=5) as answer:
                        if answer.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass
                time.sleep(0.1)
            message = self.TIMEOUT
            if self._process.poll() is not None:
                message += f" Ephemeral server process exited with code {self._process.returncode}."
            raise RuntimeError(message)
        except BaseException as exc:  # noqa: BLE001 - raised to the caller by api_url()
            self._error = exc

    def _url(self) -> str:
        return f"http://127.0.0.1:{self._port}/api"

    def run_settings(self) -> dict[Any, Any]:
        """Prefect settings for a run on this server, as `temporary_settings(set_defaults=)`
        takes them (a value the user set anywhere Prefect reads settings wins), or none
        when PREFECT_API_URL named the server: no flow-run heartbeats. Prefect 3.8.8 sends
        one as the flow starts and every 180 s after from a thread, for a long-running
        server to tell a crashed run, and joins that thread as the flow ends, which waits
        for the thread's next one-second look at its stop flag (issue 15); this server
        ends with the run."""
        if self._thread is None:
            return {}
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

        return {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}

    def api_url(self) -> str | None:
        """The server's API URL (None when PREFECT_API_URL was set)."""
        if self._thread is None:
            return None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._url()

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.join()
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired: it must go
            process.kill()
            process.wait()
