"""``atende painel`` (the console server) and ``atende agentes`` (accounts), called from bot/cli.py."""

from __future__ import annotations

import os
import sys
from typing import Sequence

from bot.settings import get_settings

# Demo agents of `make run`: one per inbox worked in the console (login, name, inbox, clinical, admin).
AGENTES_DEMO = (
    ("atendimento", "Ana", "relacionamento", False, True),
    ("ouvidoria", "Otávio", "ouvidoria", False, False),
    ("clinica", "Dra. Clara", "area_clinica", True, False),
)


def _fabrica():
    from bot.db.session import make_engine, make_session_factory

    return make_session_factory(make_engine(get_settings()))


def _caixas_do_painel() -> list[str]:
    from painel.fluxo import caixas_do_painel
    from routing.loader import load_rules

    return sorted(caixas_do_painel(load_rules(get_settings().routing_rules_path)))


def cmd_painel(host: str | None = None, port: int | None = None) -> int:
    """Run the console until interrupted."""
    from painel.app import create_app

    settings = get_settings()
    host, port = host or settings.console_host, port or settings.console_port
    app = create_app(settings)
    print(f"Painel dos atendentes em http://{host}:{port}/", flush=True)
    app.run(host, port, workers=1, access_log=False, motd=False)
    return 0


def cmd_criar(login: str, nome: str, caixas: Sequence[str], clinico: bool, admin: bool) -> int:
    """Create an agent; the password comes from ATENDE_NOVA_SENHA or is generated and printed once."""
    from painel.contas import AccountError, create_agent, new_password

    senha = os.environ.get("ATENDE_NOVA_SENHA") or new_password()
    with _fabrica()() as db:
        try:
            create_agent(login, nome, senha, list(caixas), session=db, known_inboxes=_caixas_do_painel(),
                         clinical=clinico, admin=admin)
        except AccountError as erro:
            print(f"Não foi possível criar o atendente: {erro}", file=sys.stderr)
            return 2
        db.commit()
    print(f"Atendente {login} criado.")
    if "ATENDE_NOVA_SENHA" not in os.environ:
        print(f"Senha (anote; não é mostrada de novo): {senha}")
    return 0


def cmd_senha(login: str) -> int:
    """Give an agent a new password (printed once) and lift a lockout."""
    from sqlalchemy import select

    from bot.db.models import Agent
    from painel.contas import new_password, set_password

    senha = os.environ.get("ATENDE_NOVA_SENHA") or new_password()
    with _fabrica()() as db:
        agente = db.scalar(select(Agent).where(Agent.login == login.strip().lower()))
        if agente is None:
            print(f"Atendente {login!r} não existe.", file=sys.stderr)
            return 2
        set_password(agente, senha)
        db.commit()
    print(f"Nova senha de {login}: {senha}" if "ATENDE_NOVA_SENHA" not in os.environ else f"Senha de {login} trocada.")
    return 0


def cmd_listar() -> int:
    """List the agents and their inboxes."""
    from sqlalchemy import select

    from bot.db.models import Agent

    with _fabrica()() as db:
        agentes = list(db.scalars(select(Agent).order_by(Agent.login)))
        if not agentes:
            print("Nenhum atendente. Crie um com: atende agentes criar LOGIN --nome NOME --caixas CAIXA")
        for a in agentes:
            papeis = ", ".join(p for p, sim in (("clínico", a.clinical), ("admin", a.admin)) if sim)
            print(f"{a.login:15} {a.name:30} caixas: {', '.join(a.inboxes)}{f' ({papeis})' if papeis else ''}")
    return 0


def cmd_demo() -> int:
    """Create the demo agents that do not exist yet and print their passwords (once, at creation)."""
    from sqlalchemy import select

    from bot.db.models import Agent
    from painel.contas import create_agent, new_password

    conhecidas = _caixas_do_painel()
    criados = []
    with _fabrica()() as db:
        for login, nome, caixa, clinico, admin in AGENTES_DEMO:
            if caixa not in conhecidas or db.scalar(select(Agent).where(Agent.login == login)) is not None:
                continue
            senha = new_password()
            create_agent(login, nome, senha, [caixa], session=db, known_inboxes=conhecidas, clinical=clinico,
                         admin=admin)
            criados.append((login, senha, caixa))
        db.commit()
    if criados:
        print("Atendentes de demonstração criados (as senhas aparecem só agora; "
              "troque com `atende agentes senha LOGIN`):")
        for login, senha, caixa in criados:
            print(f"  login {login:12} senha {senha}   caixa {caixa}")
    return 0
