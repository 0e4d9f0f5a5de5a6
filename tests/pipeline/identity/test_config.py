"""identity.yaml and diminutives.yaml are validated on load, naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.identity import load_diminutives, load_identity_settings
from pipeline.identity.diminutives import DIMINUTIVES_PATH
from pipeline.identity.settings import IDENTITY_PATH


def _write(tmp_path: Path, name: str, data: object) -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data), encoding="utf-8")
    return p


def _settings() -> dict:
    return yaml.safe_load(IDENTITY_PATH.read_text(encoding="utf-8"))


def test_shipped_files_load():
    s = load_identity_settings()
    assert s.thresholds.review < s.thresholds.link
    d = load_diminutives()
    for a, b in [("kaz", "karen"), ("bex", "rebecca"), ("tony", "anthony"), ("gaz", "gary"),
                 ("lee", "leigh"), ("ant", "tony"), ("bill", "william")]:
        assert d.equivalent(a, b) and d.equivalent(b, a), (a, b)
    for a, b in [("tony", "tom"), ("kerry", "karen"), ("dean", "denise"), ("rob", "will")]:
        assert not d.equivalent(a, b), (a, b)


def _broken(mutate):
    data = _settings()
    mutate(data)
    return data


@pytest.mark.parametrize("data,message", [
    (_broken(lambda d: d["thresholds"].update(review=10, link=9)),
     "review must be below link"),
    (_broken(lambda d: d["thresholds"].update(link=99)), "above the best possible score"),
    (_broken(lambda d: d["weights"]["dob"].update(missing=0.5, different=0.0)),
     "'different' must be negative"),
    (_broken(lambda d: d["weights"]["forename"].update(nickname=9.0)),
     "'exact' must carry the highest weight"),
    (_broken(lambda d: d["weights"]["surname"].pop("part")), "weights.surname.part"),
    (_broken(lambda d: d["weights"]["role"].update(typo=1)), "weights.role.typo"),
    (_broken(lambda d: d["fuzzy"].update(long_length=3)), "fuzzy"),
], ids=["review>link", "unreachable", "positive-different", "exact-not-top", "missing-level",
        "unknown-level", "fuzzy-lengths"])
def test_bad_identity_settings_are_refused(tmp_path, data, message):
    with pytest.raises(ConfigError) as err:
        load_identity_settings(_write(tmp_path, "identity.yaml", data))
    assert message in str(err.value) and "identity.yaml" in str(err.value)


def _dims() -> dict:
    return yaml.safe_load(DIMINUTIVES_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["diminutives"].update(karen=["Kaz"]), "lower-case letters"),
    (lambda d: d["diminutives"].update(karen=["karen"]), "not its own diminutive"),
    (lambda d: d["diminutives"].update(karen=["kaz", "kaz"]), "listed twice"),
    (lambda d: d["spelling_variants"].append(["lee"]), "two or more different spellings"),
    (lambda d: d["spelling_variants"].append(["leigh", "lee"]), "a group is listed twice"),
], ids=["capitals", "self", "twice", "lonely-group", "group-twice"])
def test_bad_diminutives_are_refused(tmp_path, mutate, message):
    data = _dims()
    mutate(data)
    with pytest.raises(ConfigError) as err:
        load_diminutives(_write(tmp_path, "diminutives.yaml", data))
    assert message in str(err.value)
