"""casebundle's library: pure stage functions, no Prefect.

One package per stage, each with its public names in its `__init__`; data flows one way:

    ingest -> identity -> policy (-> identity applied) -> redact -> merge -> render
    -> publish (+ audit)

`flows/` calls the stages through those package faces (docs/architecture.md). This module
exports nothing itself, so importing one light module (models, meeting) does not load spaCy
and Presidio.
"""
