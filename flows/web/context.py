"""What every request of the web app works with: its settings and the loaded rules."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from flows.web.runner import RunLauncher
from flows.web.sessions import SessionStore
from flows.web.users import UserStore
from pipeline.audit import AuditSettings
from pipeline.meeting import MeetingConfig, load_meeting
from pipeline.policy import PolicyRules, load_policy

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class WebConfig:
    """How `casebundle web` was started."""

    meeting_path: Path
    inbox: Path
    out: Path
    state: Path
    audit: AuditSettings
    #: Host header values accepted (DNS-rebinding guard); loopback names are always allowed
    allowed_hosts: tuple[str, ...] = ()
    idle_minutes: int = 30
    absolute_hours: int = 12
    #: the command a "Start a run" button runs; default: this Python's `casebundle run`
    run_argv: tuple[str, ...] | None = None

    def default_run_argv(self) -> tuple[str, ...]:
        return (sys.executable, "-m", "flows.cli", "run", "--meeting", str(self.meeting_path),
                "--inbox", str(self.inbox), "--out", str(self.out), "--state", str(self.state))


@dataclass
class WebContext:
    """Loaded once at start-up; request handlers read outputs and stores afresh each time."""

    config: WebConfig
    meeting: MeetingConfig
    policy: PolicyRules
    users: UserStore
    sessions: SessionStore
    launcher: RunLauncher
    hosts: tuple[str, ...] = field(default=())

    @property
    def meeting_id(self) -> str:
        return self.meeting.meeting.id

    @classmethod
    def build(cls, config: WebConfig, users: UserStore | None = None,
              run_env: dict[str, str] | None = None) -> WebContext:
        """Load and check the meeting config and policy rules (ConfigError if bad)."""
        meeting = load_meeting(config.meeting_path)
        if run_env is None:  # the run records in the same state folder and audit store
            run_env = dict(os.environ, CASEBUNDLE_STATE_DIR=str(Path(config.state).resolve()),
                           NO_COLOR="1", COLUMNS="100")
        return cls(
            config=config,
            meeting=meeting,
            policy=load_policy(),
            users=users or UserStore(config.state),
            sessions=SessionStore(idle=config.idle_minutes * 60,
                                  absolute=config.absolute_hours * 3600),
            launcher=RunLauncher(config.run_argv or config.default_run_argv(), config.state,
                                 env=run_env),
            hosts=tuple(dict.fromkeys((*LOOPBACK, *config.allowed_hosts))),
        )
