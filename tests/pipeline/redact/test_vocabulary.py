"""The domain vocabulary (redaction_rules/vocabulary.yaml) and what counts as ordinary
English (pipeline/redact/vocabulary.py): the lists are validated on load, never explain a
name, and the dictionary vouches only for words that are not names (issue 11, second pass)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.redact import load_redactor
from pipeline.redact.names import read_first_names
from pipeline.redact.settings import (
    DEFAULT_RULES,
    RULES_DIR,
    load_settings,
    load_vocabulary,
)
from pipeline.redact.vocabulary import read_word_file, stems

VOCABULARY = RULES_DIR / "vocabulary.yaml"


@pytest.fixture(scope="module")
def vocab():
    redactor = load_redactor()
    assert redactor._deny is not None
    return redactor._deny.vocab


@pytest.fixture(scope="module")
def names() -> frozenset[str]:
    settings = load_settings()
    return (read_first_names(settings, DEFAULT_RULES)
            | read_word_file(str(RULES_DIR / "name_words.txt")))


def test_vocabulary_is_merged_into_the_rules_on_load():
    settings = load_settings()
    assert "RoSH" in settings.names.acronyms and "YJ" in settings.names.acronyms
    assert "Imam" in settings.names.role_titles
    assert "ayeeyo" in settings.names.role_words and "mam" in settings.names.role_words
    assert "Runcorn" in settings.names.places
    assert "centile" in settings.deny.known_words and "Corsa" in settings.deny.known_words
    assert "Team Around the Family" in settings.deny.known_phrases
    assert "Ellesmere Port" in settings.deny.known_phrases
    assert "veh" in settings.deny.abbreviations


def test_no_explained_word_is_a_name(names):
    """An explained word is kept even where it is someone's name, so the lists hold none:
    not "Mercedes" among the vehicles, nor "Costa" among the shops."""
    vocab = load_vocabulary(VOCABULARY)
    words = [w for w in (*vocab.explained(), *vocab.kinship) if " " not in w]
    clashes = sorted(w for w in words if w.casefold() in names)
    assert not clashes, clashes


@pytest.mark.parametrize(("change", "message"), [
    ({"acronyms": ["Front Door"]}, "single words only here"),
    ({"colours": ["red"]}, "colours"),
    ({"version": 2}, "version"),
    ({"services": [""]}, "non-empty"),
])
def test_a_broken_vocabulary_is_refused_naming_the_file(tmp_path: Path,
                                                          change: dict[str, Any], message: str):
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    data.update(change)
    bad = tmp_path / "vocabulary.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_vocabulary(bad)
    assert message in str(err.value) and "vocabulary.yaml" in str(err.value)


def test_a_missing_vocabulary_file_stops_the_rules_loading(tmp_path: Path):
    rules = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules["names"]["first_names_file"] = str(RULES_DIR / "first_names.txt")
    rules["deny"]["name_words_file"] = str(RULES_DIR / "name_words.txt")
    rules["vocabulary_file"] = "nowhere.yaml"
    path = tmp_path / "redaction.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "nowhere.yaml" in str(err.value)


@pytest.mark.parametrize(("word", "form"), [
    ("smokes", "smoke"), ("flagged", "flag"), ("scarring", "scar"), ("truanting", "truant"),
    ("nominals", "nominal"), ("paediatric", "pediatric"), ("behaviour", "behavior"),
    ("arrears", "arrear"), ("signposted", "signpost"),
])
def test_stems_give_the_dictionary_form(word: str, form: str):
    assert form in stems(word)


@pytest.mark.parametrize(("word", "ordinary"), [
    # rare words the dictionary vouches for
    ("tenancy", True), ("arrears", True), ("triage", True), ("centile", True),
    ("truanting", True), ("petechiae", True), ("brother-in-law", True), ("paediatric", True),
    # names that are also dictionary words are not vouched for
    ("sawyer", False), ("gaunt", False), ("heron", False), ("becker", False),
    # not in the dictionary: names and made-up words
    ("okafor", False), ("ubul", False), ("oduya", False),
    # frequent words are judged by frequency, not by the dictionary
    ("house", False),
])
def test_dictionary_words_that_are_not_names(vocab, word: str, ordinary: bool):
    assert vocab.dictionary_word(word) is ordinary


def test_a_rare_dictionary_word_before_a_verb_at_a_sentence_start_is_a_name():
    """"kobi" is an old dictionary entry and not on the name lists: at the start of a
    sentence the dictionary vouches for it only when what follows is not how a name goes on."""
    from pipeline.redact import FamilyText, RedactionInput

    redactor = load_redactor()
    text = "Kobi said he was there. Tenancy visit today. Remorseful."
    out = redactor.redact_family(FamilyText(
        family_ref="F", keep_names=(), link_across_agencies=True,
        items=(RedactionInput(key="k", item_id="i", agency="police", text=text),)))
    redacted = out.texts["k"].text
    assert redacted is not None
    assert "Kobi" not in redacted
    assert "Tenancy visit" in redacted and "Remorseful." in redacted
