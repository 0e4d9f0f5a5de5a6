"""Accounts: password policy, argon2id hashes, lock-out, reset, and `casebundle users`."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.web.users import MAX_FAILURES, UserError, UserStore, password_problems
from pipeline.meeting import SAMPLE_MEETING
from tests.flows.web.conftest import fast_hasher

runner = CliRunner()
GOOD = "amber kettle orchard"


@pytest.fixture
def store(tmp_path):
    return UserStore(tmp_path / "state", hasher=fast_hasher())


@pytest.mark.parametrize("password,problem", [
    ("amber kettle orchard", None),
    ("correct-horse-9", None),
    ("short pass", "at least 12 characters"),
    ("jsmith is my password", "do not include the user name"),
    ("Password1234", "commonly used"),
    ("qwerty123456", "commonly used"),
    ("aaaaaaaaaaaaaaaa", "more than three different characters"),
    ("x" * 129, "at most 128"),
], ids=["three-words", "phrase-digit", "short", "username", "common", "common-2", "one-char",
        "too-long"])
def test_password_policy(password, problem):
    problems = password_problems(password, "jsmith")
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_add_stores_an_argon2id_hash_owner_only(tmp_path):
    store = UserStore(tmp_path / "state")  # the production hasher
    store.add("jsmith", "coordinator", GOOD)
    raw = (tmp_path / "state" / "users.json").read_text()
    assert GOOD not in raw
    digest = json.loads(raw)["users"]["jsmith"]["password_hash"]
    assert digest.startswith("$argon2id$")
    assert stat.S_IMODE((tmp_path / "state" / "users.json").stat().st_mode) == 0o600
    assert store.authenticate("jsmith", GOOD).user is not None
    assert store.authenticate("jsmith", GOOD + "x").user is None


@pytest.mark.parametrize("kwargs,message", [
    ({"username": "J Smith"}, "is not allowed"),
    ({"role": "chair"}, "role 'chair' is not known"),
    ({"role": "agency_reviewer"}, "needs --agency"),
    ({"role": "agency_reviewer", "agency": "Police!"}, "needs --agency"),
    ({"agency": "police"}, "only for agency reviewers"),
    ({"password": "short"}, "at least 12 characters"),
], ids=["bad-name", "bad-role", "reviewer-no-agency", "bad-agency", "agency-for-coordinator",
        "weak-password"])
def test_add_refuses(store, kwargs, message):
    args = {"username": "jsmith", "role": "coordinator", "password": GOOD, **kwargs}
    with pytest.raises(UserError, match=message):
        store.add(args["username"], args["role"], args["password"], agency=args.get("agency"))
    assert store.all() == []


def test_duplicate_and_unknown_users(store):
    store.add("jsmith", "coordinator", GOOD)
    with pytest.raises(UserError, match="exists already"):
        store.add("jsmith", "governance_lead", GOOD)
    with pytest.raises(UserError, match="there is no user"):
        store.remove("nobody")
    with pytest.raises(UserError, match="there is no user"):
        store.set_password("nobody", GOOD)


def test_five_wrong_passwords_lock_the_account(store):
    store.add("jsmith", "coordinator", GOOD)
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for n in range(1, MAX_FAILURES):
        result = store.authenticate("jsmith", f"wrong guess {n}", now)
        assert result.user is None and not result.locked
        assert store.get("jsmith").failed_attempts == n
    fifth = store.authenticate("jsmith", "wrong guess 5", now)
    assert fifth.locked and fifth.locked_until == now + timedelta(minutes=15)
    # the right password is refused while locked
    assert store.authenticate("jsmith", GOOD, now + timedelta(minutes=14)).locked
    # and accepted once the lock has run out; the count starts again
    after = store.authenticate("jsmith", GOOD, now + timedelta(minutes=16))
    assert after.user is not None and after.user.failed_attempts == 0


def test_success_resets_the_failure_count(store):
    store.add("jsmith", "coordinator", GOOD)
    for _ in range(MAX_FAILURES - 1):
        store.authenticate("jsmith", "not the password")
    assert store.authenticate("jsmith", GOOD).user is not None
    assert not store.authenticate("jsmith", "not the password").locked  # 1 of 5 again


def test_reset_lifts_the_lock_and_ends_sessions(store):
    user = store.add("jsmith", "coordinator", GOOD)
    for _ in range(MAX_FAILURES):
        store.authenticate("jsmith", "not the password")
    assert store.get("jsmith").locked(datetime.now(UTC))
    after = store.set_password("jsmith", "velvet harbour lantern")
    assert not after.locked(datetime.now(UTC))
    assert after.session_version == user.session_version + 1
    assert store.authenticate("jsmith", "velvet harbour lantern").user is not None
    assert store.authenticate("jsmith", GOOD).user is None


def test_unknown_names_answer_like_real_ones(store):
    """No account enumeration: an unknown name also 'locks' after five tries."""
    results = [store.authenticate("ghost", "whatever it is") for _ in range(MAX_FAILURES)]
    assert [r.locked for r in results] == [False] * (MAX_FAILURES - 1) + [True]
    assert not (store.path.exists() and "ghost" in store.path.read_text())


def test_corrupt_users_file_is_refused_with_a_fix(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    with pytest.raises(UserError, match="restore it from backup"):
        store.all()


# --- casebundle users ------------------------------------------------------------------------

def cli(state, *args, password: str | None = None):
    return runner.invoke(app, ["users", *args, "--state", str(state)],
                         input=None if password is None else password + "\n")


def test_cli_add_list_reset_remove(tmp_path):
    state = tmp_path / "state"
    r = cli(state, "add", "pc.jones", "--role", "agency_reviewer", "--agency", "police",
            "--meeting", str(SAMPLE_MEETING), "--password-stdin", password=GOOD)
    assert r.exit_code == 0, r.output
    assert "Added pc.jones: Agency reviewer (police)." in r.output
    listed = runner.invoke(app, ["users", "list", "--state", str(state)],
                           env={"COLUMNS": "200"})
    assert "pc.jones" in listed.output and "police" in listed.output
    store = UserStore(state)
    r = cli(state, "reset", "pc.jones", "--password-stdin", password="velvet harbour lantern")
    assert r.exit_code == 0, r.output
    assert "any lock-out is lifted" in r.output
    reset_user = store.get("pc.jones")
    assert reset_user is not None and reset_user.session_version == 2
    assert store.authenticate("pc.jones", "velvet harbour lantern").user is not None
    r = cli(state, "remove", "pc.jones")
    assert r.exit_code == 0 and store.get("pc.jones") is None


def test_cli_prompts_twice_and_refuses_a_mismatch(tmp_path):
    r = runner.invoke(app, ["users", "add", "jsmith", "--role", "coordinator", "--state",
                            str(tmp_path)], input=f"{GOOD}\n{GOOD}!\n")
    assert r.exit_code == 2 and "the two passwords differ" in r.output
    assert GOOD not in r.output  # hidden input is never echoed


@pytest.mark.parametrize("args,message", [
    (["add", "x1", "--role", "chair"], "role 'chair' is not known"),
    (["add", "x1", "--role", "agency_reviewer", "--agency", "fire", "--meeting",
      str(SAMPLE_MEETING)], "agency 'fire' is not in"),
    (["add", "x1", "--role", "coordinator"], "at least 12 characters"),
    (["remove", "nobody"], "there is no user nobody"),
], ids=["role", "agency-not-in-meeting", "weak", "remove-unknown"])
def test_cli_refuses(tmp_path, args, message):
    r = cli(tmp_path, *args, "--password-stdin", password="short") if args[0] == "add" \
        else cli(tmp_path, *args)
    assert r.exit_code == 2
    assert message in " ".join(r.output.split())


def test_concurrent_failures_are_all_counted(store):
    """Sign-ins check the hash outside the file lock; every failure still counts."""
    from concurrent.futures import ThreadPoolExecutor

    store.add("jsmith", "coordinator", GOOD)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: store.authenticate("jsmith", f"wrong {n}"),
                                range(MAX_FAILURES)))
    assert sum(r.locked for r in results) == 1  # exactly the fifth failure locks it
    assert store.get("jsmith").locked(datetime.now(UTC))
