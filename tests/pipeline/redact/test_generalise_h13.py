"""Issue 11, tuning on heldout13: each class of miss found there is fixed as a class, and each
class is checked here on new invented text (none of it is from heldout13 or any other set).

The tests of a class fail on the engine before this pass; the guards (what must stay) pass
on both.
"""

from __future__ import annotations

import pytest

from pipeline.redact import load_redactor
from tests.support.redaction_cases import check as _check
from tests.support.redaction_cases import redact_texts

_KEEP = ("Orla Brennock", "Finn Brennock", "Tibbo")


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=_KEEP):
    return redact_texts(redactor, texts, keep, family_ref="F13")


# --- dates of birth --------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "dates"), [
    # a police-style name in letters outside ASCII, then the date in figures
    ("Witness ŽEMAITYTĖ, Aušra 21/04/1979. Seen at the door.", ("21/04/1979",)),
    # a surname with a capital inside it (Mac, Mc), then the date in words
    ("Pupil Ruairidh MacFhionnlaigh the ninth of March 2013, NHS 999 000 1111, settled.",
     ("ninth of March 2013",)),
    ("Seen: Tamsin McAllister 4th May 2008. Quiet.", ("4th May 2008",)),
    # a baby's age in months or weeks after the name, then the date, any year
    ("HV visit. Baby KOWALCZYK 9 months, 2025-06-14, gaining weight.", ("2025-06-14",)),
    ("Clinic: Ilse Varga 6 wks - 2025-09-03 - feeding well.", ("2025-09-03",)),
    # a sentence that is only a full name and a date, any year
    ("HV. Anaïs Okonkwo-Diallo 2022-08-19. Weight on 50th centile.", ("2022-08-19",)),
    ("New birth visit.\nTeodor Brannigan-Oyelaran 14/01/2024.\nMum well.", ("14/01/2024",)),
])
def test_more_dates_of_birth_are_removed(redactor, text, dates):
    out = _redact(redactor, [text])[0]
    _check(out, dates, (), "[date of birth]")


@pytest.mark.parametrize(("text", "kept"), [
    ("Orla rang. Next visit 2025-06-14. Finn at school.", ("2025-06-14",)),
    ("Finn seen 9 months ago; review booked 03/09/2025.", ("03/09/2025",)),
    ("Met at the hub on 14/01/2024. Orla calm.", ("14/01/2024",)),
])
def test_other_dates_stay(redactor, text, kept):
    out = _redact(redactor, [text])[0]
    _check(out, (), kept)


# --- names -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "gone", "kept"), [
    # the writer's full name after "logged" without "by", then a comma and their role
    ("finn settled at lunch. logged owain rhydderch-bowen, head of year",
     ("owain", "rhydderch-bowen"), ("finn",)),
    ("Orla rang at 1400. logged ffion gwynfor-hale, head of house.", ("ffion", "gwynfor-hale"),
     ("Orla",)),
])
def test_the_writer_before_their_role_is_removed(redactor, text, gone, kept):
    out = _redact(redactor, [text])[0]
    _check(out, gone, kept)


@pytest.mark.parametrize(("text", "kept"), [
    ("Concern logged with school, head of year aware.", ("Concern logged with school",)),
    ("Incident logged this morning, dsl informed.", ("logged this morning",)),
])
def test_a_logged_thing_before_a_role_stays(redactor, text, kept):
    out = _redact(redactor, [text])[0]
    _check(out, (), kept)
