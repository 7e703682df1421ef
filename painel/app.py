"""The agents' console: Sanic routes and Jinja2 pages over the workflow of painel/fluxo.py.

Started by ``atende painel`` (scripts/serve.sh does it in ``make run``), on 127.0.0.1 unless
ATENDE_PAINEL_HOST says otherwise. Every form carries the session's CSRF token; the session cookie is
HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot.canais import rotulo as rotulo_canal
from bot.canais import telefone_legivel
from bot.clock import now as agora_do_produto
from bot.db.models import Agent, Ticket, TicketEvent, utc_now
from bot.db.session import make_engine, make_session_factory
from bot.identifiers import mask_personal_data
from bot.settings import Settings
from painel import contas, fluxo
from painel.entrega import (
    Canais,
    EntregaError,
    Rasa,
    canal_e_destino,
    entregar,
    identificacao_em_curso,
    janela_whatsapp_aberta,
    transcricao,
)
from routing.loader import load_rules
from routing.tickets import CATEGORY_LABELS, category_label, mask_nif, related_label, ticket_label

logger = logging.getLogger(__name__)

COOKIE = "atende_painel"
T = TypeVar("T")
PASTA = Path(__file__).parent


async def sem_transacao(db: Session, espera: Awaitable[T]) -> T:
    """Await network I/O (Rasa, Twilio, Telegram) with no database transaction open.

    SQLite's locks belong to a connection, and a writer waiting for one blocks this process's event loop:
    a read left open across an await would keep another request's commit waiting on a lock that only the
    blocked loop could release, and that commit fails with "database is locked". What was done before
    the await is committed first, so a reply is on record before it leaves.
    """
    db.commit()
    return await espera


def _volta_segura(caminho: str) -> str:
    """Where to go after signing in: a ticket of this console, else the queue (never another site).

    >>> _volta_segura("/chamados/12/responder"), _volta_segura("//evil.example/x"), _volta_segura("/chamados/x")
    ('/chamados/12', '/', '/')
    """
    achado = re.match(r"/chamados/(\d{1,12})(?:/|$)", caminho or "")
    return f"/chamados/{achado[1]}" if achado else "/"


def _conversa_escrita(ticket: Ticket) -> str:
    """The ticket's written conversation (WhatsApp, Telegram, chat), or "" for none or a phone call."""
    conversa = (ticket.context_json or {}).get("conversa", "")
    return conversa if conversa and canal_e_destino(conversa)[0] != "ura" else ""


def _ambiente() -> Environment:
    ambiente = Environment(loader=FileSystemLoader(PASTA / "templates"), autoescape=select_autoescape(["html"]))
    ambiente.filters["canal"] = rotulo_canal
    ambiente.filters["telefone"] = telefone_legivel
    ambiente.filters["categoria"] = category_label
    ambiente.filters["rotulo"] = ticket_label
    ambiente.filters["relacionado"] = related_label
    ambiente.filters["mascara"] = lambda texto: mask_personal_data(str(texto or ""))
    ambiente.filters["nif"] = lambda nif: mask_nif(str(nif or ""))
    ambiente.globals["ROTULOS_STATUS"] = fluxo.ROTULOS_STATUS
    ambiente.globals["INSTANCIAS"] = fluxo.INSTANCIAS
    ambiente.globals["CATEGORIAS"] = dict(sorted(CATEGORY_LABELS.items(), key=lambda item: item[1]))
    return ambiente


def create_app(settings: Settings, *, canais: Canais | None = None, nome: str = "atende_painel") -> Sanic:
    """Build the console app from the settings (database, rules, Rasa API, channel clients)."""
    app = Sanic(nome)
    app.config.REQUEST_MAX_SIZE = 256 * 1024
    engine = make_engine(settings)
    fabrica = make_session_factory(engine)
    rules = load_rules(settings.routing_rules_path)
    rasa = Rasa(settings)
    canais = canais or Canais(settings)
    ambiente = _ambiente()
    zona = ZoneInfo(settings.timezone)
    app.static("/static", str(PASTA / "static"), name="static")

    def pagina(nome_template: str, status: int = 200, **contexto: Any) -> HTTPResponse:
        html = ambiente.get_template(nome_template).render(**contexto)
        return response.html(html, status=status, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    def hoje():
        return agora_do_produto().astimezone(zona).date()

    def local(momento: datetime | None) -> str:
        return momento.astimezone(zona).strftime("%d/%m/%Y %H:%M") if momento else ""

    ambiente.filters["local"] = local
    ambiente.filters["caixa"] = rules.label

    def autenticado(handler: Callable) -> Callable:
        """Run ``handler(request, db, agente, sessao)`` for a signed-in agent; POSTs need the CSRF token."""

        async def envolto(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            with fabrica() as db:
                sessao = contas.find_session(request.cookies.get(COOKIE, ""), session=db)
                if sessao is None:
                    if request.path.startswith("/fragmentos"):
                        return response.text("sessão expirada: entre novamente", status=401)
                    # u15: a reply posted after the session ended got a bare text page and was lost; back on
                    # the ticket after signing in, the browser's saved draft fills the box again (painel.js).
                    return response.redirect("/entrar?" + urlencode({"volta": _volta_segura(request.path)}))
                if request.method == "POST" and request.form.get("csrf", "") != sessao.csrf_token:
                    logger.warning("painel: formulário sem token CSRF válido (%s)", request.path)
                    return response.text("formulário inválido (token CSRF ausente ou errado)", status=403)
                resultado = await handler(request, db, sessao.agent, sessao, *args, **kwargs)
                db.commit()
                return resultado

        envolto.__name__ = handler.__name__
        return envolto

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/entrar")
    async def entrar_form(request: Request) -> HTTPResponse:
        volta = _volta_segura(request.args.get("volta", "/"))
        aviso = "Sua sessão terminou. Entre de novo: o que você tinha escrito continua guardado neste navegador." \
            if volta != "/" else ""
        return pagina("entrar.html", erro="", aviso=aviso, volta=volta)

    @app.post("/entrar")
    async def entrar(request: Request) -> HTTPResponse:
        login, senha = request.form.get("login", ""), request.form.get("senha", "")
        with fabrica() as db:
            resultado = contas.authenticate(
                login, senha, session=db, max_failures=settings.console_max_failures,
                lockout=timedelta(minutes=settings.console_lockout_minutes),
            )
            if resultado.agent is None:
                db.commit()
                if resultado.reason == "bloqueado":
                    logger.warning("painel: login %r bloqueado até %s", login[:60], resultado.locked_until)
                    erro = (f"Acesso bloqueado por excesso de tentativas até {local(resultado.locked_until)}. "
                            "Tente depois ou peça a um administrador para trocar sua senha.")
                else:
                    erro = "Login ou senha incorretos."
                return pagina("entrar.html", status=401, erro=erro, login=login,
                              volta=_volta_segura(request.form.get("volta", "/")))
            token, _ = contas.open_session(resultado.agent, session=db, hours=settings.console_session_hours)
            db.commit()
        destino = response.redirect(_volta_segura(request.form.get("volta", "/")))
        # Sanic 21.12 (Rasa 3.6's) sets cookies through the response's cookie jar.
        destino.cookies[COOKIE] = token
        cookie = destino.cookies[COOKIE]
        cookie["httponly"], cookie["samesite"], cookie["path"] = True, "Strict", "/"
        cookie["max-age"] = settings.console_session_hours * 3600
        if request.scheme == "https":
            cookie["secure"] = True
        return destino

    @app.post("/sair")
    @autenticado
    async def sair(request: Request, db: Session, agente: Agent, sessao: Any) -> HTTPResponse:
        contas.close_session(request.cookies.get(COOKIE, ""), session=db)
        fim = response.redirect("/entrar")
        fim.cookies[COOKIE] = ""
        fim.cookies[COOKIE]["max-age"], fim.cookies[COOKIE]["path"] = 0, "/"
        return fim

    def _filtro(request: Request) -> fluxo.Filtro:
        return fluxo.Filtro(
            status=request.args.get("status", ""), canal=request.args.get("canal", ""),
            categoria=request.args.get("categoria", ""), protocolo=request.args.get("protocolo", "").strip(),
        )

    def _linhas(db: Session, agente: Agent, filtro: fluxo.Filtro) -> list[dict]:
        dia = hoje()
        chamados = fluxo.fila(agente, filtro, session=db, rules=rules)
        novas = fluxo.com_mensagem_nova(chamados, session=db)
        return [
            {
                "t": t,
                "prazo": fluxo.situacao_do_prazo(t.due_date, dia),
                "dias": fluxo.dias_uteis_restantes(t.due_date, dia, t.tier),
                "nova": t.id in novas,
            }
            for t in chamados
        ]

    @app.get("/")
    @autenticado
    async def fila(request: Request, db: Session, agente: Agent, sessao: Any) -> HTTPResponse:
        filtro = _filtro(request)
        caixas = fluxo.caixas_do_painel(rules)
        return pagina(
            "fila.html", agente=agente, csrf=sessao.csrf_token, filtro=filtro, linhas=_linhas(db, agente, filtro),
            contagem=fluxo.contagem_por_status(agente, session=db, rules=rules),
            caixas=[c for k, c in caixas.items() if k in agente.inboxes and (agente.clinical or not c.confidential)],
            query=request.query_string, aviso=request.args.get("aviso", ""), erro=request.args.get("erro", ""),
        )

    @app.get("/fragmentos/fila")
    @autenticado
    async def fila_fragmento(request: Request, db: Session, agente: Agent, sessao: Any) -> HTTPResponse:
        filtro = _filtro(request)
        return pagina("_linhas.html", linhas=_linhas(db, agente, filtro), filtro=filtro)

    @app.get("/fragmentos/contagem")
    @autenticado
    async def contagem_fragmento(request: Request, db: Session, agente: Agent, sessao: Any) -> HTTPResponse:
        # u15: the counts at the top stayed at "Aberto: 8" while the table below grew.
        return pagina("_contagem.html", contagem=fluxo.contagem_por_status(agente, session=db, rules=rules))

    async def _conversa(db: Session, ticket: Ticket, agente: Agent) -> tuple[list, str, bool | None, str | None]:
        conversa = (ticket.context_json or {}).get("conversa", "")
        ocultar = fluxo.protocolos_confidenciais(agente, ticket, session=db, rules=rules)
        if not conversa:
            return [], "conversa não registrada neste chamado", None, None
        try:
            eventos = await sem_transacao(db, rasa.eventos(conversa))
        except EntregaError as erro:
            return [], str(erro), None, None
        janela = janela_whatsapp_aberta(eventos, utc_now()) if canal_e_destino(conversa)[0] == "whatsapp" else None
        return transcricao(eventos, ocultar), "", janela, identificacao_em_curso(eventos)

    @app.get("/chamados/<ticket_id:int>")
    @autenticado
    async def chamado(request: Request, db: Session, agente: Agent, sessao: Any, ticket_id: int) -> HTTPResponse:
        ticket = fluxo.abrir(agente, ticket_id, session=db, rules=rules)
        if ticket is None:
            return pagina("nao_encontrado.html", status=404, agente=agente, csrf=sessao.csrf_token)
        mensagens, erro_conversa, janela, identificando = await _conversa(db, ticket, agente)
        contexto = ticket.context_json or {}
        conversa = contexto.get("conversa", "")
        canal, destino = canal_e_destino(conversa) if conversa else (ticket.channel, "")
        historico = fluxo.historico(ticket, session=db)
        # u22: after a transfer the page still gave the bot's first rule as the reason the ticket was in this inbox.
        transferencia = next((e for e in reversed(historico) if e.kind == "transferencia"), None)
        return pagina(
            "chamado.html", agente=agente, csrf=sessao.csrf_token, t=ticket, ctx=contexto,
            decisao=contexto.get("decision") or {}, mensagens=mensagens, erro_conversa=erro_conversa,
            janela=janela, canal=canal, destino=destino, pode_escrever=canal != "ura", transferencia=transferencia,
            identificando=identificando,
            modelo=bool(settings.whatsapp_template_sid), historico=historico,
            prazo=fluxo.situacao_do_prazo(ticket.due_date, hoje()), transicoes=fluxo.TRANSICOES.get(ticket.status, ()),
            caixas=rules.inboxes, aviso=request.args.get("aviso", ""), erro=request.args.get("erro", ""),
            caixa_atual=rules.label(ticket.inbox),
            antes=fluxo.relacionado(agente, ticket, session=db, rules=rules),
            confidencial=fluxo.citado_confidencial(agente, ticket, session=db, rules=rules),
            de_outra_pessoa=fluxo.citado_de_outra_pessoa(ticket, session=db),
        )

    @app.get("/fragmentos/conversa/<ticket_id:int>")
    @autenticado
    async def conversa_fragmento(
        request: Request, db: Session, agente: Agent, sessao: Any, ticket_id: int
    ) -> HTTPResponse:
        ticket = fluxo.abrir(agente, ticket_id, session=db, rules=rules, registrar=False)
        if ticket is None:
            return response.text("não encontrado", status=404)
        mensagens, erro_conversa, _, _ = await _conversa(db, ticket, agente)
        return pagina("_conversa.html", mensagens=mensagens, erro_conversa=erro_conversa)

    def _volta(ticket_id: int, aviso: str = "", erro: str = "") -> HTTPResponse:
        erro = erro[:1].upper() + erro[1:]  # u21: "escreva a resolução antes de enviar" read as a fragment
        query = urlencode({k: v for k, v in (("aviso", aviso), ("erro", erro)) if v})
        return response.redirect(f"/chamados/{ticket_id}" + (f"?{query}" if query else ""))

    async def _entregar(db: Session, ticket: Ticket, evento: TicketEvent, agente: Agent, modelo: bool = False) -> str:
        conversa = (ticket.context_json or {}).get("conversa", "")
        erro = None
        try:
            if not conversa:
                raise EntregaError("o chamado não tem conversa para responder")
            await sem_transacao(db, entregar(canais, rasa, conversa, evento.text or "", agente.name, modelo=modelo,
                                             protocolo=ticket.protocol))
        except EntregaError as falha:
            erro = str(falha)
            logger.warning("painel: resposta do chamado %s não entregue: %s", ticket.protocol, erro)
        fluxo.marcar_entrega(evento, erro)
        return erro or ""

    @app.post("/chamados/<ticket_id:int>/<acao:str>")
    @autenticado
    async def agir(
        request: Request, db: Session, agente: Agent, sessao: Any, ticket_id: int, acao: str
    ) -> HTTPResponse:
        ticket = fluxo.abrir(agente, ticket_id, session=db, rules=rules, registrar=False)
        if ticket is None:
            # u15: a reply from a page left open after the ticket was transferred got a bare "não encontrado".
            return response.redirect("/?" + urlencode({"erro": "Esse chamado não está mais nas suas caixas "
                                                                "(foi transferido): nada foi registrado nele."}))
        form = request.form
        try:
            if acao == "assumir":
                fluxo.assumir(agente, ticket, session=db, no_lugar=form.get("no_lugar") == "1")
                aviso = "Chamado atribuído a você."
            elif acao == "liberar":
                fluxo.liberar(agente, ticket, session=db)
                aviso = "Chamado devolvido à fila da caixa."
            elif acao == "identificar":
                if not _conversa_escrita(ticket):
                    raise fluxo.FluxoError("o chamado não tem uma conversa escrita para conferir")
                eventos = await sem_transacao(db, rasa.eventos(_conversa_escrita(ticket)))
                textos = [str(e.get("text") or "") for e in eventos if e.get("event") == "user"]
                fluxo.identificar_pela_conversa(agente, ticket, textos, session=db)
                aviso = "Identificação conferida: o chamado agora mostra o beneficiário."
            elif acao == "nota":
                fluxo.anotar(agente, ticket, form.get("texto", ""), session=db)
                aviso = "Nota interna registrada (não enviada ao beneficiário)."
            elif acao in ("responder", "modelo"):
                evento = fluxo.registrar_resposta(agente, ticket, form.get("texto", ""), session=db)
                db.flush()
                erro = await _entregar(db, ticket, evento, agente, modelo=acao == "modelo")
                if erro:
                    db.commit()
                    return _volta(ticket_id, erro=f"Resposta não entregue: {erro}. Use 'reenviar' no histórico.")
                aviso = "Resposta enviada ao beneficiário." + await _pausar(db, ticket, agente)
            elif acao == "reenviar":
                evento = db.get(TicketEvent, int(form.get("evento", "0") or 0))
                if evento is None or evento.ticket_id != ticket.id or evento.kind != "resposta":
                    raise fluxo.FluxoError("resposta não encontrada")
                erro = await _entregar(db, ticket, evento, agente)
                if erro:
                    db.commit()
                    return _volta(ticket_id, erro=f"Resposta não entregue: {erro}")
                aviso = "Resposta reenviada."
            elif acao == "transferir":
                fluxo.transferir(agente, ticket, form.get("caixa", ""), form.get("motivo", ""), session=db, rules=rules,
                                 hoje=hoje())
                aviso = f"Chamado {ticket.protocol} transferido."
                aviso += await _avisar(db, ticket, fluxo.aviso_de_transferencia(ticket, rules))
                db.commit()
                return response.redirect("/?" + urlencode({"aviso": aviso}))
            elif acao == "status":
                evento = fluxo.mudar_status(agente, ticket, form.get("status", ""), session=db,
                                            resolucao=form.get("resolucao", ""))
                aviso = f"Situação alterada para {fluxo.ROTULOS_STATUS[ticket.status]}."
                if ticket.status in ("resolvido", "encerrado") and evento.text:
                    aviso += await _avisar_resolucao(db, ticket, agente)
                    aviso += await _devolver_ao_fim(db, ticket, agente)
            elif acao == "devolver":
                conversa = (ticket.context_json or {}).get("conversa", "")
                if not conversa:
                    raise fluxo.FluxoError("o chamado não tem conversa para devolver")
                await sem_transacao(db, rasa.devolver(conversa))
                fluxo.devolver_ao_bot(agente, ticket, session=db)
                aviso = "Conversa devolvida ao atendimento automático."
                if ticket.status not in ("resolvido", "encerrado"):
                    # u21: "O atendimento com Ana terminou" reached someone Ana never wrote to, and came again
                    # after "foi resolvido". u24: "terminou… e a resposta vem por aqui" read as a contradiction:
                    # the request stays open, and its answer, when there is one, comes here.
                    quem = fluxo.quem_respondeu(ticket, session=db)
                    inicio = f"O atendimento com {quem} terminou por aqui: o" if quem else "O"
                    aviso += await _avisar(db, ticket, (
                        f"{inicio} assistente automático volta a responder nesta conversa. Seu pedido continua "
                        f"aberto com o protocolo {ticket.protocol}: quando houver resposta sobre ele, ela chega aqui. "
                        "Digite menu para ver as opções."
                    ))
            else:
                return response.text("ação desconhecida", status=404)
        except (fluxo.FluxoError, EntregaError) as erro:
            db.rollback()
            return _volta(ticket_id, erro=str(erro))
        return _volta(ticket_id, aviso=aviso)

    async def _pausar(db: Session, ticket: Ticket, agente: Agent) -> str:
        # u15: a ticket opened while the bot kept answering (out of hours, a dispute, the desk) had the
        # beneficiary's answer to the agent taken by the bot, which even opened another protocol. Once a person
        # has written, the conversation is theirs until they hand it back or resolve the ticket.
        conversa = _conversa_escrita(ticket)
        if not conversa:
            return ""
        try:
            if await sem_transacao(db, rasa.pausada(conversa)):
                # u24: after "0" the conversation was paused before any reply, so nothing recorded the pause and
                # what the person wrote next never showed "Nova mensagem" in the queue.
                if not fluxo.pausa_registrada(ticket, session=db):
                    fluxo.pausar_conversa(agente, ticket, session=db)
                return ""
            await sem_transacao(db, rasa.pausar(conversa))
        except EntregaError as erro:
            return f" O bot continua respondendo a conversa ({erro})."
        fluxo.pausar_conversa(agente, ticket, session=db)
        return " As próximas mensagens dele chegam a este chamado; o bot fica em silêncio até você devolver a conversa."

    async def _devolver_ao_fim(db: Session, ticket: Ticket, agente: Agent) -> str:
        # A resolved ticket leaves no one reading the conversation: the bot answers again.
        conversa = _conversa_escrita(ticket)
        if not conversa:
            return ""
        try:
            if not await sem_transacao(db, rasa.pausada(conversa)):
                return ""
            await sem_transacao(db, rasa.devolver(conversa))
        except EntregaError as erro:
            return f" A conversa continua pausada ({erro}): use Devolver ao bot."
        fluxo.devolver_ao_bot(agente, ticket, session=db)
        return " A conversa voltou ao atendimento automático."

    async def _avisar(db: Session, ticket: Ticket, texto: str) -> str:
        """Tell the beneficiary, on a written channel, what just happened to their ticket.

        u18: a transfer to the Ombudsman and the return to the bot were silent for the beneficiary.
        """
        conversa = _conversa_escrita(ticket)
        if not conversa:
            return ""
        try:
            await sem_transacao(db, entregar(canais, rasa, conversa, texto, "Atende", protocolo=ticket.protocol))
        except EntregaError as erro:
            return f" O beneficiário não foi avisado ({erro})."
        return " O beneficiário foi avisado na conversa."

    async def _avisar_resolucao(db: Session, ticket: Ticket, agente: Agent) -> str:
        conversa = (ticket.context_json or {}).get("conversa", "")
        canal = canal_e_destino(conversa)[0] if conversa else ticket.channel
        if not conversa or canal == "ura":
            return " O beneficiário verá a resolução ao consultar o protocolo."
        texto = (f"Seu chamado de protocolo {ticket.protocol} foi {fluxo.ROTULOS_STATUS[ticket.status].lower()}.\n"
                 f"{ticket.resolution}")
        try:
            # u21: the resolution was signed "Atende", not by the person who resolved it.
            await sem_transacao(db, entregar(canais, rasa, conversa, texto, agente.name, protocolo=ticket.protocol))
        except EntregaError as erro:
            return f" A resolução não chegou ao beneficiário ({erro}); ele a verá ao consultar o protocolo."
        return " A resolução foi enviada ao beneficiário."

    @app.get("/acessos")
    @autenticado
    async def acessos(request: Request, db: Session, agente: Agent, sessao: Any) -> HTTPResponse:
        if not agente.admin:
            # u18: "Este chamado não existe" on a page that is no ticket.
            return pagina("nao_encontrado.html", status=403, agente=agente, csrf=sessao.csrf_token,
                          motivo="O registro de acessos é só para administradores.")
        return pagina("acessos.html", agente=agente, csrf=sessao.csrf_token, acessos=fluxo.acessos(session=db))

    async def avisar_esperas() -> int:
        """Tell each beneficiary whose paused conversation nobody took in time that they are in the queue."""
        limite = agora_do_produto() - timedelta(minutes=settings.handoff_wait_minutes)
        avisados = 0
        with fabrica() as db:
            caixas = {inbox.address.lower() for inbox in fluxo.caixas_do_painel(rules).values()}
            for ticket in fluxo.aguardando_atendente(session=db, desde=limite):
                conversa = (ticket.context_json or {}).get("conversa", "")
                if (ticket.inbox or "").lower() not in caixas or not conversa:
                    continue
                try:
                    if not await sem_transacao(db, rasa.pausada(conversa)):
                        continue
                    prazo = f" O prazo de resposta é até {ticket.due_date:%d/%m/%Y}." if ticket.due_date else ""
                    texto = (
                        f"Seu pedido de protocolo {ticket.protocol} está na fila do atendimento: os atendentes "
                        f"estão ocupados agora. Uma pessoa vai responder por aqui, nesta conversa.{prazo} "
                        "Não precisa repetir a mensagem."
                    )
                    await sem_transacao(db, entregar(canais, rasa, conversa, texto, "Atende",
                                                     protocolo=ticket.protocol))
                    erro = None
                except EntregaError as falha:
                    erro = str(falha)
                db.add(TicketEvent(ticket_id=ticket.id, at=utc_now(), kind="aviso_espera", public=True,
                                   attempts=1, delivery_status="falhou" if erro else "enviada", delivery_error=erro))
                db.commit()
                avisados += 1
        return avisados

    async def escreveu_depois(db: Session, ticket: Ticket, desde: datetime) -> datetime | None:
        """When the beneficiary last wrote in the ticket's conversation after ``desde``, if they did.

        None also without a conversation, or with Rasa away for a moment (the next look tries again).
        """
        conversa = (ticket.context_json or {}).get("conversa", "")
        if not conversa:
            return None
        try:
            eventos = await sem_transacao(db, rasa.eventos(conversa))
        except EntregaError:
            return None
        # SQLite hands back naive datetimes; they are UTC, as everything is stored. A datetime keeps microseconds
        # and Rasa's timestamps are finer: without the millisecond of margin, the message a mark was dated by
        # could read as newer than the mark itself and be marked again at every look.
        depois = (desde if desde.tzinfo else desde.replace(tzinfo=timezone.utc)).timestamp() + 0.001
        escritas = [float(e.get("timestamp") or 0) for e in eventos if e.get("event") == "user"]
        ultima = max((t for t in escritas if t > depois), default=None)
        return datetime.fromtimestamp(ultima, timezone.utc) if ultima is not None else None

    async def retomar_respondidos() -> int:
        """Move back to "em atendimento" each ticket waiting for a beneficiary who has written since."""
        retomados = 0
        with fabrica() as db:
            for ticket, desde in fluxo.esperando_o_beneficiario(session=db):
                if await escreveu_depois(db, ticket, desde) is not None:
                    fluxo.beneficiario_respondeu(ticket, session=db)
                    db.commit()
                    retomados += 1
        return retomados

    async def marcar_mensagens_novas() -> int:
        """Mark each ticket whose beneficiary wrote to the agent who has the conversation, since last seen."""
        marcados = 0
        with fabrica() as db:
            for ticket, desde in fluxo.com_o_atendente(session=db):
                quando = await escreveu_depois(db, ticket, desde)
                if quando is not None:
                    fluxo.beneficiario_escreveu(ticket, quando, session=db)
                    db.commit()
                    marcados += 1
        return marcados

    async def vigiar_esperas() -> None:
        while True:
            await asyncio.sleep(settings.handoff_wait_check_seconds)
            try:
                await retomar_respondidos()
                await marcar_mensagens_novas()
                await avisar_esperas()
            except Exception:  # noqa: BLE001 - the watch must outlive one bad pass (database or Rasa down)
                logger.exception("painel: falha ao verificar conversas à espera de atendente")

    @app.after_server_start
    async def iniciar(app_: Sanic, _: Any) -> None:
        app_.add_task(vigiar_esperas())

    @app.after_server_stop
    async def fechar(*_: Any) -> None:
        engine.dispose()

    return app
