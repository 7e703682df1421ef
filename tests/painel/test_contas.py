"""Agents' accounts: scrypt passwords, lockout after repeated failures, sessions that sign-out ends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.db.models import Agent, AgentSession
from painel import contas
from tests.painel.conftest import SENHA

AGORA = datetime(2026, 12, 2, 13, 0, tzinfo=timezone.utc)


def test_password_hash_is_scrypt_salted_and_verifies():
    primeiro, segundo = contas.hash_password("correta-123"), contas.hash_password("correta-123")
    assert primeiro.startswith("scrypt$16384$8$1$") and primeiro != segundo
    assert contas.verify_password("correta-123", primeiro)
    assert not contas.verify_password("errada-123", primeiro)
    assert not contas.verify_password("correta-123", "md5$abc")


def test_bad_accounts_are_refused(db, rules):
    with db.session_factory() as session:
        known = ["relacionamento", "ouvidoria"]
        with pytest.raises(contas.AccountError, match="pelo menos"):
            contas.create_agent("ana", "Ana", "curta", ["relacionamento"], session=session, known_inboxes=known)
        with pytest.raises(contas.AccountError, match="telemedicina"):
            contas.create_agent("ana", "Ana", SENHA, ["telemedicina"], session=session, known_inboxes=known)
        with pytest.raises(contas.AccountError, match="login inválido"):
            contas.create_agent("ana maria", "Ana", SENHA, ["ouvidoria"], session=session, known_inboxes=known)
        contas.create_agent("Ana", "Ana", SENHA, ["ouvidoria"], session=session, known_inboxes=known)
        with pytest.raises(contas.AccountError, match="já existe"):
            contas.create_agent("ana", "Outra", SENHA, ["ouvidoria"], session=session, known_inboxes=known)


def _entrar(db, senha, agora):
    with db.session_factory() as session:
        resultado = contas.authenticate("ana", senha, session=session, max_failures=3,
                                        lockout=timedelta(minutes=15), now=agora)
        session.commit()
        return resultado.reason or "ok", resultado.locked_until


def test_three_wrong_passwords_lock_the_account_for_fifteen_minutes(db, novo_agente):
    novo_agente("ana", ["relacionamento"])
    assert _entrar(db, "errada", AGORA)[0] == "senha"
    assert _entrar(db, "errada", AGORA)[0] == "senha"
    assert _entrar(db, "errada", AGORA) == ("bloqueado", AGORA + timedelta(minutes=15))
    # Even the right password waits for the lockout to end.
    assert _entrar(db, SENHA, AGORA + timedelta(minutes=14))[0] == "bloqueado"
    assert _entrar(db, SENHA, AGORA + timedelta(minutes=16))[0] == "ok"


def test_unknown_login_reads_like_a_wrong_password(db):
    with db.session_factory() as session:
        resultado = contas.authenticate("ninguem", "x", session=session, max_failures=3, lockout=timedelta(minutes=1))
    assert (resultado.agent, resultado.reason) == (None, "senha")


def test_an_unknown_login_is_locked_like_a_real_one(db, novo_agente):
    # u18: six wrong passwords locked a real login and never an invented one, which told which logins exist.
    novo_agente("ana", ["relacionamento"])

    def tentar(login, agora):
        with db.session_factory() as session:
            resultado = contas.authenticate(login, "errada", session=session, max_failures=3,
                                            lockout=timedelta(minutes=15), now=agora)
            session.commit()
            return resultado.reason, resultado.locked_until

    for login in ("ana", "fantasma"):
        respostas = [tentar(login, AGORA) for _ in range(4)]
        assert respostas == [("senha", None), ("senha", None), ("bloqueado", AGORA + timedelta(minutes=15)),
                             ("bloqueado", AGORA + timedelta(minutes=15))], login
        assert tentar(login, AGORA + timedelta(minutes=16)) == ("senha", None)


def test_session_token_is_stored_hashed_and_ends_at_sign_out_or_expiry(db, novo_agente):
    ana = novo_agente("ana", ["relacionamento"])
    with db.session_factory() as session:
        token, csrf = contas.open_session(session.get(Agent, ana), session=session, hours=10, now=AGORA)
        session.commit()
        guardado = session.query(AgentSession).one()
        assert token not in (guardado.token_hash, guardado.csrf_token) and guardado.csrf_token == csrf
        assert contas.find_session(token, session=session, now=AGORA + timedelta(hours=9)).agent_id == ana
        assert contas.find_session(token, session=session, now=AGORA + timedelta(hours=11)) is None
        assert contas.find_session("outro", session=session, now=AGORA) is None
        contas.close_session(token, session=session)
        session.commit()
        assert contas.find_session(token, session=session, now=AGORA) is None
