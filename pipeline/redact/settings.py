"""The redaction rules (redaction_rules/redaction.yaml), validated on load.

Presidio silently falls back to its defaults when a recognizer YAML is malformed; we refuse
to run instead. Every problem is reported as ConfigError naming the file, the rule and the fix,
before any text is analysed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, Field, field_validator, model_validator

from pipeline.errors import ConfigError
from pipeline.models import FROZEN, MeetingType
from pipeline.rules_file import RULES_DIR, load_model

#: The default rules file.
DEFAULT_RULES = RULES_DIR / "redaction.yaml"

#: Recognizers written for casebundle (pipeline/redact/recognizers/, one per file),
#: selectable by name in YAML.
CASEBUNDLE_RECOGNIZERS = (
    "LenientNhsRecognizer",
    "OfflineEmailRecognizer",
    "UkUpnRecognizer",
    "ScottishChiRecognizer",
    "UkAddressRecognizer",
    "ContextNameRecognizer",
    "PhoneShapeRecognizer",
)


class NlpSettings(BaseModel):
    """Which spaCy model runs NER, and which of its pipes to leave out."""

    model_config = FROZEN

    engine: Literal["spacy"] = "spacy"
    model: str = Field(min_length=1)
    language: Literal["en"] = "en"
    #: spaCy pipes not loaded at all (only NER is needed; the parser is the slowest pipe)
    exclude_pipes: tuple[str, ...] = ()
    batch_size: int = Field(default=64, ge=1, le=10_000)
    #: raise scores for context words near a match (Presidio's lemma enhancer); costs ~15%
    #: of the run and no rule here needs it to pass its threshold
    context_enhancement: bool = False
    #: spaCy label -> Presidio entity; labels not listed are ignored
    entity_mapping: dict[str, str] = Field(min_length=1)
    ner_score: float = Field(default=0.85, gt=0, le=1)


class PatternRule(BaseModel):
    """One regex of a pattern recognizer (Presidio's Pattern)."""

    model_config = FROZEN

    name: str = Field(min_length=1)
    regex: str = Field(min_length=1)
    score: float = Field(gt=0, le=1)
    #: a regex that finds something in every text `regex` matches in (a part of it that no
    #: alternative can do without, e.g. the year of a date): a text where it finds nothing
    #: is not searched with `regex`, which saves time and changes no result. Keep it a plain
    #: literal or class: it runs without Presidio's regex timeout
    needs: str | None = Field(default=None, min_length=1)

    @field_validator("regex", "needs")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            regex.compile(v)
        except regex.error as exc:
            raise ValueError(f"regex does not compile ({exc})") from None
        return v


class RecognizerRule(BaseModel):
    """One recognizer: a Presidio predefined class, a casebundle class, or YAML patterns."""

    model_config = FROZEN

    name: str = Field(min_length=1)
    type: Literal["predefined", "casebundle", "pattern"]
    enabled: bool = True
    #: Python class for predefined/casebundle recognizers (defaults to `name`)
    class_name: str | None = None
    #: the entity a pattern recognizer emits (predefined ones declare their own)
    entity: str | None = None
    patterns: tuple[PatternRule, ...] = ()
    #: words near a match that raise its score (Presidio context enhancement)
    context: tuple[str, ...] | None = None
    #: match letters exactly as written (Presidio's default is case-insensitive)
    case_sensitive: bool = False

    @model_validator(mode="after")
    def _shape(self) -> RecognizerRule:
        if self.type == "pattern":
            if not self.entity:
                raise ValueError("a pattern recognizer needs 'entity'")
            if not self.patterns:
                raise ValueError("a pattern recognizer needs at least one pattern")
        elif self.patterns:
            raise ValueError(f"'patterns' is only allowed for type 'pattern', not {self.type!r}")
        if self.type == "casebundle" and self.python_class not in CASEBUNDLE_RECOGNIZERS:
            raise ValueError(
                f"unknown casebundle recognizer {self.python_class!r}; "
                f"choose from {', '.join(CASEBUNDLE_RECOGNIZERS)}"
            )
        return self

    @property
    def python_class(self) -> str:
        return self.class_name or self.name


class NameRules(BaseModel):
    """Word lists for finding people's names and for normalising them."""

    model_config = FROZEN

    #: first-names gazetteer, one name a line, relative to the rules file
    first_names_file: str = Field(min_length=1)
    #: stripped from a name before comparing it with the kept names ("Mrs", "PC")
    titles: tuple[str, ...] = Field(min_length=1)
    #: words that name a role, never a person ("Mum", "social worker", "Nan")
    role_words: tuple[str, ...] = ()
    #: words that label an identifier, never part of a name ("Postcode", "Email", "Car")
    label_words: tuple[str, ...] = ()
    #: words that introduce a name ("her friend X", "neighbour X")
    relation_words: tuple[str, ...] = ()
    #: words after which even a lower-case word is a name ("a boy called jake")
    naming_words: tuple[str, ...] = ()
    #: verbs after an ALL-CAPS surname in police style ("SMITH stated")
    caps_verbs: tuple[str, ...] = ()
    #: ALL-CAPS words that are never surnames (agencies, abbreviations)
    acronyms: tuple[str, ...] = ()
    #: first names that are also common words (Rose, Mark, Will): names only in context
    word_names: tuple[str, ...] = ()
    #: words that are never names even when capitalised (weekdays, months, places of work)
    not_names: tuple[str, ...] = ()
    #: word-names never taken as a name on their own mid-sentence ("in May", "Summer term")
    not_alone: tuple[str, ...] = ()
    #: verbs of speech after which a lower-case first name may follow ("says will keeps ...")
    speech_verbs: tuple[str, ...] = ()
    #: verb forms that make the word before them a subject ("will keeps", "bill threatened");
    #: any lower-case word ending in -ed counts too
    subject_verbs: tuple[str, ...] = ()
    #: other words after a subject that a modal verb cannot take ("summer not", "dean next")
    subject_followers: tuple[str, ...] = ()
    #: word-names that are also modal verbs ("will", "may"): names only before a subject verb
    modal_names: tuple[str, ...] = ()
    #: role abbreviations written before a name like a title ("SW Jo Bell", "DSL Amy Lee")
    role_titles: tuple[str, ...] = ()
    #: lower-case particles inside a surname ("ap Rhys", "van Dijk", "de la Cruz")
    particles: tuple[str, ...] = ()
    #: labels followed by a list of names (minutes, e-mail headers, sign-offs)
    list_labels: tuple[str, ...] = ()
    #: animals: a name after these is a pet's ("a dog called Max")
    pet_words: tuple[str, ...] = ()
    #: towns and cities: a lone one after "in/to/from/at" is a place, not a person
    places: tuple[str, ...] = ()
    #: shops and other organisations that look like names ("Sainsbury's", "Morrisons")
    organisations: tuple[str, ...] = ()
    #: nouns after a name that make it an organisation ("Golden Dragon takeaway")
    org_words: tuple[str, ...] = ()


class AddressRules(BaseModel):
    """Word lists for street addresses."""

    model_config = FROZEN

    street_suffixes: tuple[str, ...] = Field(min_length=1)
    building_prefixes: tuple[str, ...] = Field(min_length=1)
    #: suffixes that make a capitalised name an address even without a house number
    #: ("Tamarisk Court"); a subset of street_suffixes
    bare_street_suffixes: tuple[str, ...] = ()
    #: names with a street suffix that are not streets ("Crown Court", "Police Station")
    not_streets: tuple[str, ...] = ()
    #: words that start a street name (Welsh "Heol", "Ffordd", "Stryd")
    street_prefixes: tuple[str, ...] = ()
    #: last words of a house or building name ("Ivy Cottage", "Windrush House")
    building_words: tuple[str, ...] = ()
    #: first words of a (Welsh) house name ("Ty Gwyn", "Bryn Teg")
    house_prefixes: tuple[str, ...] = ()
    #: last words of a dwelling's name that is an address on its own, without a street or
    #: postcode after it ("at Rose Cottage"); never surnames
    dwelling_words: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _bare_subset(self) -> AddressRules:
        extra = sorted(set(self.bare_street_suffixes) - set(self.street_suffixes))
        if extra:
            raise ValueError(f"bare_street_suffixes must also be street_suffixes "
                             f"({', '.join(extra)})")
        return self


class DenyRules(BaseModel):
    """Deny by default (docs/redaction.md): a word that could identify a person and that the
    engine cannot explain is removed and marked unsure for a human check."""

    model_config = FROZEN

    enabled: bool = True
    #: a word at least this frequent in English (wordfreq zipf) is ordinary vocabulary,
    #: unless it is also a first name or a surname
    ordinary_zipf: float = Field(default=3.5, ge=0, le=8)
    #: a name that is also a word this frequent ("Will", "Faith", "Green") needs context
    #: at the start of a sentence; a rarer one ("Nell", "Becker") is a name there too
    word_name_zipf: float = Field(default=4.0, ge=0, le=8)
    #: a lower-case word rarer than this is out of vocabulary, so a suspect ("ubul")
    lower_oov_zipf: float = Field(default=1.5, ge=0, le=8)
    #: in a note written all in lower case, a word rarer than this that no dictionary knows
    #: is a suspect too ("ms kettering", "gav turned up"): names have no capitals to show
    lower_note_oov_zipf: float = Field(default=3.0, ge=0, le=8)
    #: a quoted lower-case word at a sentence end or before a bracket, after a preposition a
    #: person takes ("holding for 'peanut'."), is a nickname when rarer than this; a more
    #: frequent one is the writer's scare quotes ("kept for 'safety'.")
    quoted_nickname_zipf: float = Field(default=4.5, ge=0, le=8)
    #: wordfreq list: "large" (321k English words) or "best"
    wordlist: Literal["large", "best"] = "large"
    #: names (surnames, first names) that are also frequent words, relative to the rules file
    name_words_file: str = Field(default="name_words.txt", min_length=1)
    #: places, services, organisations and agency terms that are never a person; a meeting
    #: config adds its own (`redaction.known_words`: the estate, the shopping parade)
    known_words: tuple[str, ...] = ()
    #: two-letter lower-case abbreviations without a vowel that are not initials ("st", "gp")
    lower_abbreviations: tuple[str, ...] = ()
    #: gazetteer first names that are ordinary words in lower case ("urban", "charity")
    lower_ordinary: tuple[str, ...] = ()
    #: after a name that is also a word, at the start of a sentence, these next words make it
    #: the ordinary word ("Will you", "Hope this helps", "Faith groups")
    word_name_ordinary_next: tuple[str, ...] = ()
    #: a capitalised run ending in one of these is an organisation, service or place
    #: ("Youth Offending Team", "Brackenford Academy")
    org_last_words: tuple[str, ...] = ()
    #: phrases that are never a person, explained where the whole phrase is written
    #: ("Team Around the Family", "Ellesmere Port"); filled from the vocabulary file
    known_phrases: tuple[str, ...] = ()
    #: short forms written in notes ("veh", "susp", "rcvd", "dont"): explained in lower
    #: case, and capitalised unless the word is also a name; from the vocabulary file
    abbreviations: tuple[str, ...] = ()
    #: English dictionaries (the `english-words` package) that vouch for a rare word as
    #: ordinary vocabulary at the start of a sentence, in capitals or in lower case, when
    #: it is not a name ("Tenancy visit", "INTOXICATED", "centile"); empty: none
    dictionaries: tuple[Literal["web2", "gcide"], ...] = ("web2", "gcide")
    #: at the start of a sentence (or a heading), a word that is in a dictionary, is not a
    #: name and is at least this frequent is ordinary ("Arrears", "Triage")
    dictionary_zipf: float = Field(default=0.0, ge=0, le=8)


def _single_words(v: tuple[str, ...]) -> tuple[str, ...]:
    bad = [w for w in v if not w.strip() or "\n" in w or w != w.strip()]
    if bad:
        raise ValueError(f"entries must be non-empty words or phrases on one line ({bad[:3]})")
    return v


class VocabularyFile(BaseModel):
    """Domain vocabulary (redaction_rules/vocabulary.yaml): words of the agencies' trade,
    services, places, languages, titles and kinship words that are never a person.

    Merged into the redaction rules on load: `acronyms` into names.acronyms, `titles` into
    names.role_titles, `kinship` into names.role_words, `places` into names.places, and the
    rest into deny.known_words (single words) and deny.known_phrases (phrases)."""

    model_config = FROZEN

    version: Literal[1]
    #: words agencies write, by who writes them (police, health, housing, ...)
    agency_terms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    acronyms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    kinship: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()

    @field_validator("acronyms", "abbreviations", "services", "titles", "kinship", "places",
                     "languages", "vehicles")
    @classmethod
    def _words(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _single_words(v)

    @field_validator("agency_terms")
    @classmethod
    def _terms(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for words in v.values():
            _single_words(words)
        return v

    @field_validator("acronyms", "titles", "kinship", "abbreviations")
    @classmethod
    def _no_phrases(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [w for w in v if " " in w]
        if bad:
            raise ValueError(f"single words only here, not phrases ({bad[:3]})")
        return v

    def explained(self) -> tuple[str, ...]:
        """Every entry that is explained as a thing, not a person (single words and
        phrases): agency terms, services, languages and vehicles."""
        terms = [w for words in self.agency_terms.values() for w in words]
        return tuple(dict.fromkeys((*terms, *self.services, *self.languages, *self.vehicles)))


class PseudonymRules(BaseModel):
    """How third parties are named in the bundle."""

    model_config = FROZEN

    linked: str = "[Third party {letter}]"
    per_agency: str = "[Third party {agency}-{letter}]"

    @model_validator(mode="after")
    def _fields(self) -> PseudonymRules:
        if "{letter}" not in self.linked or "{letter}" not in self.per_agency:
            raise ValueError("both pseudonym formats must contain {letter}")
        if "{agency}" not in self.per_agency:
            raise ValueError("the per_agency pseudonym format must contain {agency}")
        for fmt in (self.linked, self.per_agency):
            try:
                fmt.format(letter="A", agency="x")
            except (KeyError, IndexError, ValueError):
                raise ValueError(
                    f"pseudonym format {fmt!r} may only use {{letter}} and {{agency}}"
                ) from None
        return self


class MeetingTypeRules(BaseModel):
    model_config = FROZEN

    #: one pseudonym per person across agencies (False: per agency; guidance 3.50)
    link_across_agencies: bool


class RedactionSettings(BaseModel):
    """The whole redaction config."""

    model_config = FROZEN

    version: Literal[1]
    nlp: NlpSettings
    default_score_threshold: float = Field(ge=0, le=1)
    score_thresholds: dict[str, float] = Field(default_factory=dict)
    recognizers: tuple[RecognizerRule, ...] = Field(min_length=1)
    #: entity -> placeholder written in place of the value (Presidio "replace" operator)
    placeholders: dict[str, str] = Field(min_length=1)
    #: the entity treated as a person's name (kept or pseudonymised, never a placeholder)
    person_entity: str = "PERSON"
    names: NameRules
    address: AddressRules
    deny: DenyRules = DenyRules()
    pseudonyms: PseudonymRules = PseudonymRules()
    meeting_types: dict[MeetingType, MeetingTypeRules]
    #: worker processes for Redactor.redact_families (capped at the cores available);
    #: 1 redacts in the calling process. Each worker holds its own copy of the engine.
    processes: int = Field(default=1, ge=1, le=64)
    #: the domain vocabulary file (VocabularyFile), relative to the rules file; None: none
    vocabulary_file: str | None = Field(default=None, min_length=1)

    @field_validator("score_thresholds")
    @classmethod
    def _thresholds(cls, v: dict[str, float]) -> dict[str, float]:
        bad = sorted(k for k, s in v.items() if not 0 <= s <= 1)
        if bad:
            raise ValueError(f"thresholds must be between 0 and 1 (check {', '.join(bad)})")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> RedactionSettings:
        names = [r.name for r in self.recognizers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"recognizer names must be unique ({', '.join(dupes)})")
        missing = sorted(
            {r.entity for r in self.recognizers if r.entity and r.enabled}
            - set(self.placeholders)
            - {self.person_entity}
        )
        if missing:
            raise ValueError(f"no placeholder for entity {', '.join(missing)}")
        absent = sorted({"jag", "mash", "marac"} - set(self.meeting_types))
        if absent:
            raise ValueError(f"meeting_types must cover {', '.join(absent)}")
        return self

    def threshold(self, entity: str) -> float:
        return self.score_thresholds.get(entity, self.default_score_threshold)


def link_across_agencies(settings: RedactionSettings, rules_path: Path,
                         meeting_type: str) -> bool:
    """Whether one pseudonym covers a person across agencies for this meeting type."""
    rules = settings.meeting_types.get(meeting_type)  # type: ignore[call-overload]
    if rules is None:
        raise ConfigError(str(rules_path),
                          f"meeting_types has no entry for {meeting_type!r}.",
                          "add it with link_across_agencies: true or false.")
    return bool(rules.link_across_agencies)


def check_model_installed(model: str, path: Path) -> None:
    """Refuse a spaCy model that is not installed (Presidio would download it at run time)."""
    import spacy.util  # here, not at the top: the flow's own process never loads spaCy

    try:
        found = importlib.util.find_spec(model) is not None and spacy.util.is_package(model)
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ConfigError(
            str(path),
            f"nlp.model: spaCy model {model!r} is not installed.",
            f"install the model package into the virtualenv (pip install {model}) "
            "or name an installed model; casebundle never downloads models at run time.",
        )


def load_settings(path: Path | None = None) -> RedactionSettings:
    """Load and validate the redaction rules; raise ConfigError naming the problem."""
    p = Path(path) if path is not None else DEFAULT_RULES
    settings = load_model(
        p, RedactionSettings, what="redaction rules",
        fix="see docs/redaction.md (config reference).",
        not_mapping=("the redaction rules must be a YAML mapping.",
                     "see docs/redaction.md for the layout."),
    )
    gazetteer = first_names_path(settings, p)
    if not gazetteer.is_file():
        raise ConfigError(str(p), f"names.first_names_file: {gazetteer.name} not found.",
                          "point it at a file next to the rules file.")
    name_words = name_words_path(settings, p)
    if settings.deny.enabled and not name_words.is_file():
        raise ConfigError(str(p), f"deny.name_words_file: {name_words.name} not found.",
                          "point it at a file next to the rules file.")
    if settings.vocabulary_file is not None:
        settings = with_vocabulary(settings, load_vocabulary(vocabulary_path(settings, p)))
    check_model_installed(settings.nlp.model, p)
    return settings


def load_vocabulary(path: Path) -> VocabularyFile:
    """Load and validate the domain vocabulary file; raise ConfigError naming the problem."""
    return load_model(
        path, VocabularyFile, what="redaction vocabulary",
        fix="see the comments at the top of redaction_rules/vocabulary.yaml.",
        not_mapping=("the vocabulary must be a YAML mapping.",
                     "see redaction_rules/vocabulary.yaml for the layout."),
    )


def with_vocabulary(settings: RedactionSettings, vocab: VocabularyFile) -> RedactionSettings:
    """The rules with the vocabulary merged into their word lists (order kept, no
    duplicates)."""
    def merged(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*old, *new)))

    names, deny = settings.names, settings.deny
    explained = vocab.explained()
    words = tuple(w for w in explained if " " not in w)
    phrases = tuple(w for w in (*explained, *vocab.places) if " " in w)
    places = tuple(w for w in vocab.places if " " not in w)
    names = names.model_copy(update={
        "acronyms": merged(names.acronyms, vocab.acronyms),
        "role_titles": merged(names.role_titles, vocab.titles),
        "role_words": merged(names.role_words, vocab.kinship),
        "places": merged(names.places, places),
    })
    deny = deny.model_copy(update={
        "known_words": merged(deny.known_words, words),
        "known_phrases": merged(deny.known_phrases, phrases),
        "abbreviations": merged(deny.abbreviations, vocab.abbreviations),
    })
    return settings.model_copy(update={"names": names, "deny": deny})


def vocabulary_path(settings: RedactionSettings, rules_path: Path) -> Path:
    assert settings.vocabulary_file is not None
    return (rules_path.parent / settings.vocabulary_file).resolve()


def name_words_path(settings: RedactionSettings, rules_path: Path) -> Path:
    return (rules_path.parent / settings.deny.name_words_file).resolve()


def first_names_path(settings: RedactionSettings, rules_path: Path) -> Path:
    return (rules_path.parent / settings.names.first_names_file).resolve()
