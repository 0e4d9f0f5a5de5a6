"""Redaction review: its place in the app, not yet the page.

The page (unsure spans per family in their redacted context, restore/confirm, add to the
meeting's allow-list) needs the unsure-span review of issue 11, which is not merged yet.
Until then the route answers 501 and says so; it shows no data and records nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from flows.web.guard import Viewer, require
from flows.web.pages import render

router = APIRouter()


@router.get("/redactions")
def redaction_page(request: Request,
                   v: Annotated[Viewer, Depends(require("coordinator", "agency_reviewer"))]
                   ) -> Response:
    return render(request, "redaction.html.j2", viewer=v, status_code=501)
