"""Run status and the run button: counts, what each agency must fix, history, and starting a
run as a child process (one at a time, its end recorded)."""

from __future__ import annotations

import sys
import time

from tests.flows.web.conftest import make_web, post_form


def test_status_shows_counts_rejections_and_fixes(web):
    page = web.signed_in("coord").get("/runs").text
    assert "Run run-0001" in page
    # the yos row rejected for an empty rationale, with the fix the ledger recorded
    assert "yos: 1 row rejected" in page
    assert "MISSING_VALUE" in page and "rationale" in page
    assert "Runs recorded" in page and "run-0001" in page
    for ref in ("FAM-001", "FAM-004"):
        assert f'href="/bundles/{ref}"' in page


def test_start_a_run_records_who_and_how_it_ended(published):
    web = make_web(published, run_argv=(sys.executable, "-c", "print('all rows in the ledger')"))
    client = web.signed_in("coord")
    r = post_form(client, "/runs", "/runs/start", {})
    assert r.status_code == 200 and "Run started at" in r.text
    job = web.ctx.launcher.wait(timeout=60)
    assert job is not None and (job.state, job.returncode, job.started_by) == ("succeeded", 0,
                                                                               "coord")
    page = client.get("/runs").text
    assert "finished in" in page and 'id="web-runs"' in page
    [logged] = web.ctx.launcher.history()
    assert logged.job_id == job.job_id and logged.state == "succeeded"
    log = published.state / "web" / "runs" / f"{job.job_id}.log"
    assert log.read_text() == "all rows in the ledger\n"
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_one_run_at_a_time(published):
    web = make_web(published, run_argv=(sys.executable, "-c", "import time; time.sleep(3)"))
    client = web.signed_in("coord")
    post_form(client, "/runs", "/runs/start", {})
    r = post_form(client, "/runs", "/runs/start", {})
    assert "A run is already under way" in r.text
    assert '<meta http-equiv="refresh" content="5">' in r.text  # the page follows the run
    assert "disabled" in r.text.split('id="start-run"', 1)[1].split(">", 1)[0]
    web.ctx.launcher.wait(timeout=60)
    assert len(web.ctx.launcher.history()) == 1


def test_a_failed_run_says_so_with_its_last_lines(published):
    argv = (sys.executable, "-c",
            "import sys; print('casebundle: meeting.yaml: invalid meeting config'); sys.exit(2)")
    web = make_web(published, run_argv=argv)
    client = web.signed_in("coord")
    post_form(client, "/runs", "/runs/start", {})
    web.ctx.launcher.wait(timeout=60)
    page = client.get("/runs").text
    assert "failed (exit status 2)" in page
    assert "invalid meeting config" in page
    # an agency reviewer is not shown the coordinator's run log
    assert "invalid meeting config" not in web.signed_in("pol").get("/runs").text


def test_app_shutdown_stops_a_run(published):
    web = make_web(published, run_argv=(sys.executable, "-c", "import time; time.sleep(60)"))
    job = web.ctx.launcher.start("coord")
    started = time.monotonic()
    web.ctx.launcher.stop()
    finished = web.ctx.launcher.wait(timeout=30)
    assert time.monotonic() - started < 25
    assert finished is not None and finished.job_id == job.job_id
    assert finished.state == "failed"
