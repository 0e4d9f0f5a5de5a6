"""What the per-class redaction tests (`tests/pipeline/redact/test_generalise_h*.py`) share:
one family's texts through the engine, and the checks of what must be gone and what must
stay in the text that comes out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.redact import FamilyText, RedactionInput, Redactor

#: a pseudonym as the engine writes it
PSEUDONYM = re.compile(r"\[Third party [A-Z]+\]")


def redact_texts(redactor: Redactor, texts: Sequence[str], keep: Sequence[str],
                 family_ref: str) -> list[str | None]:
    """The texts of one family (police items, in order) as redacted, keeping `keep`
    (None for a text the engine failed on)."""
    items = tuple(RedactionInput(key=f"k{i:02d}", item_id=f"item-{i}", agency="police",
                                 text=t) for i, t in enumerate(texts))
    result = redactor.redact_family(FamilyText(
        family_ref=family_ref, keep_names=tuple(keep), items=items,
        link_across_agencies=True))
    return [result.texts[i.key].text for i in items]


def word_in(word: str, text: str) -> bool:
    """`word` in `text` as a whole word (not inside a longer name, handle or e-mail)."""
    return re.search(rf"(?<![\w'’.-]){re.escape(word)}(?![\w'’-])", text) is not None


def check(out: str, gone: Iterable[str], kept: Iterable[str],
          placeholder: str | None = None) -> None:
    """Every string of `gone` removed from `out`, every one of `kept` still in it, and
    `placeholder` (a pseudonym) there when given."""
    for s in gone:
        assert not word_in(s, out), (s, out)
    for s in kept:
        assert s in out, (s, out)
    if placeholder:
        assert placeholder in out, out
