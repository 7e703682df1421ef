"""Agents' accounts, passwords and signed-in sessions of the console.

Passwords are hashed with scrypt (memory-hard, in the standard library); a browser holds a random session
token whose SHA-256 is the only thing stored. Repeated wrong passwords lock the account for a while.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import Agent, AgentSession, IdentificationGuard, utc_now

# scrypt cost: 16 MiB of memory per hash (128·r·n bytes), about 50 ms on the 2-core CI machine.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 10


class AccountError(ValueError):
    """An account cannot be created or changed as asked (message in Portuguese, for the operator)."""


def hash_password(password: str) -> str:
    """A self-describing scrypt hash: ``scrypt$n$r$p$salt$key`` (base64)."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024, dklen=32)
    encode = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${encode(salt).decode()}${encode(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password` (constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            maxmem=64 * 1024 * 1024, dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def new_password() -> str:
    """A random password to hand to a new agent (about 95 bits)."""
    return secrets.token_urlsafe(12)


def create_agent(
    login: str,
    name: str,
    password: str,
    inboxes: Sequence[str],
    *,
    session: Session,
    known_inboxes: Iterable[str],
    clinical: bool = False,
    admin: bool = False,
) -> Agent:
    """Create an agent account.

    Args:
        login: Sign-in name (letters, digits, ``.``, ``-``, ``_``).
        name: Name shown to colleagues.
        password: At least :data:`MIN_PASSWORD` characters.
        inboxes: Keys of ``routing/rules.yaml`` the agent works.
        session: Open session (flushed, not committed).
        known_inboxes: The inboxes worked in the console, to check ``inboxes`` against.
        clinical: May see the confidential (clinical) inbox.
        admin: May read the access log.

    Raises:
        AccountError: Bad login, short password, unknown inbox or login already taken.
    """
    login = login.strip().lower()
    if not login or not all(c.isalnum() or c in ".-_" for c in login):
        raise AccountError(f"login inválido: {login!r} (use letras, números, ponto, hífen ou sublinhado)")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a senha precisa de pelo menos {MIN_PASSWORD} caracteres")
    known = set(known_inboxes)
    unknown = [inbox for inbox in inboxes if inbox not in known]
    if unknown or not inboxes:
        raise AccountError(
            f"caixa desconhecida ou não atendida no painel: {', '.join(unknown) or '(nenhuma)'}; "
            f"caixas do painel: {', '.join(sorted(known))}"
        )
    if session.scalar(select(Agent).where(Agent.login == login)) is not None:
        raise AccountError(f"já existe um atendente com o login {login!r}")
    agent = Agent(
        login=login, name=name.strip() or login, password_hash=hash_password(password), inboxes=list(inboxes),
        clinical=clinical, admin=admin, active=True, failed_logins=0,
    )
    session.add(agent)
    session.flush()
    return agent


def set_password(agent: Agent, password: str) -> None:
    """Replace an agent's password and lift any lockout."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a senha precisa de pelo menos {MIN_PASSWORD} caracteres")
    agent.password_hash = hash_password(password)
    agent.failed_logins = 0
    agent.locked_until = None


@dataclass(frozen=True)
class SignIn:
    """Outcome of a sign-in attempt: the agent, or why not (``senha``/``bloqueado``) and until when."""

    agent: Agent | None
    reason: str = ""
    locked_until: datetime | None = None


def authenticate(
    login: str,
    password: str,
    *,
    session: Session,
    max_failures: int,
    lockout: timedelta,
    now: datetime | None = None,
) -> SignIn:
    """Check a login and password, counting failures and locking the account after ``max_failures``.

    An unknown login costs the same hash as a known one and reads the same, so the form does not tell
    which logins exist.
    """
    now = now or utc_now()
    agent = session.scalar(select(Agent).where(Agent.login == login.strip().lower(), Agent.active.is_(True)))
    if agent is None:
        verify_password(password, hash_password("x" * MIN_PASSWORD))
        return _login_desconhecido(login, session=session, now=now, max_failures=max_failures, lockout=lockout)
    if agent.locked_until is not None and _utc(agent.locked_until) > now:
        return SignIn(None, "bloqueado", agent.locked_until)
    if not verify_password(password, agent.password_hash):
        agent.failed_logins += 1
        if agent.failed_logins >= max_failures:
            agent.failed_logins = 0
            agent.locked_until = now + lockout
            return SignIn(None, "bloqueado", agent.locked_until)
        return SignIn(None, "senha")
    agent.failed_logins = 0
    agent.locked_until = None
    return SignIn(agent)


def _login_desconhecido(
    login: str, *, session: Session, now: datetime, max_failures: int, lockout: timedelta
) -> SignIn:
    """Count a failure for a login nobody has, exactly as for an agent's, so that the lockout tells nothing.

    u18: six wrong passwords locked a real login and never an invented one, which told which logins exist.
    The count is kept under a hash of the login, beside the identification's counters.
    """
    assunto = "painel:" + hashlib.sha256(login.strip().lower().encode()).hexdigest()[:40]
    guarda = session.scalar(select(IdentificationGuard).where(IdentificationGuard.subject == assunto))
    if guarda is None:
        guarda = IdentificationGuard(subject=assunto, failures=0)
        session.add(guarda)
    if guarda.locked_until is not None and _utc(guarda.locked_until) > now:
        return SignIn(None, "bloqueado", guarda.locked_until)
    guarda.failures = (guarda.failures or 0) + 1
    guarda.updated_at = now
    if guarda.failures >= max_failures:
        guarda.failures, guarda.locked_until = 0, now + lockout
        return SignIn(None, "bloqueado", guarda.locked_until)
    return SignIn(None, "senha")


def _utc(momento: datetime) -> datetime:
    # SQLite hands back naive datetimes; they are UTC.
    return momento if momento.tzinfo else momento.replace(tzinfo=timezone.utc)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(agent: Agent, *, session: Session, hours: int, now: datetime | None = None) -> tuple[str, str]:
    """Start a signed-in session; returns the cookie token and the CSRF token of its forms."""
    now = now or utc_now()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        AgentSession(
            token_hash=_digest(token), csrf_token=csrf, agent_id=agent.id, created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.flush()
    return token, csrf


def find_session(token: str, *, session: Session, now: datetime | None = None) -> AgentSession | None:
    """The live session of a cookie token, or None (unknown, expired or of a deactivated agent)."""
    if not token:
        return None
    now = now or utc_now()
    found = session.scalar(select(AgentSession).where(AgentSession.token_hash == _digest(token)))
    if found is None or found.expires_at <= now or not found.agent.active:
        return None
    return found


def close_session(token: str, *, session: Session) -> None:
    """Sign out: the token stops working at once."""
    session.execute(delete(AgentSession).where(AgentSession.token_hash == _digest(token)))
