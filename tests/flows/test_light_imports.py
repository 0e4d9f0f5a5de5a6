"""The flow's own process never redacts (its workers do), so it must not import the
redaction engine's libraries: Presidio and spaCy cost about 1 s of CPU and 90 MiB in every
run's start-up, on the path to the first task (issue 15)."""

from __future__ import annotations

import subprocess
import sys

ENGINE = ("spacy", "presidio_analyzer", "presidio_anonymizer", "thinc")


def test_cli_and_flow_import_no_engine_library() -> None:
    script = ("import sys, flows.cli, flows.prepare, flows.batches, pipeline.redact, "
              "pipeline.rulebook\n"
              f"print(' '.join(m for m in {ENGINE!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []


def test_the_engine_is_still_there_when_asked_for() -> None:
    """`pipeline.redact.load_redactor` and `Redactor` resolve on first use."""
    script = ("import sys, pipeline.redact as r\n"
              "assert 'presidio_analyzer' not in sys.modules\n"
              "assert r.Redactor.__name__ == 'Redactor' and callable(r.load_redactor)\n"
              "assert 'presidio_analyzer' in sys.modules\n"
              "from pipeline.redact import load_redactor\n"
              "print('ok')")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "ok"
