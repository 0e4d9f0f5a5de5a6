"""Issue 11, tuning on heldout12: each class of miss found there is fixed as a class, and each
class is checked here on new invented text (none of it is from heldout12 or any other set).

Every case: the texts of one family, the strings that must be gone, the strings that must
stay, and, where it matters, which mentions must share a pseudonym. The tests of a class fail
on the engine before this pass; the guards (what must stay) pass on both.
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
    return redact_texts(redactor, texts, keep, family_ref="F12")


# --- dates of birth --------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "dates"), [
    # the age and the date in one bracket after a name, the date in any form
    ("Pania (14, the ninth of June 2011) seen at the hub.", ("ninth of June 2011",)),
    ("Zofia Krall (15, 3rd Feb 2010) found in a car.", ("3rd Feb 2010",)),
    ("Youths incl OSEI-BONSU, Kwame (13, 2012-07-09).", ("2012-07-09",)),
    ("PRUNDEANU, Vlad (16, 11-Oct-2009). Driver left.", ("11-Oct-2009",)),
    # a date alone in brackets after a name, any year, where the sentence speaks of age
    ("2 yr review Finn (2023-09-30). Settled at nursery.", ("2023-09-30",)),
    ("Six month check: 6 mths baby Finn (2025-04-02) weighed.", ("2025-04-02",)),
    # a letter's subject: "re", the name, the date
    ("Dear Dr Amadi, re Finn Brennock 7/11/2020. Mum brought him in.", ("7/11/2020",)),
    # a name closing a bracket, then the date
    ("Triage. Finn B (registered as Finn Brennock) 22-Mar-2011. Bruising.", ("22-Mar-2011",)),
    # a date alone as a sentence
    ('Orla would not say who; she calls him "the boss". 19/02/2009. Referral made.',
     ("19/02/2009",)),
])
def test_more_dates_of_birth_are_removed(redactor, text, dates):
    out = _redact(redactor, [text])[0]
    _check(out, dates, (), "[date of birth]")


@pytest.mark.parametrize(("text", "kept"), [
    ("Finn Brennock seen at school. Next visit 04/04/2025 with Orla.", ("04/04/2025",)),
    ("Case reviewed. 12/03/2025. Orla informed.", ("12/03/2025",)),
    ("Orla rang re Finn's school report; meeting 14/05/2026.", ("14/05/2026",)),
])
def test_other_dates_stay(redactor, text, kept):
    out = _redact(redactor, [text])[0]
    _check(out, (), kept)
    assert "[date of birth]" not in out, out


# --- streets with regional suffixes ----------------------------------------------------------
@pytest.mark.parametrize(("text", "street"), [
    ("Address given 7 Tanners Ghyll. Orla not present.", "7 Tanners Ghyll"),
    ("Warrant executed on 4 Weavers Sike.", "4 Weavers Sike"),
    ("Finn was seen near 15 Pinfold Syke at night.", "15 Pinfold Syke"),
    ("Orla moved to 3 Hebble Clough last month.", "3 Hebble Clough"),
])
def test_streets_with_regional_suffixes_are_removed(redactor, text, street):
    out = _redact(redactor, [text])[0]
    assert street not in out, out
    assert "[address]" in out, out
