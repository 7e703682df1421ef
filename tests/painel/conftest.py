"""Fixtures of the console tests: migrated databases (SQLite and PostgreSQL), the real rules, agents, tickets."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Callable

import pytest

from bot.db.models import Agent, Ticket
from bot.settings import PROJECT_ROOT
from painel.contas import create_agent
from painel.fluxo import caixas_do_painel
from routing.loader import load_rules
from tests.bot.db.conftest import Database, database, empty_tables  # noqa: F401 - fixtures

RULES = load_rules(PROJECT_ROOT / "routing" / "rules.yaml")
SENHA = "senha-de-teste-123"
# Wednesday 02/12/2026 10:00 in São Paulo.
CRIADO = datetime(2026, 12, 2, 13, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(database: Database) -> Database:  # noqa: F811 - the backend's database, emptied
    empty_tables(database)
    return database


@pytest.fixture
def rules():
    return RULES


@pytest.fixture
def novo_agente(db: Database) -> Callable[..., Agent]:
    def criar(login: str, caixas: list[str], clinical: bool = False, admin: bool = False) -> Agent:
        with db.session_factory() as session:
            agente = create_agent(login, login.title(), SENHA, caixas, session=session,
                                  known_inboxes=caixas_do_painel(RULES), clinical=clinical, admin=admin)
            session.commit()
            return agente.id

    return criar


@pytest.fixture
def novo_chamado(db: Database) -> Callable[..., int]:
    numero = iter(range(1, 1000))

    def criar(caixa: str = "relacionamento", due: date | None = date(2026, 12, 9), status: str = "aberto",
              channel: str = "whatsapp", category: str = "falar_atendente", tier: str = "primeira_instancia",
              conversa: str = "whatsapp:+5531999990000", created_at: datetime = CRIADO,
              contexto: dict | None = None) -> int:
        with db.session_factory() as session:
            ticket = Ticket(
                protocol=f"2026120200000{next(numero):03d}", created_at=created_at, channel=channel,
                category=category, status=status, tier=tier, inbox=RULES.inboxes[caixa].address,
                summary="Quero falar com uma pessoa", context_json={"conversa": conversa, **(contexto or {})},
                due_date=due,
            )
            session.add(ticket)
            session.commit()
            return ticket.id

    return criar
