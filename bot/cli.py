"""The ``atende`` command line.

Subcommands import what they need when they run, so ``atende --help`` stays
fast and nothing is opened at import.
"""

from __future__ import annotations

import argparse
import sys
from typing import List

from bot.canais import NOMES, Canal
from bot.settings import SettingsError, get_settings


def _db_migrate(_: argparse.Namespace) -> int:
    from bot.db.cli import cmd_migrate

    return cmd_migrate()


def _db_import(args: argparse.Namespace) -> int:
    from bot.db.cli import cmd_import

    return cmd_import(args.files)


def _db_seed_demo(_: argparse.Namespace) -> int:
    from bot.db.cli import cmd_seed_demo

    return cmd_seed_demo()


def _chat(args: argparse.Namespace) -> int:
    from bot.chat import chat

    return chat(url=args.url, sender=args.sender)


def _simulate(args: argparse.Namespace) -> int:
    from bot.channels.console import simulate

    return simulate(args.channel, base_url=args.url, sender=args.sender)


def _telegram_polling(args: argparse.Namespace) -> int:
    from bot.channels.console import telegram_polling

    return telegram_polling(base_url=args.url, remove_webhook=args.remove_webhook)


def _painel(args: argparse.Namespace) -> int:
    from painel.cli import cmd_painel

    return cmd_painel(args.host, args.port)


def _agentes(args: argparse.Namespace) -> int:
    from painel import cli

    if args.agentes_command == "criar":
        return cli.cmd_criar(args.login, args.nome or args.login, args.caixas, args.clinico, args.admin)
    if args.agentes_command == "senha":
        return cli.cmd_senha(args.login)
    if args.agentes_command == "demo":
        return cli.cmd_demo()
    return cli.cmd_listar()


def _outbox_deliver(_: argparse.Namespace) -> int:
    from bot.outbox_cli import cmd_deliver

    return cmd_deliver()


def _outbox_list(args: argparse.Namespace) -> int:
    from bot.outbox_cli import cmd_list

    return cmd_list(statuses=args.status, limit=args.limit)


def _outbox_retry(args: argparse.Namespace) -> int:
    from bot.outbox_cli import cmd_retry

    return cmd_retry(args.ids, all_failed=args.all_failed)


def _outbox_worker(_: argparse.Namespace) -> int:
    import threading

    from bot.housekeeping import start_daily
    from bot.outbox_cli import cmd_worker

    stop = threading.Event()
    start_daily(get_settings(), stop)
    try:
        return cmd_worker()
    finally:
        stop.set()


def _conversations_purge(args: argparse.Namespace) -> int:
    from bot.housekeeping import run_once

    settings = get_settings()
    days = settings.conversation_retention_days if args.dias is None else args.dias
    deleted = run_once(settings, days=days)
    print(f"Conversas: {deleted} eventos com mais de {days} dias apagados.")
    return 0


def _smtp_dev(args: argparse.Namespace) -> int:
    from routing.smtp_dev import serve

    return serve(port=args.port)


def _rules_check(_: argparse.Namespace) -> int:
    from routing.loader import RulesError, load_rules

    try:
        rules = load_rules()
    except RulesError as error:
        print(f"Regras de encaminhamento inválidas: {error}", file=sys.stderr)
        return 1
    print(f"Regras de encaminhamento válidas: {len(rules.rules)} regras, {len(rules.inboxes)} caixas.")
    return 0


def _handoff_return(args: argparse.Namespace) -> int:
    from bot.handoff import hand_back

    return hand_back(args.conversa, url=args.url)


def _actions(args: argparse.Namespace) -> int:
    from bot.action_server import main as serve

    serve()
    return 0


def _route(args: argparse.Namespace) -> int:
    from routing.route_command import run

    return run(args.text, channel=args.channel, protocol=args.protocol, model=args.model, rules_path=args.rules)


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands (help texts in Portuguese, for the operators)."""
    parser = argparse.ArgumentParser(prog="atende", description="Atende: atendimento automático Cemig Saúde")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="banco de dados do plano").add_subparsers(dest="db_command", required=True)
    db.add_parser("migrate", help="cria ou atualiza as tabelas (Alembic)").set_defaults(func=_db_migrate)
    importer = db.add_parser("import", help="importa arquivos CSV ou JSON (uma tabela por arquivo)")
    importer.add_argument("files", nargs="+", help="arquivos, p. ex. data/import/beneficiaries.csv")
    importer.set_defaults(func=_db_import)
    db.add_parser("seed-demo", help="carrega a população sintética de demonstração").set_defaults(
        func=_db_seed_demo
    )

    rules = commands.add_parser("rules", help="regras de encaminhamento")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_commands.add_parser("check", help="valida routing/rules.yaml (arquivo, linha e motivo)")
    check.set_defaults(func=_rules_check)

    handoff = commands.add_parser("handoff", help="conversas transferidas para atendentes")
    handoff_commands = handoff.add_subparsers(dest="handoff_command", required=True)
    devolver = handoff_commands.add_parser("devolver", help="devolve ao bot uma conversa pausada pelo atendente")
    devolver.add_argument("conversa", help="identificador da conversa (sender), como no e-mail do chamado")
    devolver.add_argument("--url", default=None, help="servidor Rasa (padrão: o do make run)")
    devolver.set_defaults(func=_handoff_return)

    painel = commands.add_parser("painel", help="painel web dos atendentes (chamados, respostas, fila por caixa)")
    painel.add_argument("--host", default=None, help="interface (padrão ATENDE_PAINEL_HOST ou 127.0.0.1)")
    painel.add_argument("--port", type=int, default=None, help="porta (padrão ATENDE_PAINEL_PORT ou 5080)")
    painel.set_defaults(func=_painel)
    agentes = commands.add_parser("agentes", help="contas dos atendentes do painel")
    agentes_commands = agentes.add_subparsers(dest="agentes_command", required=True)
    criar = agentes_commands.add_parser("criar", help="cria um atendente (senha de ATENDE_NOVA_SENHA ou gerada)")
    criar.add_argument("login")
    criar.add_argument("--nome", default="")
    criar.add_argument("--caixas", nargs="+", required=True, help="caixas de routing/rules.yaml atendidas no painel")
    criar.add_argument("--clinico", action="store_true", help="vê a caixa confidencial (área clínica)")
    criar.add_argument("--admin", action="store_true", help="vê o registro de acessos")
    criar.set_defaults(func=_agentes)
    senha = agentes_commands.add_parser("senha", help="gera uma nova senha e desbloqueia")
    senha.add_argument("login")
    senha.set_defaults(func=_agentes)
    agentes_commands.add_parser("listar", help="lista os atendentes").set_defaults(func=_agentes)
    agentes_commands.add_parser("demo", help="cria os atendentes de demonstração").set_defaults(func=_agentes)

    chat = commands.add_parser("chat", help="conversa com o bot em execução, no terminal")
    chat.add_argument("--url", default=None, help="webhook REST (padrão: o do make run)")
    chat.add_argument("--sender", default=None, help="identificador da conversa")
    chat.set_defaults(func=_chat)

    route = commands.add_parser(
        "route", help="mostra em JSON o encaminhamento que o bot faria para uma mensagem (modelo e regras reais)"
    )
    route.add_argument("text", nargs="?", default=None, help="mensagem; sem ela, lê uma mensagem por linha da entrada")
    route.add_argument("--channel", default=Canal.WHATSAPP.value, choices=NOMES, help="canal")
    route.add_argument("--protocol", default=None, help="protocolo de primeira instância já informado")
    route.add_argument("--model", default=None, help="modelo Rasa (padrão: models/atende.tar.gz)")
    route.add_argument("--rules", default=None, help="arquivo de regras (padrão: routing/rules.yaml)")
    route.set_defaults(func=_route)

    simulate = commands.add_parser(
        "simulate", help="conversa com o bot em execução pelo webhook real de um canal, com pedidos assinados"
    )
    simulate.add_argument(
        "channel", choices=[Canal.WHATSAPP.value, Canal.URA.value, "ivr", Canal.TELEGRAM.value], help="canal a simular"
    )
    simulate.add_argument("--url", default=None, help="servidor Rasa (padrão: o do make run)")
    simulate.add_argument("--de", dest="sender", default=None, help="número (WhatsApp, URA) ou chat (Telegram)")
    simulate.set_defaults(func=_simulate)

    polling = commands.add_parser(
        "telegram-polling", help="repassa as mensagens do Telegram (long polling) ao bot local, sem endereço público"
    )
    polling.add_argument("--url", default=None, help="servidor Rasa (padrão: o do make run)")
    polling.add_argument(
        "--remover-webhook", dest="remove_webhook", action="store_true", help="apaga o webhook do bot antes"
    )
    polling.set_defaults(func=_telegram_polling)

    outbox = commands.add_parser("outbox", help="fila de e-mails dos chamados (entrega com novas tentativas)")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_commands.add_parser("deliver", help="tenta entregar agora os e-mails pendentes (uma passagem)").set_defaults(
        func=_outbox_deliver
    )
    listing = outbox_commands.add_parser("list", help="lista os e-mails da fila, do mais novo ao mais antigo")
    listing.add_argument(
        "--status", action="append", choices=["pendente", "enviado", "falhou"], help="só esta situação (repetível)"
    )
    listing.add_argument("--limit", type=int, default=50, help="quantas linhas (padrão 50)")
    listing.set_defaults(func=_outbox_list)
    retry = outbox_commands.add_parser(
        "retry", help="devolve à fila e-mails que falharam (confira antes se não chegaram: veja o Message-ID)"
    )
    retry.add_argument("ids", nargs="*", type=int, help="ids mostrados por 'atende outbox list'")
    retry.add_argument("--todas", dest="all_failed", action="store_true", help="todas as mensagens que falharam")
    retry.set_defaults(func=_outbox_retry)
    outbox_commands.add_parser(
        "worker", help="entrega continuamente, a cada ATENDE_OUTBOX_INTERVAL segundos"
    ).set_defaults(func=_outbox_worker)

    conversas = commands.add_parser("conversas", help="conversas guardadas pelo Rasa (LGPD)")
    conversas_commands = conversas.add_subparsers(dest="conversas_command", required=True)
    purge = conversas_commands.add_parser(
        "expurgar", help="apaga conversas mais antigas que ATENDE_CONVERSATION_RETENTION_DAYS (180 dias)"
    )
    purge.add_argument("--dias", type=int, default=None, help="prazo de guarda em dias (padrão: a configuração)")
    purge.set_defaults(func=_conversations_purge)
    commands.add_parser(
        "actions", help="servidor de ações (ATENDE_ACTIONS_HOST:ATENDE_ACTIONS_PORT, só com ATENDE_ACTIONS_TOKEN)"
    ).set_defaults(func=_actions)
    smtp_dev = commands.add_parser(
        "smtp-dev", help="servidor SMTP local (127.0.0.1) que guarda cada e-mail em var/mail/*.eml"
    )
    smtp_dev.add_argument("--port", type=int, default=None, help="porta (padrão ATENDE_SMTP_DEV_PORT, 8025)")
    smtp_dev.set_defaults(func=_smtp_dev)
    return parser


def main(argv: List[str] | None = None) -> int:
    """Entry point of the ``atende`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SettingsError as error:
        print(f"Configuração inválida: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
