"""The console's ticket workflow, on SQLite and PostgreSQL, without a browser."""

from __future__ import annotations

from datetime import date

import pytest

from bot.db.models import Agent, Ticket, TicketAccess, TicketEvent
from painel import fluxo
from painel.fluxo import Filtro, FluxoError


def _carregar(db, agent_id, ticket_id=None):
    session = db.session_factory()
    agente = session.get(Agent, agent_id)
    ticket = session.get(Ticket, ticket_id) if ticket_id else None
    return session, agente, ticket


def test_queue_lists_only_the_agents_inboxes_sorted_by_deadline(db, rules, novo_agente, novo_chamado):
    ana = novo_agente("ana", ["relacionamento"])
    tarde = novo_chamado(due=date(2026, 12, 10))
    cedo = novo_chamado(due=date(2026, 12, 3))
    sem_prazo = novo_chamado(due=None)
    novo_chamado(caixa="ouvidoria", due=date(2026, 12, 1))
    novo_chamado(due=date(2026, 12, 1), status="encerrado")
    session, agente, _ = _carregar(db, ana)
    with session:
        ids = [t.id for t in fluxo.fila(agente, Filtro(), session=session, rules=rules)]
    assert ids == [cedo, tarde, sem_prazo]


def test_filters_by_status_channel_category_and_protocol(db, rules, novo_agente, novo_chamado):
    ana = novo_agente("ana", ["relacionamento"])
    zap = novo_chamado(channel="whatsapp")
    tele = novo_chamado(channel="telegram", category="reembolso", conversa="telegram:42")
    fechado = novo_chamado(status="encerrado")
    session, agente, _ = _carregar(db, ana)
    with session:
        def ids(**kw):
            return [t.id for t in fluxo.fila(agente, Filtro(**kw), session=session, rules=rules)]

        assert ids(canal="telegram") == [tele]
        assert ids(categoria="falar_atendente") == [zap]
        assert ids(status="encerrado") == [fechado]
        protocolo = session.get(Ticket, tele).protocol
        assert ids(protocolo=f" {protocolo[:8]}.{protocolo[8:]} ") == [tele]
        assert fluxo.contagem_por_status(agente, session=session, rules=rules)["encerrado"] == 1


def test_confidential_inbox_exists_only_for_clinical_agents(db, rules, novo_agente, novo_chamado):
    leigo = novo_agente("leigo", ["relacionamento", "area_clinica"])
    medica = novo_agente("medica", ["area_clinica"], clinical=True)
    clinico = novo_chamado(caixa="area_clinica", category="tele_clinica")
    with db.session_factory() as session:
        leigo_agente, medica_agente = session.get(Agent, leigo), session.get(Agent, medica)
        assert fluxo.abrir(leigo_agente, clinico, session=session, rules=rules) is None
        assert fluxo.fila(leigo_agente, Filtro(), session=session, rules=rules) == []
        assert fluxo.contagem_por_status(leigo_agente, session=session, rules=rules)["aberto"] == 0
        assert fluxo.abrir(medica_agente, clinico, session=session, rules=rules).id == clinico
        session.commit()
        acessos = session.query(TicketAccess).all()
    assert [(a.agent_id, a.ticket_id) for a in acessos] == [(medica, clinico)]


def test_take_reply_and_close_leaves_a_history(db, rules, novo_agente, novo_chamado):
    ana = novo_agente("ana", ["relacionamento"])
    chamado = novo_chamado()
    session, agente, ticket = _carregar(db, ana, chamado)
    with session:
        fluxo.assumir(agente, ticket, session=session)
        assert ticket.status == "em_atendimento" and ticket.assigned_agent_id == ana
        fluxo.anotar(agente, ticket, "cliente ligou antes", session=session)
        resposta = fluxo.registrar_resposta(agente, ticket, "Olá, sou a Ana.", session=session)
        fluxo.marcar_entrega(resposta, None)
        with pytest.raises(FluxoError, match="resolução"):
            fluxo.mudar_status(agente, ticket, "encerrado", session=session)
        fluxo.mudar_status(agente, ticket, "encerrado", session=session, resolucao="2ª via enviada por e-mail.")
        session.commit()
        kinds = [(e.kind, e.public) for e in fluxo.historico(ticket, session=session)]
        ultima = fluxo.ultima_atualizacao_publica(ticket, session=session)
        assert ticket.resolution == "2ª via enviada por e-mail."
        assert ultima.new_value == "encerrado" and ultima.text == "2ª via enviada por e-mail."
        with pytest.raises(FluxoError, match="encerrado"):
            fluxo.registrar_resposta(agente, ticket, "mais uma", session=session)
    assert kinds == [
        ("atribuicao", False), ("status", True), ("nota", False), ("resposta", True), ("status", True)
    ]
    assert resposta.delivery_status == "enviada" and resposta.attempts == 1


def test_status_moves_only_along_the_life_cycle(db, rules, novo_agente, novo_chamado):
    ana = novo_agente("ana", ["relacionamento"])
    session, agente, ticket = _carregar(db, ana, novo_chamado())
    with session:
        fluxo.mudar_status(agente, ticket, "aguardando_beneficiario", session=session)
        fluxo.mudar_status(agente, ticket, "em_atendimento", session=session)
        fluxo.mudar_status(agente, ticket, "resolvido", session=session, resolucao="feito")
        # Closing a resolved ticket keeps its resolution without asking again.
        fluxo.mudar_status(agente, ticket, "encerrado", session=session)
        assert ticket.resolution == "feito"
        with pytest.raises(FluxoError, match="Encerrado"):
            fluxo.mudar_status(agente, ticket, "aberto", session=session)


def test_failed_delivery_is_recorded_and_can_be_retried(db, rules, novo_agente, novo_chamado):
    ana = novo_agente("ana", ["relacionamento"])
    session, agente, ticket = _carregar(db, ana, novo_chamado())
    with session:
        resposta = fluxo.registrar_resposta(agente, ticket, "Oi", session=session)
        fluxo.marcar_entrega(resposta, "whatsapp recusou a mensagem: 63016")
        assert (resposta.delivery_status, resposta.attempts) == ("falhou", 1)
        fluxo.marcar_entrega(resposta, None)
        assert (resposta.delivery_status, resposta.delivery_error, resposta.attempts) == ("enviada", None, 2)


def test_reply_limits(db, rules, novo_agente, novo_chamado):
    ana = novo_agente("ana", ["relacionamento"])
    session, agente, ticket = _carregar(db, ana, novo_chamado())
    with session:
        with pytest.raises(FluxoError, match="escreva"):
            fluxo.registrar_resposta(agente, ticket, "   ", session=session)
        with pytest.raises(FluxoError, match="1600"):
            fluxo.registrar_resposta(agente, ticket, "x" * 1601, session=session)
        assert session.query(TicketEvent).count() == 0


def test_transfer_to_the_ombudsman_changes_inbox_and_tier(db, rules, novo_agente, novo_chamado):
    ana = novo_agente("ana", ["relacionamento"])
    session, agente, ticket = _carregar(db, ana, novo_chamado())
    with session:
        fluxo.assumir(agente, ticket, session=session)
        with pytest.raises(FluxoError, match="desconhecida"):
            fluxo.transferir(agente, ticket, "caixa_que_nao_existe", "motivo", session=session, rules=rules)
        with pytest.raises(FluxoError, match="só por e-mail"):
            fluxo.transferir(agente, ticket, "telemedicina", "motivo", session=session, rules=rules)
        with pytest.raises(FluxoError, match="motivo"):
            fluxo.transferir(agente, ticket, "ouvidoria", " ", session=session, rules=rules)
        fluxo.transferir(agente, ticket, "ouvidoria", "segunda instância pedida", session=session, rules=rules)
        assert ticket.inbox == rules.inboxes["ouvidoria"].address
        assert ticket.tier == "ouvidoria" and ticket.assigned_agent_id is None
        # u15: it read "em atendimento, com ninguém" and counted under no "aberto".
        assert ticket.status == "aberto"
        # It left Ana's queue.
        assert fluxo.abrir(agente, ticket.id, session=session, rules=rules) is None


def test_a_transfer_to_the_clinical_area_is_told_to_the_person_with_who_reads_it(db, rules, novo_agente,
                                                                                  novo_chamado):
    # Older item: a clinical transfer was silent; the person kept writing as if the first line still had it.
    ana = novo_agente("ana", ["relacionamento"])
    session, agente, ticket = _carregar(db, ana, novo_chamado())
    with session:
        fluxo.assumir(agente, ticket, session=session)
        fluxo.transferir(agente, ticket, "area_clinica", "dúvida sobre a conduta do médico", session=session,
                         rules=rules)
        told = fluxo.aviso_de_transferencia(ticket, rules)
        assert told == (f"Seu pedido de protocolo {ticket.protocol} passou para outra equipe (Área clínica), que "
                        "continua o atendimento por esta conversa. Só profissionais de saúde leem o que você "
                        "escrever sobre ele.")
        # The reason, which may be clinical, is the agents' own: never told.
        assert "conduta" not in told


def test_waiting_notice_picks_untaken_old_tickets_once(db, rules, novo_agente, novo_chamado):
    from datetime import timedelta

    from tests.painel.conftest import CRIADO

    velho = novo_chamado(created_at=CRIADO - timedelta(minutes=15))
    novo_chamado(created_at=CRIADO)
    with db.session_factory() as session:
        desde = CRIADO - timedelta(minutes=10)
        assert [t.id for t in fluxo.aguardando_atendente(session=session, desde=desde)] == [velho]
        session.add(TicketEvent(ticket_id=velho, kind="aviso_espera", public=True, attempts=0))
        session.commit()
        assert fluxo.aguardando_atendente(session=session, desde=desde) == []


def test_a_released_ticket_goes_back_to_open_and_is_not_told_to_wait_again(db, rules, novo_agente, novo_chamado):
    from datetime import timedelta

    from tests.painel.conftest import CRIADO

    ana = novo_agente("ana", ["relacionamento"])
    chamado = novo_chamado(created_at=CRIADO - timedelta(minutes=15))
    session, agente, ticket = _carregar(db, ana, chamado)
    with session:
        fluxo.assumir(agente, ticket, session=session)
        fluxo.liberar(agente, ticket, session=session)
        session.commit()
        assert (ticket.status, ticket.assigned_agent_id) == ("aberto", None)
        assert fluxo.contagem_por_status(agente, session=session, rules=rules)["aberto"] == 1
        # Somebody attended: the notice for a person nobody took is not sent for it.
        assert fluxo.aguardando_atendente(session=session, desde=CRIADO - timedelta(minutes=10)) == []


def test_the_search_finds_a_ticket_by_the_beneficiarys_cpf_or_name(db, rules, novo_agente, novo_chamado):
    # u15: searching the CPF (either way it is typed) or the name gave "Nenhum chamado nesta fila".
    from bot.db import repository, seed

    seed.seed_demo(session_factory=db.session_factory, families=2, today=date(2026, 12, 2))
    ana = novo_agente("ana", ["relacionamento"])
    dela, outro = novo_chamado(), novo_chamado()
    with db.session_factory() as session:
        maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session)
        session.get(Ticket, dela).beneficiary_id = maria.id
        session.commit()
    session, agente, _ = _carregar(db, ana, dela)
    with session:
        for busca in (seed.DEMO_TITULAR_CPF, "529.982.247-25", "maria aparecida", "Souza"):
            achados = fluxo.fila(agente, fluxo.Filtro(protocolo=busca), session=session, rules=rules)
            assert [t.id for t in achados] == [dela], busca
        protocolo = session.get(Ticket, outro).protocol
        assert [t.id for t in fluxo.fila(agente, fluxo.Filtro(protocolo=protocolo[-4:]), session=session,
                                         rules=rules)] == [outro]


def test_a_ticket_a_colleague_took_is_not_taken_over_by_a_stale_click(db, rules, novo_agente, novo_chamado):
    # u15: a second agent's page still read "com ninguém" after the first took the ticket, and "Assumir" there
    # silently took it over: both would answer the same beneficiary.
    ana, bia = novo_agente("ana", ["relacionamento"]), novo_agente("bia", ["relacionamento"])
    chamado = novo_chamado()
    session, agente_ana, ticket = _carregar(db, ana, chamado)
    with session:
        fluxo.assumir(agente_ana, ticket, session=session)
        agente_bia = session.get(Agent, bia)
        with pytest.raises(FluxoError, match="já está com Ana"):
            fluxo.assumir(agente_bia, ticket, session=session)
        assert ticket.assigned_agent_id == ana
        evento = fluxo.assumir(agente_bia, ticket, session=session, no_lugar=True)  # on purpose, asked first
        assert ticket.assigned_agent_id == bia and evento.old_value == "Ana"


def test_a_message_to_the_agent_who_has_the_conversation_is_marked_until_the_ticket_is_opened(
    db, rules, novo_agente, novo_chamado
):
    # u15: the person answered the agent, but the queue showed nothing unless the ticket was waiting for them.
    from datetime import timedelta

    from bot.db.models import utc_now

    ana = novo_agente("ana", ["relacionamento"])
    chamado = novo_chamado()
    outro = novo_chamado()  # taken, never answered in the conversation: the bot still talks there
    session, agente, ticket = _carregar(db, ana, chamado)
    with session:
        fluxo.assumir(agente, session.get(Ticket, outro), session=session)
        fluxo.registrar_resposta(agente, ticket, "Pode me mandar o recibo?", session=session)
        fluxo.pausar_conversa(agente, ticket, session=session)
        session.commit()
        [(com_ana, desde)] = fluxo.com_o_atendente(session=session)
        assert com_ana.id == chamado
        assert fluxo.com_mensagem_nova([ticket], session=session) == set()

        escreveu = utc_now() + timedelta(seconds=5)
        fluxo.beneficiario_escreveu(ticket, escreveu, session=session)
        session.commit()
        assert fluxo.com_mensagem_nova([ticket, session.get(Ticket, outro)], session=session) == {chamado}
        # The next look starts from that message: the same one is not marked twice.
        [(_, desde)] = fluxo.com_o_atendente(session=session)
        assert desde.replace(tzinfo=None) >= escreveu.replace(tzinfo=None)

        session.add(TicketAccess(ticket_id=chamado, agent_id=ana, at=escreveu + timedelta(seconds=30)))
        session.commit()
        assert fluxo.com_mensagem_nova([ticket], session=session) == set()

        # Handed back to the bot: what the person writes is for the bot again.
        fluxo.devolver_ao_bot(agente, ticket, session=session)
        session.commit()
        assert fluxo.com_o_atendente(session=session) == []


# -- u18 ---------------------------------------------------------------------------------------------------------

def test_a_search_keeps_the_status_chosen_beside_it(db, rules, novo_agente, novo_chamado):
    # u18: "Resolvido" and "Maria" listed open tickets beside the resolved ones.
    ana = novo_agente("ana", ["relacionamento"])
    aberto = novo_chamado()
    resolvido = novo_chamado(status="resolvido")
    session, agente, _ = _carregar(db, ana)
    with session:
        protocolo = session.get(Ticket, resolvido).protocol[:10]

        def ids(**kw):
            return sorted(t.id for t in fluxo.fila(agente, Filtro(**kw), session=session, rules=rules))

        assert ids(protocolo=protocolo, status="resolvido") == [resolvido]
        assert ids(protocolo=protocolo) == sorted([aberto, resolvido])  # a search alone looks at every status


def test_only_whoever_has_the_ticket_answers_the_beneficiary(db, rules, novo_agente, novo_chamado):
    # u18: Carlos answered, from his page, a ticket Bruna had taken; the beneficiary got two people at once.
    bruna, carlos = novo_agente("bruna", ["relacionamento"]), novo_agente("carlos", ["relacionamento"])
    chamado = novo_chamado()
    session, agente, ticket = _carregar(db, bruna, chamado)
    with session:
        fluxo.assumir(agente, ticket, session=session)
        session.commit()
        outro = session.get(Agent, carlos)
        with pytest.raises(FluxoError, match="Este chamado está com Bruna: para responder, assuma no lugar"):
            fluxo.registrar_resposta(outro, ticket, "Olá, aqui é o Carlos", session=session)
        fluxo.anotar(outro, ticket, "vi que o boleto já foi pago", session=session)  # a note still helps her
        fluxo.assumir(outro, ticket, session=session, no_lugar=True)
        assert fluxo.registrar_resposta(outro, ticket, "Olá, aqui é o Carlos", session=session).kind == "resposta"


def test_a_clinical_ticket_goes_only_to_a_clinical_inbox(db, rules, novo_agente, novo_chamado):
    # u18: one click moved an allergy and a diagnosis to the first line.
    medica = novo_agente("medica", ["area_clinica"], clinical=True)
    clinico = novo_chamado(caixa="area_clinica", category="tele_clinica")
    session, agente, ticket = _carregar(db, medica, clinico)
    with session:
        with pytest.raises(FluxoError, match="Um chamado clínico é confidencial"):
            fluxo.transferir(agente, ticket, "relacionamento", "assunto de boleto", session=session, rules=rules)
        assert ticket.inbox == rules.inboxes["area_clinica"].address


def test_the_clinical_tickets_of_a_conversation_are_known_to_hide_them_from_the_first_line(
    db, rules, novo_agente, novo_chamado
):
    # u18: "tenho depressão e não queria que aparecesse" (the clinical area's request), then "0": the first line
    # read the diagnosis on the second ticket.
    leigo = novo_agente("leigo", ["relacionamento"])
    medica = novo_agente("medica", ["area_clinica"], clinical=True)
    clinico = novo_chamado(caixa="area_clinica", category="tele_clinica", conversa="telegram:9180004")
    comum = novo_chamado(conversa="telegram:9180004")
    alheio = novo_chamado(conversa="telegram:111")
    with db.session_factory() as session:
        leigo_agente, medica_agente = session.get(Agent, leigo), session.get(Agent, medica)

        def protocolos(agente, ticket_id):
            ticket = session.get(Ticket, ticket_id)
            return fluxo.protocolos_confidenciais(agente, ticket, session=session, rules=rules)

        assert protocolos(leigo_agente, comum) == [session.get(Ticket, clinico).protocol]
        assert protocolos(medica_agente, clinico) == [] and protocolos(leigo_agente, alheio) == []


# -- u21 ---------------------------------------------------------------------------------------------------------

def test_after_a_transfer_and_a_reply_on_a_resolved_ticket_the_persons_messages_still_reach_a_queue(
    db, rules, novo_agente, novo_chamado
):
    # u21: transferred to the Ombudsman after a reply, the paused conversation's messages reached nobody; a reply on
    # a resolved ticket paused the bot while the ticket stayed out of the open queues.
    ana = novo_agente("ana", ["relacionamento"])
    transferido, resolvido = novo_chamado(), novo_chamado(status="resolvido", conversa="whatsapp:+5531999990001")
    session, agente, ticket = _carregar(db, ana, transferido)
    with session:
        fluxo.registrar_resposta(agente, ticket, "Vou verificar", session=session)
        fluxo.pausar_conversa(agente, ticket, session=session)
        fluxo.transferir(agente, ticket, "ouvidoria", "segunda instância", session=session, rules=rules)
        session.commit()
        assert ticket.status == "aberto" and [t.id for t, _ in fluxo.com_o_atendente(session=session)] == [
            transferido
        ]
        fechado = session.get(Ticket, resolvido)
        fluxo.registrar_resposta(agente, fechado, "Esqueci de dizer: o pagamento sai até 19/12.", session=session)
        assert fechado.status == "em_atendimento"


def test_the_agent_checks_the_identity_the_person_wrote_without_reading_it(db, novo_agente, novo_chamado):
    # u24: "meu cpf é 111.444.777-35", "nasci em 30/08/1972" written after "0" reached the agent masked, and the
    # ticket stayed "não identificado": the agent could not serve the person.
    from bot.db import seed

    seed.seed_demo(session_factory=db.session_factory, families=1, today=date(2026, 12, 2))
    ticket_id = novo_chamado()
    session, ana, ticket = _carregar(db, novo_agente("ana", ["relacionamento"]), ticket_id)
    with pytest.raises(FluxoError, match="não tem um CPF"):
        fluxo.identificar_pela_conversa(ana, ticket, ["0", "meu cpf é 111.444.777-35"], session=session)
    with pytest.raises(FluxoError, match="não conferem"):
        fluxo.identificar_pela_conversa(ana, ticket, ["meu cpf é 111.444.777-35", "nasci em 12/03/1975"],
                                        session=session)
    assert ticket.beneficiary_id is None
    textos = ["0", "meu cpf é 529.982.247-26", "ops, 529.982.247-25", "paguei dia 10/11/2026", "nasci em 12/03/1975"]
    evento = fluxo.identificar_pela_conversa(ana, ticket, textos, session=session)
    session.commit()
    assert ticket.beneficiary.cpf == seed.DEMO_TITULAR_CPF and evento.agent_id == ana.id
    assert "cadastro de Maria" in evento.text and "529" not in evento.text and "1975" not in evento.text
    with pytest.raises(FluxoError, match="já tem"):
        fluxo.identificar_pela_conversa(ana, ticket, textos, session=session)
    session.close()
