"""Option 1: reimbursement requests of the demo family, lookups by protocol and guidance (Arts. 71-72)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from actions.base import mensagem_do_pedido
from actions.formatting import format_date, format_money
from actions.reembolso import ActionConsultarReembolso, pede_orientacao
from bot.db import repository, seed
from bot.db.models import Beneficiary, Reimbursement
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, slot_events, texts


def _load(query):
    """Run ``query(session)`` on the demo database and return its result."""
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        result = query(session)
    engine.dispose()
    return result


def _family():
    def query(session):
        people = {}
        for key, cpf in (
            ("maria", seed.DEMO_TITULAR_CPF),
            ("jose", seed.DEMO_SPOUSE_CPF),
            ("ana", seed.DEMO_DAUGHTER_CPF),
        ):
            row = repository.find_beneficiary_by_cpf(cpf, session=session)
            people[key] = (row.id, repository.list_reimbursements([row.id], session=session))
        return people

    return _load(query)


def _tracker(beneficiary_id, text="reembolso", **extra):
    slots = {"identificado": True, "beneficiario_id": str(beneficiary_id)}
    return make_tracker(slots, text=text, intent="reembolso", **extra)


def _shown(dispatcher) -> str:
    return "\n".join(t for t in texts(dispatcher) if t)


def test_titular_sees_the_whole_family_with_figures(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    events = ActionConsultarReembolso().atender(dispatcher, _tracker(maria_id), maria_id, escolha="todos")
    shown = _shown(dispatcher)
    all_requests = [r for _, requests in family.values() for r in requests]
    assert len(all_requests) == 5
    for request in all_requests:
        assert request.protocol in shown
        assert format_money(request.amount_requested) in shown
    # Names tell whose request it is when several people are listed.
    for name in ("Maria", "José", "Ana"):
        assert name in shown
    paid = next(r for r in all_requests if r.status == "pago")
    assert f"Pago em {format_date(paid.paid_on)}" in shown
    assert "R$ 1.034,50" in shown
    approved = next(r for r in all_requests if r.status == "aprovado")
    assert f"Pagamento até {format_date(approved.documents_complete_on + timedelta(days=30))}" in shown
    pending = next(r for r in all_requests if r.status == "pendente_documentos")
    assert seed.PENDING_DOCUMENTS[0] in shown and seed.PENDING_DOCUMENTS[2] in shown
    assert pending.documents_complete_on is None
    assert "Art. 72, §4º" in shown
    assert seed.DENIAL_REASONS_REIMBURSEMENT[0] in shown
    assert "Aguardando documentos" in shown and "Negado" in shown
    # Newest first: Ana's request of 5 days ago comes before José's denied one of 200 days ago.
    assert shown.index(family["ana"][1][0].protocol) < shown.index(family["jose"][1][-1].protocol)
    assert slot_events(events)["paginas"] is None
    assert texts(dispatcher)[-1] == "utter_algo_mais"


async def test_titular_is_asked_whose_requests(dispatcher):
    maria_id = _family()["maria"][0]
    events = await ActionConsultarReembolso().run(dispatcher, _tracker(maria_id), {})
    assert slot_events(events) == {"opcao_pendente": "reembolso", "escolher_pessoa": True}
    assert dispatcher.messages == []


def test_titular_choosing_a_dependant_sees_only_hers(dispatcher):
    family = _family()
    maria_id, ana_id = family["maria"][0], family["ana"][0]
    ActionConsultarReembolso().atender(dispatcher, _tracker(maria_id), maria_id, escolha=str(ana_id))
    shown = _shown(dispatcher)
    # The list says whose it is: Maria took Ana's claims for her own.
    assert shown.startswith("Pedidos de reembolso de Ana (")
    assert family["ana"][1][0].protocol in shown
    assert "R$ 890,00" in shown
    assert "Em análise" in shown
    for other in family["maria"][1] + family["jose"][1]:
        assert other.protocol not in shown


async def test_dependant_sees_only_his_own_requests(dispatcher):
    family = _family()
    jose_id = family["jose"][0]
    await ActionConsultarReembolso().run(dispatcher, _tracker(jose_id), {})
    shown = _shown(dispatcher)
    for own in family["jose"][1]:
        assert own.protocol in shown
    for other in family["maria"][1] + family["ana"][1]:
        assert other.protocol not in shown
    assert "R$ 450,00" not in shown


async def test_protocol_of_another_person_is_not_revealed(dispatcher):
    family = _family()
    jose_id = family["jose"][0]
    maria_protocol = family["maria"][1][0].protocol
    await ActionConsultarReembolso().run(dispatcher, _tracker(jose_id, f"reembolso protocolo {maria_protocol}"), {})
    shown = _shown(dispatcher)
    assert "Não encontrei esse protocolo entre os seus pedidos" in shown
    assert "R$ 450,00" not in shown and "Maria" not in shown


async def test_titular_looks_up_a_dependants_protocol_without_being_asked_whose(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    paid = next(r for r in family["jose"][1] if r.status == "pago")
    events = await ActionConsultarReembolso().run(dispatcher, _tracker(maria_id, f"cadê o {paid.protocol}"), {})
    shown = _shown(dispatcher)
    assert slot_events(events).get("escolher_pessoa") is not True
    assert paid.protocol in shown and "José" in shown
    assert format_money(paid.amount_approved) in shown
    assert family["maria"][1][0].protocol not in shown


async def test_how_to_ask_gives_the_guidance_not_the_list(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    events = await ActionConsultarReembolso().run(
        dispatcher, _tracker(maria_id, "quais documentos preciso pra pedir reembolso"), {}
    )
    shown = _shown(dispatcher)
    assert slot_events(events).get("escolher_pessoa") is not True
    assert "formulário" in shown and "www.cemigsaude.org.br" in shown
    for numeral in ("I.", "II.", "III.", "IV.", "V."):
        assert f"\n{numeral} " in shown
    assert "registro ANVISA" in shown and "LPP" in shown
    assert "urgência e emergência" in shown and "alto custo" in shown
    assert "Arts. 71 e 72" in shown and "(Art. 72 do Regulamento)" in shown
    assert family["maria"][1][0].protocol not in shown


def test_guidance_words():
    assert pede_orientacao("como faço para solicitar reembolso")
    assert pede_orientacao("tenho direito a reembolso?")
    assert not pede_orientacao("como está meu reembolso?")
    assert not pede_orientacao("meu reembolso ja foi pago?")


def test_question_is_read_from_before_the_choice_of_person():
    events = [
        {"event": "user", "text": "como pedir reembolso", "parse_data": {"intent": {"name": "reembolso"}}},
        {"event": "user", "text": "2", "parse_data": {"intent": {"name": "escolher"}}},
    ]
    tracker = make_tracker({}, text="2", intent="escolher", events=events)
    assert mensagem_do_pedido(tracker, "reembolso")["text"] == "como pedir reembolso"


async def test_no_requests_is_a_clear_answer_with_guidance(dispatcher):
    def query(session):
        with_requests = select(Reimbursement.beneficiary_id)
        return session.execute(
            select(Beneficiary.id).where(Beneficiary.kind != "titular", Beneficiary.id.not_in(with_requests))
        ).scalar()

    beneficiary_id = _load(query)
    await ActionConsultarReembolso().run(dispatcher, _tracker(beneficiary_id), {})
    shown = _shown(dispatcher)
    assert "Você não tem pedidos de reembolso registrados." in shown
    assert "Art. 72" in shown and "4175" not in shown


def test_long_lists_are_paged(dispatcher):
    family = _family()
    maria_id, ana_id = family["maria"][0], family["ana"][0]
    today = family["ana"][1][0].requested_on
    extra = [
        Reimbursement(
            protocol=f"9999999999999999999{n}",
            beneficiary_id=ana_id,
            requested_on=today - timedelta(days=300 + n),
            service_date=today - timedelta(days=301 + n),
            service_description="Consulta de urgência",
            status="pago",
            amount_requested=Decimal("100.00"),
            amount_approved=Decimal("100.00"),
            documents_complete_on=today - timedelta(days=300 + n),
            paid_on=today - timedelta(days=290 + n),
        )
        for n in range(3)
    ]

    def add(session):
        session.add_all(extra)
        session.commit()

    def remove(session):
        session.execute(
            delete(Reimbursement)
            .where(Reimbursement.protocol.like("9999999999999999999%"))
            .execution_options(synchronize_session=False)
        )
        session.commit()

    _load(add)
    try:
        events = ActionConsultarReembolso().atender(dispatcher, _tracker(maria_id), maria_id, escolha="todos")
    finally:
        _load(remove)
    shown = _shown(dispatcher)
    assert "Mostrando 5 de 8" in shown
    # The three oldest (the extra ones) wait for "mais".
    pages = slot_events(events)["paginas"]
    assert len(pages) == 1 and pages[0].count("Protocolo") == 3
    assert "99999999999999999990" in pages[0] and "99999999999999999990" not in shown


async def test_unidentified_user_sees_no_request(dispatcher):
    events = await ActionConsultarReembolso().run(dispatcher, make_tracker(text="reembolso", intent="reembolso"), {})
    shown = _shown(dispatcher)
    assert "4175" not in shown and "R$" not in shown
    assert slot_events(events)["opcao_pendente"] == "reembolso"


async def test_titular_naming_a_family_member_is_not_asked_whose(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    events = await ActionConsultarReembolso().run(dispatcher, _tracker(maria_id, "e o da minha filha?"), {})
    shown = _shown(dispatcher)
    assert slot_events(events).get("escolher_pessoa") is False
    assert family["ana"][1][0].protocol in shown
    for other in family["maria"][1] + family["jose"][1]:
        assert other.protocol not in shown


async def test_a_dependant_naming_another_member_still_sees_only_his_own(dispatcher):
    family = _family()
    jose_id = family["jose"][0]
    await ActionConsultarReembolso().run(dispatcher, _tracker(jose_id, "e o da minha filha?"), {})
    shown = _shown(dispatcher)
    for other in family["maria"][1] + family["ana"][1]:
        assert other.protocol not in shown
    for own in family["jose"][1]:
        assert own.protocol in shown


def test_an_identified_member_asking_about_the_network_gets_the_central_not_her_claims(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)}, text="rede credenciada",
                           intent="reembolso")
    events = ActionConsultarReembolso().atender(dispatcher, tracker, maria_id)
    shown = _shown(dispatcher)
    assert "rede credenciada" in shown and "Pedidos de reembolso" not in shown and events == []


def test_asking_the_deadline_after_the_list_gets_each_open_request_and_its_date(dispatcher):
    # "e o prazo?" after the list showed the whole list again.
    family = _family()
    maria_id, requests = family["maria"]
    events = ActionConsultarReembolso().atender(dispatcher, _tracker(maria_id, text="e o prazo?"), maria_id,
                                                escolha=str(maria_id))
    shown = _shown(dispatcher)
    assert shown.startswith("Prazos dos pedidos em aberto de Maria:")
    assert "Valor pedido" not in shown  # not the list again
    open_ones = [r for r in requests if r.status in ("em_analise", "pendente_documentos", "aprovado")]
    assert open_ones
    for request in requests:
        assert (request.protocol in shown) == (request in open_ones)
    for request in open_ones:
        line = next(x for x in shown.splitlines() if request.protocol in x)
        if request.status == "pendente_documentos":
            assert "os 30 dias só começam quando os documentos que faltam chegarem" in line
        else:
            due = request.documents_complete_on + timedelta(days=30)
            assert format_date(due) in line
    assert "Art. 72" in shown
    assert slot_events(events).get("paginas") is None


def test_a_deadline_question_without_open_requests_says_so(dispatcher):
    jose_id, requests = _family()["jose"]
    assert {r.status for r in requests} == {"pago", "negado"}  # the demo: one paid, one denied
    ActionConsultarReembolso().atender(dispatcher, _tracker(jose_id, text="quando vou receber?"), jose_id)
    shown = _shown(dispatcher)
    assert shown.startswith("Não há pedido de reembolso de José esperando pagamento.")
    assert not any(r.protocol in shown for r in requests)


def test_a_reimbursement_below_what_was_paid_is_explained_by_the_lpp_table(dispatcher):
    from actions.reembolso import VALOR_PELA_TABELA

    family = _family()
    jose_id = family["jose"][0]
    # "pq pagaram so 1034 se eu gastei 1280??" was the list of boletos (financeiro) and then "só o titular".
    texto = "pq pagaram so 1034 se eu gastei 1280?? quero recorrer disso"
    ActionConsultarReembolso().atender(dispatcher, _tracker(jose_id, texto), jose_id)
    shown = _shown(dispatcher)
    assert shown.startswith(VALOR_PELA_TABELA)
    assert "Atendimento de emergência com exames de imagem" in shown
    assert "Calculado pela tabela LPP (Art. 72): a diferença de R$ 245,50 não é reembolsada." in shown
    # Only the requests paid below what was asked: the denied one is not in this answer.
    negado = [r for r in family["jose"][1] if r.status == "negado"][0]
    assert negado.protocol not in shown
    assert "digite 0 para falar com um atendente" in shown


def test_contesting_a_denied_reimbursement_says_how(dispatcher):
    from actions.reembolso import REVISAO_DO_REEMBOLSO

    family = _family()
    jose_id = family["jose"][0]
    negado = [r for r in family["jose"][1] if r.status == "negado"][0]
    # "como recorro dessa negativa do reembolso?" got how to ask for a reimbursement.
    ActionConsultarReembolso().atender(dispatcher, _tracker(jose_id, "como recorro dessa negativa do reembolso?"),
                                       jose_id)
    shown = _shown(dispatcher)
    assert negado.protocol in shown and REVISAO_DO_REEMBOLSO in shown and "Art. 72, §3º" in REVISAO_DO_REEMBOLSO
    # u16: the answer to "quero recorrer do reembolso" said "Não concorda? Escreva quero recorrer do reembolso".
    assert "Escreva *quero recorrer do reembolso*" not in shown


def test_the_deadline_to_ask_is_answered_not_the_documents_again(dispatcher):
    # "qual o prazo maximo pra pedir reembolso?" got 25 lines of documents and rules, and no deadline.
    maria_id = _family()["maria"][0]
    ActionConsultarReembolso().atender(dispatcher, _tracker(maria_id, "qual o prazo maximo pra pedir reembolso?"),
                                       maria_id)
    shown = _shown(dispatcher)
    assert "não fixa um prazo para pedir" in shown and "30 dias depois da entrega" in shown
    assert "Documentos (Art. 72" not in shown and "Pedidos de reembolso" not in shown


def test_a_private_elective_visit_is_said_not_to_be_reimbursed(dispatcher):
    maria_id = _family()["maria"][0]
    ActionConsultarReembolso().atender(dispatcher, _tracker(maria_id, "consulta particular tem reembolso?"), maria_id)
    shown = _shown(dispatcher)
    assert "urgência e emergência" in shown and "não é reembolsado" in shown
    assert "Pedidos de reembolso" not in shown


def test_general_questions_before_identifying_get_the_rule():
    acao = ActionConsultarReembolso()
    assert "não fixa um prazo" in acao.orientacao_geral("e o prazo pra pedir?")[0]
    assert acao.orientacao_geral("e o prazo?") == ["O reembolso é pago em até 30 dias depois da entrega de todos os "
                                                   "documentos (Art. 72 do Regulamento)."]
    # Asking for one's own payment date needs one's requests: no general answer, the CPF is asked.
    assert acao.orientacao_geral("quando vou receber meu reembolso?") == []


def test_how_much_is_given_back_before_identifying_gets_the_lpp_rule():
    # "e quanto eles devolvem?" asked for a CPF; how the amount is calculated is the same for everyone.
    acao = ActionConsultarReembolso()
    assert acao.orientacao_geral("e quanto eles devolvem?")[0].startswith("O reembolso é calculado pela tabela")
    assert acao.orientacao_geral("quanto devolveram do meu reembolso?") == []


async def test_how_to_send_what_is_missing_names_the_requests_waiting_for_documents(dispatcher):
    # u16: told to "cite o protocolo do reembolso" without being told which; u17: "como mando o relatorio do medico
    # pro reembolso?" got the whole list of documents.
    from actions.reembolso_regras import DOCUMENTOS_QUE_FALTAM, ENVIO_DOS_DOCUMENTOS

    family = _family()
    # The demo data leaves Maria's urgent care consultation waiting for two documents.
    pessoa_id = family["maria"][0]
    pendentes = [r for r in family["maria"][1] if r.status == "pendente_documentos"]
    outros = [r for r in family["maria"][1] if r.status != "pendente_documentos"]
    assert pendentes
    for pergunta, resposta in (("como eu mando o relatorio e o recibo que falta?", DOCUMENTOS_QUE_FALTAM),
                               ("como mando o relatorio do medico pro reembolso?", ENVIO_DOS_DOCUMENTOS)):
        said = type(dispatcher)()
        await ActionConsultarReembolso().run(said, _tracker(pessoa_id, pergunta), {})
        shown = texts(said)
        assert shown[0] == resposta and shown[-1] == "utter_algo_mais"
        assert shown[1].startswith("Aguardando documentos:")
        assert all(r.protocol in shown[1] for r in pendentes)
        assert not any(r.protocol in "\n".join(shown) for r in outros)


async def test_how_much_and_what_is_missing_are_answered_not_the_whole_list_again(dispatcher):
    # u19: "quanto vou receber?" and "o que falta mandar?" after the list got the full list again.
    from actions.reembolso_regras import ABERTOS, ENVIO_DOS_DOCUMENTOS

    family = _family()
    pessoa_id, pedidos = family["maria"]
    abertos = [r for r in pedidos if r.status in ABERTOS]
    fechados = [r for r in pedidos if r.status not in ABERTOS]
    assert abertos
    # Asked after the list, whose requests is known (the list's): all of the family's here.
    ActionConsultarReembolso().atender(dispatcher, _tracker(pessoa_id, "quanto vou receber?"), pessoa_id,
                                       escolha="todos")
    shown = texts(dispatcher)
    assert shown[0].startswith("Valores dos pedidos em aberto") and shown[-1] == "utter_algo_mais"
    assert all(r.protocol in shown[0] for r in abertos) and not any(r.protocol in shown[0] for r in fechados)
    assert "R$" in shown[0]
    falta = type(dispatcher)()
    ActionConsultarReembolso().atender(falta, _tracker(pessoa_id, "o que falta mandar?"), pessoa_id,
                                       escolha="todos")
    assert texts(falta)[0] == ENVIO_DOS_DOCUMENTOS and texts(falta)[1].startswith("Aguardando documentos:")


async def test_nothing_missing_is_said_when_no_request_waits_for_documents(dispatcher):
    # u20: "e o que falta mandar nesse?" about Ana's request under analysis got the how-to-send text.
    from actions.reembolso import NADA_FALTA

    family = _family()
    sem_pendencia = [k for k, (_, pedidos) in family.items()
                     if pedidos and not any(r.status == "pendente_documentos" for r in pedidos)]
    assert sem_pendencia, "the demo data has someone with requests and nothing missing"
    pessoa_id = family[sem_pendencia[0]][0]
    ActionConsultarReembolso().atender(dispatcher, _tracker(pessoa_id, "e o que falta mandar nesse?"), pessoa_id,
                                       escolha=str(pessoa_id))
    assert texts(dispatcher)[0].startswith(NADA_FALTA.split("{")[0]) and "utter_algo_mais" in texts(dispatcher)
