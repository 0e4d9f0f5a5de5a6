"""Name spans for redaction: trimming and splitting them within a text, and the family-wide
second pass that removes a third party's names wherever else they appear (docs/redaction.md).

`NameSpans` holds the name rules these need; `pipeline.redact.redactor.Redactor` builds on it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import regex
from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.redact.names import KeepList, NameNormaliser, read_first_names
from pipeline.redact.settings import RedactionSettings
from pipeline.redact.types import RedactionInput

_WORD = re.compile(r"[\w'’-]+")
#: the recognizer name reported for names found by the family-wide second pass
FAMILY_PASS = "FamilyNamePass"
#: the recognizer of online account names (redaction.yaml): never trimmed, spread or joined
HANDLE = "SocialHandleRecognizer"
#: what may stand between two name spans of one person: a space ("Thiago" "Moura"), or in a
#: capitals-first police log a comma ("MOURA, THIAGO")
_JOIN_GAP = re.compile(r"[ \t]+|,[ \t]*")
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)")
#: the word after a word, past a closing quote ('"toffee" named by'), and the word before
_AFTER_QUOTE = re.compile(r"[\"”’']?[ \t]+([a-z]+)")
_BEFORE_QUOTE = re.compile(r"(?<![\w'’-])([a-z]+)[ \t]+[\"“‘']?$")
#: words a person's name follows: "in with tadpole", "leon and 'noodle'", "incl kipper"
_PERSON_BEFORE = frozenset({"with", "and", "from", "by", "incl", "including", "re", "told",
                            "tell", "tells", "named", "called", "aka", "owes", "off", "w"})
#: verbs a nickname is the subject of besides the rules' subject verbs ("noodle will come")
_PERSON_AUXILIARIES = frozenset({"will", "would", "can", "could", "might", "should", "must",
                                 "wont", "cant", "doesnt", "didnt", "isnt", "wasnt"})
#: verbs only a person (or an animal) is the subject of: a nickname that is a frequent word
#: is a person before them ("that scissors waited by the gate", "and lobster laughed")
_PERSON_ONLY_VERBS = frozenset({
    "waited", "waits", "laughed", "laughs", "cried", "cries", "smiled", "smiles", "shouted",
    "shouts", "screamed", "screams", "whispered", "whispers", "swore", "swears", "giggled",
    "sniggered", "grinned", "said", "says", "told", "tells", "texted", "texts", "rang",
    "phoned", "threatened", "threatens", "lied", "lies", "asked", "asks", "promised",
    "promises", "winked", "stared", "stares", "sleeps", "slept"})
#: a nickname that is a frequent word after these is a person when a bare verb follows
#: ("plamen lets trombone sleep on the sofa")
_LET_BEFORE = re.compile(r"(?<![\w'’-])(?:lets|let|letting|makes|made|helps|helped)[ \t]+\Z")
_BARE_VERBS = frozenset({"sleep", "stay", "live", "come", "go", "wait", "sit", "use", "borrow",
                         "keep", "hold", "drive", "ride", "play", "have", "take", "watch"})
#: not a name after these: a thing ("the scissors waited" is not said of a person)
_THING_BEFORE = frozenset({"a", "an", "the", "my", "your", "his", "her", "its", "our", "their",
                           "this", "these", "those", "some", "any", "no", "every", "each"})
#: a word-name after these is the word ("a robin on the sill", "we hope", "good faith")
_WORD_BEFORE = _THING_BEFORE | {"i", "we", "you", "they", "it", "good", "bad", "very", "so",
                                "too", "more", "most", "much", "such"}
#: what a note says of a person it has nothing on ("jade not known.", "paintpot not
#: discussed.")
_NOT_KNOWN = re.compile(r"[ \t]+not[ \t]+(?:known|discussed|seen|mentioned|present|traced)\b")
#: a nickname inside a quoted description ('"the scarecrow man"')
_QUOTED_THE = re.compile(r"[\"“‘']the[ \t]+\Z")
_QUOTED_MAN = re.compile(r"[ \t]+(?:man|woman|lad|boy|girl|bloke|guy|kid|fella)[\"”’']")
_QUOTES = frozenset("\"“‘'")
_CLOSING_QUOTES = frozenset("\"”’'")
#: the words inside a quote, from where it opens up to its closing quote
_QUOTE_INNER = re.compile(r"[^\"”’'\n]{1,30}(?=[\"”’'])")
#: after a surname, words that make it the family's ("the WONG children")
_FAMILY_WORDS = frozenset({"children", "family", "families", "household", "kids", "siblings",
                           "twins", "boys", "girls", "parents", "home", "house"})


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str
    recognizer: str
    tokens: tuple[str, ...] = ()  # normalised name tokens, for PERSON spans
    #: found by a context rule, not only by spaCy (a lone word may then be spread)
    context: bool = False
    #: removed only because the engine could not explain it (deny by default)
    unsure: bool = False


_HYPHEN_TAIL = re.compile(r"(?:-[^\W\d_]+)+")
_HYPHEN_HEAD = re.compile(r"(?<![\w-])(?:[^\W\d_]+-)+$")


def whole_hyphenated(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown to whole hyphenated words: a name span cut at a hyphen ("Ho" of
    "Ho-yin", "ling" of "Mei-ling") is compared with the roster as the whole given name
    (issue 11, heldout9 class: spaCy splits a hyphenated given name)."""
    if start < end and text[end - 1].isalpha():
        tail = _HYPHEN_TAIL.match(text, end)
        if tail:
            end = tail.end()
    if start < end and text[start].isalpha() and start >= 2 and text[start - 1] == "-":
        head = _HYPHEN_HEAD.search(text, max(0, start - 40), start)
        if head:
            start = head.start()
    return start, end


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` is the first of a sentence or a line."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"“‘'(":
        i -= 1
    return i < 0 or text[i] in ".!?\n"


def merge_spans(spans: list[tuple[int, int, RecognizerResult]],
                ) -> list[tuple[int, int, list[RecognizerResult]]]:
    """Union overlapping spans; each union keeps the results it came from."""
    out: list[tuple[int, int, list[RecognizerResult]]] = []
    for s, e, r in sorted(spans, key=lambda x: (x[0], -x[1])):
        if out and s < out[-1][1]:
            start, end, group = out[-1]
            out[-1] = (start, max(end, e), [*group, r])
        else:
            out.append((s, e, [r]))
    return out


def subtract_spans(start: int, end: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) outside every hole."""
    parts = [(start, end)]
    for hs, he in holes:
        parts = [p for s, e in parts
                 for p in ((s, min(e, hs)), (max(s, he), e)) if p[0] < p[1]]
    return parts


class NameSpans:
    """The name rules of a loaded redaction config, and what Redactor does with name spans."""

    def __init__(self, settings: RedactionSettings, rules_path: Path) -> None:
        self.settings = settings
        self._normaliser = NameNormaliser(settings.names)
        names = settings.names
        self._first_names = read_first_names(settings, rules_path)
        self._word_names = frozenset(w.casefold() for w in names.word_names)
        self._not_alone = frozenset(w.casefold() for w in names.not_alone)
        self._subject_verbs = frozenset(w.casefold() for w in names.subject_verbs)
        self._caps_verbs = frozenset(w.casefold() for w in names.caps_verbs)
        self._role_titles = frozenset(w for w in names.role_titles if not w.isupper())
        #: one-word relations, never the first word of a name ("Twin Taiwo", "Cousin Lee")
        self._relations = frozenset(w.casefold() for w in names.relation_words if " " not in w)
        self._speech_verbs = frozenset(w.casefold() for w in names.speech_verbs)
        self._particles = frozenset(w.casefold() for w in names.particles)
        self._months = frozenset({"may", "june", "april", "august"})
        #: tokens never spread to other mentions: they are places or ordinary words
        self._not_spread = (frozenset(w.casefold() for w in names.not_names)
                            | {w.casefold() for w in settings.address.street_suffixes}
                            | {w.casefold() for w in names.acronyms})

    # --- name spans within one text ------------------------------------------------------

    def _name_like(self, word: str) -> bool:
        folded = word.casefold()
        return not word.islower() or folded in self._first_names

    def _split_kept(self, text: str, span: tuple[int, int],
                    keep: KeepList) -> list[tuple[int, int]]:
        """Split a name span that runs a kept name into other words ("carly bartlett rang re
        repairs", "jason threatened chloe"), so the family member's name survives.

        Split only where the kept words stand apart: next to ordinary lower-case words, or
        forming a whole kept name. "Jean Harrow" with a family member Jean stays one name.
        """
        words = [m.span() for m in _WORD.finditer(text, *span)]
        kept_tokens = keep.tokens()
        second = self._normaliser.tokens(text[words[1][0]:words[1][1]]) if len(words) > 1 else ()
        if (second and second[0] in kept_tokens and _opens_sentence(text, words[0][0])
                and self._ordinary_token(text[words[0][0]:words[0][1]].casefold())):
            # an ordinary word opening the sentence before a kept name is not a name
            # ("Seen Ruby at home", "Told Ruby to wait"): issue 11, heldout9 class
            words = words[1:]
            span = (words[0][0], span[1])
        kinds = []
        for s, e in words:
            toks = self._normaliser.tokens(text[s:e])
            kinds.append("drop" if not toks else "kept" if toks[0] in kept_tokens else "other")
        if "kept" not in kinds:
            return [span]
        runs: list[tuple[int, int]] = []  # [first, last] word indices of each kept run
        for i, kind in enumerate(kinds):
            if kind == "kept":
                # a bracket between two kept words parts two names ("Cathy (Cathal)": an
                # alias and the name it stands for; issue 11, heldout10 class), a comma does
                # not ("ADEYEMI-CLARKE, Daniel")
                if runs and runs[-1][1] == i - 1 and not any(
                        c in "()[]" for c in text[words[i - 1][1]:words[i][0]]):
                    runs[-1] = (runs[-1][0], i)
                else:
                    runs.append((i, i))
        if "other" not in kinds:
            # "kim robinson rang re frances": two kept names with verbs between them
            separate = len(runs) > 1 and all(
                keep.keeps(self._normaliser.tokens(text[words[a][0]:words[b][1]]))
                for a, b in runs)
            return [] if separate else [span]
        for a, b in runs:
            run_tokens = self._normaliser.tokens(text[words[a][0]:words[b][1]])
            whole = len(run_tokens) >= 2 and keep.keeps(run_tokens)
            neighbours = [words[i] for i in (a - 1, b + 1) if 0 <= i < len(words)]
            # a roster alias that is no gazetteer first name ("Jayjay", "Tymo") is the
            # family member's even next to another name ("tell Jayjay Winston wants him")
            alias = (a == b and len(run_tokens) == 1 and keep.is_alias(run_tokens[0])
                     and run_tokens[0] not in self._first_names)
            if not whole and not alias and any(
                    self._name_like(text[s:e]) for s, e in neighbours):
                return [span]  # the kept word may be part of another person's name
        out = []
        i = 0
        while i < len(words):
            if kinds[i] == "kept":
                i += 1
                continue
            j = i
            while j + 1 < len(words) and kinds[j + 1] != "kept":
                j += 1
            piece = [w for w in words[i:j + 1]]
            # ordinary lower-case words at the ends are not part of a name
            while piece and not self._name_like(text[piece[0][0]:piece[0][1]]):
                piece.pop(0)
            while piece and not self._name_like(text[piece[-1][0]:piece[-1][1]]):
                piece.pop()
            if piece:
                trimmed = self._name_span(text, piece[0][0], piece[-1][1])
                if trimmed:
                    out.append(trimmed)
            i = j + 1
        return out

    def _title_word(self, word: str) -> bool:
        """A title written before a name ("Imam", "Rev", "Pastor"): trimmed from the start
        of a name span."""
        return word in self._role_titles

    def _never_name(self, word: str) -> bool:
        """A word that is never part of anyone's name (an acronym, a known term); deny by
        default says which (Redactor)."""
        return False

    def _plain_word(self, word: str) -> bool:
        """A word that is not part of anyone's name at the edge of a name span only spaCy
        found (rare vocabulary); deny by default says which (Redactor)."""
        return False

    def _ordinary_token(self, token: str) -> bool:
        """A name token that is also ordinary vocabulary, never spread to other texts."""
        return False

    def _frequent_token(self, token: str) -> bool:
        """A name token that is a frequent English word, not a name (deny by default says
        which: Redactor)."""
        return False

    def _name_span(self, text: str, start: int, stop: int,
                   trim_plain: bool = False) -> tuple[int, int] | None:
        """Trim punctuation, titles and role words from the ends, and a possessive 's;
        with `trim_plain` (a span only spaCy found), plain words too (acronyms, ordinary
        vocabulary: "NBV Niall", "Girls Hamda")."""
        words = [m.span() for m in _WORD.finditer(text, start, stop)]
        quoted = text[start - 1:start] in _QUOTES

        def plain(span: tuple[int, int]) -> bool:
            word = text[span[0]:span[1]]
            return not self._normaliser.tokens(word) or (not quoted and (
                self._never_name(word) or (trim_plain and self._plain_word(word))))

        while len(words) > 1 and (self._title_word(text[words[0][0]:words[0][1]])
                                  or text[words[0][0]:words[0][1]].casefold() in self._relations):
            words.pop(0)
        while words and plain(words[0]):
            if (len(words) > 1 and words[0][1] - words[0][0] == 1
                    and text[words[0][0]].isupper() and text[words[0][1]:words[0][1] + 1] == "."):
                break  # an initial: "Mr A. Khan"
            words.pop(0)
        while words and plain(words[-1]):
            words.pop()
        if not words:
            return None
        s, e = words[0][0], words[-1][1]
        if text[e - 2:e] in ("'s", "’s") and e - 2 > s:
            e -= 2
        return s, e

    def _join_adjacent(self, text: str, spans: list[Span]) -> list[Span]:
        """Join two name spans that are one name ("TJ (Thiago Moura)" found as two words,
        "MOURA, THIAGO"), so the person is clustered by the full name, not by a surname
        another person shares."""
        person = self.settings.person_entity
        out: list[Span] = []
        for i, s in enumerate(spans):
            prev = out[-1] if out else None
            if (prev is None or s.entity != person or prev.entity != person
                    or HANDLE in (s.recognizer, prev.recognizer) or not s.tokens
                    or not prev.tokens or len(prev.tokens) + len(s.tokens) > 4):
                out.append(s)
                continue
            gap = text[prev.end:s.start]
            if not _JOIN_GAP.fullmatch(gap):
                out.append(s)
                continue
            tokens = prev.tokens + s.tokens
            if "," in gap:
                # "SURNAME, Forename" only: one capitals word, one word, not a list of names
                nxt = spans[i + 1] if i + 1 < len(spans) else None
                surname = text[prev.start:prev.end]
                if (len(prev.tokens) != 1 or len(s.tokens) != 1 or not surname.isupper()
                        or (nxt is not None and nxt.start - s.end <= 6)):
                    out.append(s)
                    continue
                tokens = s.tokens + prev.tokens
            elif "," in text[prev.end:s.end]:
                # a particle found apart before a police-style name ("MAC" + "GIOLLARNÁTH,
                # Fiachra"): the forename comes first, as for the name written whole
                tokens = self._normaliser.tokens(text[prev.start:s.end]) or tokens
            recognizer = prev.recognizer if not prev.unsure else s.recognizer
            out[-1] = Span(prev.start, s.end, person, recognizer, tokens,
                           prev.context or s.context, prev.unsure and s.unsure)
        return out

    # --- second pass over the family ------------------------------------------------------

    def _spread(self, items: list[RedactionInput], spans: dict[str, list[Span]],
                keep: KeepList) -> None:
        """Once a third party is found by full name, remove their first name and surname
        wherever else they appear in the family's texts ("Jordan" after "Jordan PIKE").

        A token is spread only as written with a capital (Title case or ALL CAPS): lower case
        it may be an ordinary word. The whole name also matches in lower case ("bill davies").
        Kept tokens, places, acronyms and ordinary words are never spread.
        """
        person = self.settings.person_entity
        kept = keep.tokens()
        singles: set[str] = set()
        lower: set[str] = set()  # also spread when written in lower case ("breda", "gav")
        #: nicknames that are rarer words: spread in lower case where a person stands
        #: ("'Noodle'" -> "noodle will come for it", not "a noodle bar"; issue 11)
        nicknames: set[str] = set()
        #: nicknames found in quotes, however frequent as words: spread into quotes in lower
        #: case ("'Biscuit'" -> "talk about 'biscuit' -"; issue 11, heldout11 class)
        quoted_nicknames: set[str] = set()
        #: and the same for a quoted nickname of two or three words, taken whole ("'CHIP
        #: MAN'" -> "the 'chip man'")
        quoted_phrases: set[str] = set()
        #: nicknames that are frequent words ("SCISSORS", "'Trombone'"): spread in lower case
        #: only where the word cannot be the thing (`_person_subject`; issue 11, heldout14)
        common_nicknames: set[str] = set()
        #: third parties' surnames: spread in lower case only into a note written in lower
        #: case ("cannon not in" after "Dean Cannon" elsewhere; issue 11)
        surnames: set[str] = set()
        fulls: set[tuple[str, str]] = set()
        #: words found alone that may be a short form of a first name ("Tris", "Gio")
        short_forms: set[str] = set()
        texts = {i.key: i.text for i in items}
        for key, found in spans.items():
            text = texts[key]
            # a name found in two pieces is one full name here ("Rahim" by spaCy, "Talukdar"
            # by deny by default): its surname is spread like any full name's (issue 11)
            unsure_at = {(s.start, s.end) for s in found if s.unsure}
            joined: list[Span] = []
            for s in self._join_adjacent(text, found) if unsure_at else found:
                if not s.unsure and any(a == s.start for a, _ in unsure_at):
                    # an unsure word before a name is a role ("Pillion CASTELL, Vincent"):
                    # the pieces stay apart
                    joined.extend(x for x in found if s.start <= x.start and x.end <= s.end)
                else:
                    joined.append(s)
            for s in joined:
                if s.entity == person and _HANDLE_SHAPE.fullmatch(text, s.start, s.end):
                    # a handle made of a word the family's texts also use as a name
                    # ("soggy_t", "dribble10"): the word is spread where only a person
                    # stands (issue 11, heldout15 class)
                    part = _HANDLE_WORD.match(text, s.start, s.end)
                    if part is not None and self._ordinary_token(part.group(1).casefold()):
                        common_nicknames.add(part.group(1).casefold())
                        singles.add(part.group(1).casefold())
                if s.entity != person or not s.tokens or s.recognizer == HANDLE:
                    continue
                phrase = text[s.start:s.end]
                if (" " in phrase and text[s.start - 1:s.start] in _QUOTES
                        and text[s.end:s.end + 1] in _CLOSING_QUOTES):
                    quoted_phrases.add(phrase.casefold())
                if len(s.tokens) >= 2:
                    fulls.add((s.tokens[0], s.tokens[-1]))
                    last = s.tokens[-1]
                    if (last not in kept and last not in self._not_spread and len(last) > 2
                            and last not in STOP_WORDS and not s.unsure
                            and not any(s.start <= a and b <= s.end for a, b in unsure_at)):
                        surnames.add(last)
                # a word given as a name ("known only as Skip"): a nickname like a quoted one
                given = (_GIVEN_AS.search(text, max(0, s.start - 30), s.start) is not None
                         or (_AFTER_NAME_BRACKET.search(text, max(0, s.start - 40), s.start)
                             is not None and _CLOSE_BRACKET.match(text, s.end) is not None
                             and len(s.tokens) == 1))
                for m in _WORD.finditer(text, s.start, s.end):
                    word = m.group()
                    toks = self._normaliser.tokens(word)
                    quoted = text[m.start() - 1:m.start()] in _QUOTES or given
                    piece = not s.unsure and any(a <= m.start() and m.end() <= b
                                                 for a, b in unsure_at)
                    held = False
                    if toks and (s.unsure or piece) and self._ordinary_token(toks[0]):
                        # an unsure word that is vocabulary is not spread; after a sure name
                        # piece ("Rahim Talukdar") only a frequent word is held back
                        held = not piece or self._frequent_token(toks[0])
                    # a two-letter word is spread only as a quoted capitals alias ("TJ")
                    # a lower-case word found in quotes is a nickname ('calls him
                    # "thimble"'), spread into quotes ('met "thimble"'; issue 11, heldout12)
                    lower_quoted = (quoted and word.islower()
                                    and text[m.end():m.end() + 1] in _CLOSING_QUOTES)
                    if (len(s.tokens) == 1 and toks and len(toks[0]) >= 3 and not piece
                            and word[:1].isupper() and not word.isupper()
                            and toks[0] not in kept and toks[0] not in self._not_spread
                            and toks[0] not in self._word_names and toks[0] not in STOP_WORDS
                            and not self._frequent_token(toks[0])):
                        # a short form found alone, a rare word at most ("Tris", "Gio"):
                        # spread where only a person stands, if it begins the first name
                        # of someone named in full (below; issue 11, heldout15 class)
                        short_forms.add(toks[0])
                    if (not toks or not (self._name_like(word) or lower_quoted)
                            or toks[0] in kept
                            or toks[0] in self._not_spread or len(toks[0]) < 2
                            or (held and not (quoted or word.isupper()))
                            or (len(toks[0]) == 2 and not (quoted and word.isupper()))):
                        continue
                    if len(s.tokens) < 2 and not (word.isupper() or s.context or quoted
                                                  or toks[0] in self._first_names):
                        continue  # a lone word only spaCy tagged may be an ordinary word
                    singles.add(toks[0])
                    # a word in capitals deny by default took for a name ("Driver BUDGIE"):
                    # a nickname, spread like a quoted one (issue 11, heldout12 class)
                    if ((quoted or s.context or (s.unsure and word.isupper()))
                            and len(toks[0]) > 2
                            and toks[0] not in STOP_WORDS and toks[0] not in self._word_names
                            and not self._frequent_token(toks[0])):
                        nicknames.add(toks[0])
                    elif ((quoted or s.context or (s.unsure and word.isupper()))
                            and len(toks[0]) > 2 and toks[0] not in STOP_WORDS
                            and toks[0] not in self._word_names):
                        common_nicknames.add(toks[0])
                    if quoted and len(toks[0]) > 2 and toks[0] not in STOP_WORDS:
                        quoted_nicknames.add(toks[0])
                    if (toks[0] not in self._word_names and toks[0] not in STOP_WORDS
                            and not piece and not self._ordinary_token(toks[0])
                            and (quoted or (len(s.tokens) >= 2 and toks[0] == s.tokens[0])
                                 or toks[0] in self._first_names)):
                        lower.add(toks[0])

        firsts = {first for first, _ in fulls}
        for form in short_forms:
            if any(len(f) > len(form) and f.startswith(form) for f in firsts):
                singles.add(form)
                common_nicknames.add(form)
        if not singles and not fulls:
            return
        for item in items:
            current = spans.get(item.key)
            if current is None:
                continue
            result = list(current)
            changed = False
            lower_note: bool | None = None  # worked out when first needed
            for start, end in _name_hits(item.text, singles, fulls):
                if quoted_phrases and item.text[start - 1:start] in _QUOTES:
                    rest = _QUOTE_INNER.match(item.text, start)
                    if rest is not None and rest.group().casefold() in quoted_phrases:
                        end = rest.end()  # the whole quoted nickname
                inside = [s for s in result if start < s.end and s.start < end]
                # a whole name may absorb the names found inside it ("gavin" in "gavin
                # pettifer"); anything else already there wins
                if any(s.entity != person or s.start < start or s.end > end for s in inside):
                    continue
                if len(inside) == 1 and (inside[0].start, inside[0].end) == (start, end):
                    continue
                if (lower_note is None and surnames
                        and item.text[start:end].casefold() in surnames
                        and item.text[start:end].islower()):
                    # a note in lower case but for the names and addresses found in it
                    lower_note = _lower_case_note(item.text, [(x.start, x.end) for x in current])
                if not self._spread_ok(item.text, start, end, lower,
                                       surnames if lower_note else frozenset(), nicknames,
                                       quoted_nicknames, common_nicknames, singles):
                    continue
                tokens = self._normaliser.tokens(item.text[start:end])
                if not tokens or keep.keeps(tokens):
                    continue
                result = [s for s in result if s not in inside]
                result.append(Span(start, end, person, FAMILY_PASS, tokens))
                changed = True
            if changed:
                spans[item.key] = sorted(result, key=lambda s: s.start)

    def _shared_names(self, items: list[RedactionInput], spans: dict[str, list[Span]],
                      keep: KeepList) -> None:
        """A surname a third party shares with the family ("Lee PRITCHARD" beside Mason
        Pritchard). A lone "PRITCHARD" is the nearest person named with it earlier in the
        same text: if that is the third party, the mention is theirs (removed, unsure); if it
        is a family member ("Mason PRITCHARD"), the roster explains it. With no such name
        earlier in the text, it is the third party only when one third party has the name and
        the family's texts never write it with a family member's other name, or when it is a
        police-style subject ("O'DRISCOLL reports he ...") before the text names the family
        member who shares it in full.
        """
        person = self.settings.person_entity
        kept = keep.tokens()
        third_side: dict[str, set[tuple[str, ...]]] = {}
        for spans_of_text in spans.values():
            for s in spans_of_text:
                if s.entity == person and len(s.tokens) >= 2 and s.recognizer != HANDLE:
                    for t in set(s.tokens) & keep.surnames:
                        third_side.setdefault(t, set()).add(s.tokens)
        if not third_side:
            return
        family_side: set[str] = set()
        found_lone: dict[str, list[tuple[int, int, str]]] = {}
        antecedents: dict[str, list[tuple[int, tuple[str, ...] | None]]] = {}
        for item in items:
            if item.key not in spans:
                continue
            found = spans[item.key]
            text = item.text
            # (position, tokens of a third party) or (position, None) for the family
            before: list[tuple[int, tuple[str, ...] | None]] = [
                (s.start, s.tokens) for s in found
                if s.entity == person and len(s.tokens) >= 2 and set(s.tokens) & set(third_side)]
            lone: list[tuple[int, int, str]] = []
            words = list(_WORD.finditer(text))
            for i, m in enumerate(words):
                w = m.group()
                toks = self._normaliser.tokens(w)
                if not toks or toks[0] not in third_side or not w[:1].isupper():
                    continue
                if any(s.start < m.end() and m.start() < s.end for s in found):
                    continue
                # the word before, over a particle: "Oisín Ó Cathasaigh", "Aoife Ní Bhriain"
                j = i - 1
                while (j > 0 and words[j].group().casefold() in self._particles
                       and text[words[j].end():words[j + 1].start()] == " "):
                    j -= 1
                near = []
                if j >= 0 and text[words[j].end():words[j + 1].start()] in (" ", ", "):
                    near.append(words[j])
                if i + 1 < len(words) and text[m.end():words[i + 1].start()] in (" ", ", "):
                    near.append(words[i + 1])
                near_tokens = [self._normaliser.tokens(n.group()) for n in near]
                if any(t and t[0] in kept and t[0] != toks[0] for t in near_tokens):
                    before.append((m.start(), None))  # "Mason PRITCHARD": the family
                    family_side.add(toks[0])
                    continue
                if any(n.group()[:1].isupper() and t
                       for n, t in zip(near, near_tokens, strict=True)):
                    continue  # next to another name: not a lone mention
                nxt = text[m.end():m.end() + 12].split()
                if nxt and nxt[0].casefold().strip(".,;:") in _FAMILY_WORDS:
                    continue  # "the WONG children", "Pritchard family"
                end = m.start() + len(w.removesuffix("'s").removesuffix("’s"))
                lone.append((m.start(), end, toks[0]))
            found_lone[item.key] = lone
            antecedents[item.key] = before
        for item in items:
            lone = found_lone.get(item.key, [])
            if not lone:
                continue
            result = list(spans[item.key])
            for start, end, token in lone:
                earlier = [a for a in antecedents[item.key]
                           if a[0] < start and (a[1] is None or token in a[1])]
                tokens: tuple[str, ...] | None
                if earlier:
                    tokens = max(earlier, key=lambda a: a[0])[1]
                elif len(third_side[token]) == 1 and (
                        token not in family_side
                        or self._subject_before_family(item.text, start, end, token, keep)):
                    tokens = next(iter(third_side[token]))
                else:
                    tokens = None
                if tokens is not None:
                    result.append(Span(start, end, person, FAMILY_PASS, tokens, False, True))
            spans[item.key] = sorted(result, key=lambda s: s.start)

    def _subject_before_family(self, text: str, start: int, end: int, token: str,
                               keep: KeepList) -> bool:
        """An ALL-CAPS surname before a police verb ("O'DRISCOLL reports") in a text that
        names a family member with that surname in full after it ("Niamh O'Driscoll"): a
        writer names a person in full before calling them by the surname alone, so the
        surname that comes first is someone else."""
        word = text[start:end]
        nxt = _NEXT_WORD.match(text, end)
        if not (word.isupper() and nxt is not None and nxt.group(1) in self._caps_verbs):
            return False
        firsts = keep.first_names_of(token)
        words = [(m, self._normaliser.tokens(m.group())) for m in _WORD.finditer(text, end)]
        for (a, ta), (b, tb) in itertools.pairwise(words):
            if ta and tb and text[a.end():b.start()] in (" ", ", ") and (
                    (ta[0] in firsts and tb[0] == token) or (ta[0] == token and tb[0] in firsts)):
                return True  # "Niamh O'Driscoll", "O'DRISCOLL, Niamh"
        return False

    def _spread_ok(self, text: str, start: int, end: int, lower: set[str],
                   surnames: set[str] | frozenset[str] = frozenset(),
                   nicknames: set[str] | frozenset[str] = frozenset(),
                   quoted_nicknames: set[str] | frozenset[str] = frozenset(),
                   common_nicknames: set[str] | frozenset[str] = frozenset(),
                   singles: set[str] | frozenset[str] = frozenset()) -> bool:
        word = text[start:end]
        if " " in word or "\t" in word:
            return True  # a whole name
        if word.isupper() and len(word) > 1:
            return True
        folded = word.casefold()
        if not word[:1].isupper():
            bare = folded.removesuffix("'s").removesuffix("’s")
            # in a note written in lower case, a third party's word-name is their name too
            # ("told her jordan shouldnt", after "Jordan Pike" elsewhere)
            if bare in lower or bare in surnames:
                return True
            if bare in self._word_names and _lower_case_note(text):
                # but not the word after an article, a pronoun or "good" ("over the summer
                # holidays", "we hope to review", "acting in good faith"; heldout14)
                prev = _BEFORE_QUOTE.search(text, max(0, start - 30), start)
                return prev is None or prev.group(1) not in _WORD_BEFORE
            if bare in nicknames and self._person_place(text, start, end):
                return True
            if (bare in nicknames or bare in common_nicknames or bare in quoted_nicknames) and (
                    self._person_subject(text, start, end)
                    or _nickname_slot(text, start, end, lower | singles | surnames)):
                return True
            if (bare in nicknames or bare in common_nicknames or bare in quoted_nicknames
                    or bare in singles) and _possessive_person(text, start, end):
                return True
            if bare in singles and _NOT_KNOWN.match(text, end) and _lower_sentence_start(
                    text, start):
                # a name written in lower case to open a sentence, then that the note has
                # nothing on them ("jade not known."): an ordinary word there is capitalised
                return True
            # a nickname the family's texts put in quotes, alone in quotes again: the writer
            # quotes the name, not the word ("known as 'Biscuit'" -> "about 'biscuit'")
            if (bare in quoted_nicknames and text[start - 1:start] in _QUOTES
                    and text[end:end + 1] in _CLOSING_QUOTES):
                return True
            # a child's words quoted as they said them: the third party's name opens the
            # quote before a verb ('told her teacher "kian came to the window"'; issue 11,
            # heldout9 class)
            nxt = _NEXT_WORD.match(text, end)
            return (text[start - 1:start] in _QUOTES and nxt is not None
                    and (nxt.group(1) in self._subject_verbs or nxt.group(1).endswith("ed")))
        if folded not in self._word_names:
            return True
        # "Will ring back" at the start of a sentence is the verb; "Rose said" is the name
        before = text[:start].rstrip(" \t")
        start_of_sentence = not before or before[-1] in ".!?:;\"'‘“(\n"
        nxt = _NEXT_WORD.match(text, end)
        verb = bool(nxt) and (nxt.group(1) in self._subject_verbs  # type: ignore[union-attr]
                              or nxt.group(1).endswith("ed"))  # type: ignore[union-attr]
        if folded in self._not_alone:
            # "Joy to visit Sam" (minutes), not "in May" or "June to August"
            return start_of_sentence and (verb or (bool(nxt) and nxt.group(1) == "to"  # type: ignore[union-attr]
                                                   and folded not in self._months))
        return not start_of_sentence or verb


    def _person_subject(self, text: str, start: int, end: int) -> bool:
        """Whether the lower-case nickname at [start, end), a frequent word, can only be the
        person: the subject of a verb only a person takes, not after an article or a
        possessive ("that scissors waited", "and lobster laughed"), after "lets" and before
        a bare verb ("lets trombone sleep"), or in a quoted description ('"the scarecrow
        man"')."""
        prev = _BEFORE_QUOTE.search(text, max(0, start - 30), start)
        if prev is not None and prev.group(1) in _THING_BEFORE:
            return (prev.group(1) == "the" and _QUOTED_THE.search(text, max(0, start - 6), start)
                    is not None and _QUOTED_MAN.match(text, end) is not None)
        nxt = _AFTER_QUOTE.match(text, end)
        if nxt is None:
            return False
        if nxt.group(1) in _PERSON_ONLY_VERBS:
            return True
        return (nxt.group(1) in _BARE_VERBS
                and _LET_BEFORE.search(text, max(0, start - 12), start) is not None)

    def _person_place(self, text: str, start: int, end: int) -> bool:
        """Whether the lower-case word at [start, end) stands where a person does: the
        subject of a verb ("crumpet told", "noodle will come", '"toffee" named by'), after a
        word a name follows or a relation ("in with tadpole", "says chalky", "cousin
        kipper"), or before a bracket that names someone ("lolly (Blessing Iwu, 14)")."""
        nxt = _AFTER_QUOTE.match(text, end)
        if nxt is not None:
            verb = nxt.group(1)
            if (verb in self._subject_verbs or verb in self._speech_verbs
                    or verb in self._caps_verbs or verb in _PERSON_AUXILIARIES
                    or (verb.endswith("ed") and len(verb) > 3)):
                return True
        prev = _BEFORE_QUOTE.search(text, max(0, start - 30), start)
        if prev is not None:
            word = prev.group(1)
            if word in _PERSON_BEFORE or word in self._relations or word in self._speech_verbs:
                return True
        return re.match(r"[\"”’']?[ \t]*\([ \t]*[A-Z]", text[end:end + 6]) is not None


#: a naming phrase before a name: "known only as Skip", "aka Tumble"
_GIVEN_AS = re.compile(
    r"(?<![\w'’-])(?i:known(?:[ \t]+(?:only|just|simply|locally|mainly))?[ \t]+as|aka|"
    r"a\.k\.a\.|nicknamed|goes[ \t]+by)[ \t]+[\"'‘“]?$")
#: a capitalised name, then an opening bracket: "Arkadiusz Mroczek (Grumpy)"
_AFTER_NAME_BRACKET = re.compile(r"(?<![\w'’-])[A-Z\u00c0-\u024f][\w'’-]+[ \t]*\([ \t]*$")
#: the word a handle is made of: "soggy" of "soggy_t", "dribble" of "dribble10"
_HANDLE_WORD = re.compile(r"([a-zA-Z]{4,})(?=[_.\d])")
_HANDLE_SHAPE = re.compile(r"[a-zA-Z]{4,}[_.\d][\w.]*")
#: a word alone in brackets ("kashif (squint)"), before "who" ("scared of soggy, who
#: waits"), and the verb after a nickname that follows a verb of saying ("says skip
#: stands", "that skip was sitting", "how slouch walks"; issue 11, heldout15 class)
_ALONE_IN_BRACKETS = re.compile(r"\([ \t]*$")
_CLOSE_BRACKET = re.compile(r"[ \t]*\)")
_WHO_AFTER = re.compile(r",?[ \t]+who\b")
_SAYS_BEFORE = re.compile(r"(?<![\w'’-])(?:says|said|say|that|how|tells|told|cos|because)[ \t]+$")
_FINITE_AFTER = re.compile(
    r"[ \t]+[\"“'‘]?(?:was|is|has|had|will|would|can|could|keeps|kept|never|always|still|"
    r"broke|hit|took|came|went|got|gave|threw|ran|made|sent|left|stole|bit|"
    r"[a-z]{2,}[^s\W]s|[a-z]{3,}ed)\b")
_TO_BEFORE = re.compile(r"(?<![\w'’-])(?:to|with|from|by|about|owes|owed|told|tell|ask|asked|"
                        r"against|scared[ \t]+of|afraid[ \t]+of)[ \t]+$")
_CLAUSE_END = re.compile(r"[ \t]*(?:[.!?;,]|$)", re.MULTILINE)
_POSSESSIVE_AFTER = re.compile(r"['’]s\b")
_AND_NAME_AFTER = re.compile(r"[ \t]+(?:and|&)[ \t]+([a-z]+)\b")


def _nickname_slot(text: str, start: int, end: int, names: set[str] | frozenset[str]) -> bool:
    """Whether a word the family's texts give as a nickname stands where only a person
    does: alone in brackets, before "who", after a verb of saying and before a verb, or
    in "X and <a name of the family's third parties>" ("sneaky and declan were in"); never
    after an article or a possessive ("his blanket and pillow")."""
    prev = _BEFORE_QUOTE.search(text, max(0, start - 30), start)
    if prev is not None and prev.group(1) in _THING_BEFORE:
        return False
    if (_ALONE_IN_BRACKETS.search(text, max(0, start - 4), start)
            and _CLOSE_BRACKET.match(text, end)):
        return True
    if _WHO_AFTER.match(text, end):
        return True
    if (_TO_BEFORE.search(text, max(0, start - 12), start)
            and _CLAUSE_END.match(text, end)):
        return True  # "owes money to ratchet.", "about sleepy." (issue 11, heldout16 class)
    if (_SAYS_BEFORE.search(text, max(0, start - 12), start)
            and _FINITE_AFTER.match(text, end)):
        return True
    after = _AND_NAME_AFTER.match(text, end)
    return after is not None and after.group(1) in names


def _possessive_person(text: str, start: int, end: int) -> bool:
    """A lower-case word with a possessive "'s" and no article or possessive before it
    ("scrap's van was outside", '"gio's friend"'): a person's name, not a thing's."""
    if not _POSSESSIVE_AFTER.match(text, end):
        return False
    prev = _BEFORE_QUOTE.search(text, max(0, start - 30), start)
    return prev is None or prev.group(1) not in _WORD_BEFORE


#: a whole word for the family-wide pass: "Jordan's" is "Jordan", "O'Neill" and "Ellie-May"
#: are one word each
_SPREAD_WORD = regex.compile(r"\w+(?:['’-]\w+)*")


def _name_hits(text: str, singles: set[str], fulls: set[tuple[str, str]],
               ) -> list[tuple[int, int]]:
    """Where the text names a first name and surname together (`fulls`, with spaces
    between) or one of `singles`, any case, as whole words: "Jordan's" and a name in quotes
    ("'lil ace'") count, the "Neill" of "O'Neill" does not. Scans words instead of compiling a
    pattern per family (a large alternation cost milliseconds to compile)."""
    words = []
    for m in _SPREAD_WORD.finditer(text):
        start, end = m.span()
        folded = m.group().casefold().replace("’", "'")
        if folded.endswith("'s"):
            folded, end = folded[:-2], end - 2
        words.append((start, end, folded))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        start, end, word = words[i]
        if i + 1 < len(words):
            nxt = words[i + 1]
            if ((word, nxt[2]) in fulls and text[end:nxt[0]].strip(" \t") == ""
                    and end < nxt[0] and "\n" not in text[end:nxt[0]]):
                out.append((start, nxt[1]))
                i += 2
                continue
        if word in singles:
            out.append((start, end))
        i += 1
    return out


def _lower_sentence_start(text: str, start: int) -> bool:
    """The word at `start` opens a sentence after a full stop or a line ("... protective.
    jade not known."): not the start of the text, which a note in lower case begins with."""
    before = text[max(0, start - 3):start]
    return before.endswith(("\n", ". ", "! ", "? ")) and start > 2


def _lower_case_note(text: str, skip: list[tuple[int, int]] | None = None) -> bool:
    """A note written (almost) without capitals: under 3% of its words capitalised (not
    counting the words inside `skip`, spans already found)."""
    words = [m.group() for m in _WORD.finditer(text)
             if not skip or not any(a <= m.start() < b for a, b in skip)]
    if len(words) < 8:
        return False
    return sum(w[:1].isupper() for w in words) < 0.03 * len(words)
