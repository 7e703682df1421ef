"""The reanalysis of a denied guide asked from the authorization's answer (actions/reanalise.py)."""

from __future__ import annotations

import pytest

from actions.ouvidoria import SEM_PROTOCOLO, ActionRegistrarOuvidoria, ValidateOuvidoriaForm
from actions.ouvidoria_leitura import PRIMEIRA, TIPOS
from actions.ouvidoria_perguntas import ActionExplicarOuvidoria
from actions.reanalise import SLOT_GUIA
from bot.db import repository, seed
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, slot_events, texts


def _ids():
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        ids = {
            nome: repository.find_beneficiary_by_cpf(cpf, session=session).id
            for nome, cpf in (("maria", seed.DEMO_TITULAR_CPF), ("jose", seed.DEMO_SPOUSE_CPF),
                              ("ana", seed.DEMO_DAUGHTER_CPF))
        }
        negada = repository.list_authorizations([ids["jose"]], session=session, statuses=["negada"])[0]
    engine.dispose()
    return ids, negada.guide_number


def _em_reanalise(beneficiario_id, guia, **outros):
    """The slots of the Ombudsman's form opened for the reanalysis of ``guia`` by ``beneficiario_id``."""
    return {"identificado": True, "beneficiario_id": str(beneficiario_id), "ouvidoria_protocolo": SEM_PROTOCOLO,
            "ouvidoria_instancia": PRIMEIRA, "ouvidoria_tipo": TIPOS["2"], SLOT_GUIA: guia, **outros}


def _pedido(beneficiario_id, texto="quero reanálise"):
    slots = {"identificado": True, "beneficiario_id": str(beneficiario_id)} if beneficiario_id else {}
    return make_tracker(slots, text=texto, intent="ouvidoria")


@pytest.mark.parametrize("quem", ["maria", "jose"])
async def test_the_titular_or_the_dependant_gets_the_denied_guide_named_and_only_the_case_asked(dispatcher, quem):
    ids, guia = _ids()
    eventos = await ActionExplicarOuvidoria().run(dispatcher, _pedido(ids[quem]), {})
    assert texts(dispatcher)[0].startswith(f"Vou pedir a reanálise da guia {guia} – Artroscopia de joelho (José)")
    assert slot_events(eventos) == {
        "ouvidoria_protocolo": SEM_PROTOCOLO, "ouvidoria_instancia": PRIMEIRA, "ouvidoria_tipo": TIPOS["2"],
        SLOT_GUIA: guia,
    }


@pytest.mark.parametrize("texto", ["quero reanálise", "quero pedir reanálise na ouvidoria"])
async def test_without_a_denied_guide_of_ones_own_or_naming_the_ombudsman_the_tiers_are_explained(dispatcher, texto):
    ids, _ = _ids()
    # Ana has no denied guide; the Ombudsman named by the person is the Ombudsman.
    for tracker in (_pedido(ids["ana"]), _pedido(ids["maria"], "quero pedir reanálise na ouvidoria")):
        dispatcher.messages.clear()
        eventos = await ActionExplicarOuvidoria().run(dispatcher, tracker, {})
        # The Ombudsman's form, which knows the kind already told.
        assert texts(dispatcher) == ["utter_ouvidoria"] and slot_events(eventos) == {"ouvidoria_tipo": TIPOS["2"]}


async def test_a_reanalysis_asked_before_identifying_identifies_through_the_authorizations(dispatcher):
    # "quero recorrer da negativa do meu joelho" got the Ombudsman's tiers and a protocol without any CPF.
    eventos = await ActionExplicarOuvidoria().run(
        dispatcher, _pedido(None, "quero recorrer da negativa do meu joelho"), {}
    )
    relido = [e for e in eventos if e.get("event") == "user"]
    assert relido[0]["parse_data"]["intent"]["name"] == "autorizacao" and not texts(dispatcher)


async def test_the_form_opened_for_a_reanalysis_keeps_its_answers_and_asks_only_the_case(dispatcher):
    ids, guia = _ids()
    tracker = make_tracker(_em_reanalise(ids["jose"], guia), text="quero reanálise", intent="ouvidoria")
    form = ValidateOuvidoriaForm()
    assert form.validate_ouvidoria_protocolo(SEM_PROTOCOLO, dispatcher, tracker, {}) == {
        "ouvidoria_protocolo": SEM_PROTOCOLO
    }
    # The kind set by the bot is no report: the case is still asked.
    assert form.validate_ouvidoria_tipo(TIPOS["2"], dispatcher, tracker, {}) == {"ouvidoria_tipo": TIPOS["2"]}
    assert await form.required_slots([], dispatcher, tracker, {}) == [
        "ouvidoria_protocolo", "ouvidoria_instancia", "ouvidoria_relato"
    ]


async def test_the_ticket_names_the_guide_and_goes_to_the_first_instance(dispatcher):
    ids, guia = _ids()
    slots = _em_reanalise(ids["jose"], guia, ouvidoria_relato="o médico disse que a fisioterapia não resolveu")
    eventos = await ActionRegistrarOuvidoria().run(dispatcher, make_tracker(slots, text="x"), {})
    dito = texts(dispatcher)[0]
    assert dito.startswith(f"Pedi a reanálise da guia {guia} (Artroscopia de joelho, José).\nSeu protocolo é")
    assert slot_events(eventos)[SLOT_GUIA] is None
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        numero = slot_events(eventos)["protocolo_da_conversa"]
        ticket = repository.find_ticket_by_protocol(numero, session=session)
        assert ticket.category == "autorizacao" and ticket.tier == "primeira_instancia"
        assert ticket.summary == (
            f"Pedido de reanálise da guia {guia} (Artroscopia de joelho, José): o médico disse que a fisioterapia "
            "não resolveu"
        )
    engine.dispose()


async def test_a_reanalysis_of_a_guide_not_denied_says_what_it_waits_for(dispatcher):
    # Maria: "quero reanálise da tomografia, ta demorando demais" was filed against José's denied arthroscopy.
    ids, guia = _ids()
    eventos = await ActionExplicarOuvidoria().run(
        dispatcher, _pedido(ids["maria"], "quero reanálise da tomografia, ta demorando demais"), {}
    )
    dito = texts(dispatcher)[0]
    assert dito.startswith("A reanálise é para um pedido negado, e este não foi negado:")
    assert "Tomografia computadorizada de crânio" in dito and "Artroscopia" not in dito and guia not in dito
    assert [e["name"] for e in eventos] == ["action_listen"]


def _no_motivo(guia, beneficiario_id, resposta):
    return make_tracker(_em_reanalise(beneficiario_id, guia, requested_slot="ouvidoria_relato"), text=resposta)


@pytest.mark.parametrize("resposta", ["quanto tempo demora?", "preciso mandar laudo?", "oq é essa DUT?"])
def test_a_question_instead_of_the_reason_is_answered_and_nothing_is_filed(dispatcher, resposta):
    from actions.autorizacao import DUT_DEFINICAO
    from actions.reanalise import DUVIDA_NA_REANALISE

    ids, guia = _ids()
    tracker = _no_motivo(guia, ids["jose"], resposta)
    assert ValidateOuvidoriaForm().validate_ouvidoria_relato(resposta, dispatcher, tracker, {}) == {
        "ouvidoria_relato": None
    }
    # The form asks the reason again next; the question got its answer first.
    assert texts(dispatcher) == [DUT_DEFINICAO if "DUT" in resposta else DUVIDA_NA_REANALISE]


def test_a_no_that_corrects_the_guide_files_nothing(dispatcher):
    from actions.ouvidoria import SLOTS
    from actions.pedido import DESISTIU
    from actions.reanalise import GUIA_ERRADA

    ids, guia = _ids()
    resposta = "nao!! é a MINHA tomografia, nao a do josé"
    resultado = ValidateOuvidoriaForm().validate_ouvidoria_relato(
        resposta, dispatcher, _no_motivo(guia, ids["maria"], resposta), {}
    )
    assert resultado == {nome: DESISTIU for nome in SLOTS} and texts(dispatcher) == [GUIA_ERRADA]
    # A reason that starts with "não" is a reason.
    motivo = "não concordo, o médico disse que ele precisa da cirurgia"
    assert ValidateOuvidoriaForm().validate_ouvidoria_relato(
        motivo, dispatcher, _no_motivo(guia, ids["jose"], motivo), {}
    ) == {"ouvidoria_relato": motivo}


def test_another_request_at_the_reason_question_files_nothing_and_says_how_to_get_it(dispatcher):
    # u16: "espera, antes me passa o número do meu cartão" was filed as José's reason for the review.
    from actions.ouvidoria import SLOTS
    from actions.pedido import DESISTIU

    ids, guia = _ids()
    resposta = "espera, antes me passa o número do meu cartão"
    resultado = ValidateOuvidoriaForm().validate_ouvidoria_relato(
        resposta, dispatcher, _no_motivo(guia, ids["jose"], resposta), {}
    )
    assert resultado == {nome: DESISTIU for nome in SLOTS}
    assert texts(dispatcher) == ["Para ver número de cartão, digite 3. A reanálise eu peço quando você quiser: "
                                 "escreva *quero reanálise*."]


async def test_a_second_reanalysis_of_the_same_guide_gets_the_open_protocol_and_the_list_shows_it(dispatcher):
    from actions.autorizacao import ActionConsultarAutorizacao

    ids, guia = _ids()
    slots = _em_reanalise(ids["maria"], guia, ouvidoria_relato="o ortopedista disse que ele precisa da artroscopia")
    eventos = await ActionRegistrarOuvidoria().run(dispatcher, make_tracker(slots, text="x"), {})
    numero = slot_events(eventos)["protocolo_da_conversa"]
    # José asks again: seven protocols were opened for one guide; now the one open is told.
    de_novo = type(dispatcher)()
    eventos = await ActionExplicarOuvidoria().run(de_novo, _pedido(ids["jose"]), {})
    assert texts(de_novo)[0].startswith(f"A reanálise da guia {guia} (Artroscopia de joelho, José) já foi pedida: "
                                        f"protocolo {numero}.")
    assert [e["name"] for e in eventos] == ["action_listen"]
    # His list says it was asked, instead of "Não concorda? Escreva *quero reanálise*".
    lista = type(dispatcher)()
    ActionConsultarAutorizacao().atender(lista, _pedido(ids["jose"], "autorização"), ids["jose"])
    mostrado = "\n".join(t for t in texts(lista) if t)
    assert f"Reanálise pedida: protocolo {numero}, resposta até" in mostrado and "quero reanálise" not in mostrado


def _depois_das_guias(beneficiario_id, texto, intent):
    pedido = {"event": "user", "text": "5", "parse_data": {"intent": {"name": "autorizacao"}}}
    agora = {"event": "user", "text": texto, "parse_data": {"intent": {"name": intent}}}
    slots = {"identificado": True, "beneficiario_id": str(beneficiario_id)}
    lista = {"event": "bot", "text": "*Guia 20260000003*\nArtroscopia de joelho\nSituação: Negada"}
    return make_tracker(slots, text=texto, intent=intent, events=[pedido, lista, agora])


async def test_a_request_naming_what_the_doctor_ordered_files_no_review(dispatcher):
    # u27: "Preciso de 3 coisas: …, se a ressonancia do joelho que o medico pediu precisa de autorizacao e …" filed a
    # review of José's denied arthroscopy, which nobody had mentioned, with a protocol.
    from actions.autorizacao import ActionConsultarAutorizacao

    ids, _ = _ids()
    texto = ("Preciso de 3 coisas: qual o numero da minha carteirinha, se a ressonancia do joelho que o medico pediu "
             "precisa de autorizacao e quando vence meu boleto desse mes.")
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(ids["maria"])}, text=texto,
                           intent="autorizacao", events=[{"event": "user", "text": texto}])
    eventos = ActionConsultarAutorizacao().atender(dispatcher, tracker, ids["maria"], escolha="todos")
    assert not any("reanálise da guia" in t for t in texts(dispatcher) if t)
    assert not [e for e in eventos if e.get("event") == "followup" and e.get("name") == "ouvidoria_form"]
    # Disagreeing with no denial just shown is no review either.
    absurdo = type(dispatcher)()
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(ids["jose"])},
                           text="isso é um absurdo, meu médico disse que preciso", intent="autorizacao")
    ActionConsultarAutorizacao().atender(absurdo, tracker, ids["jose"])
    assert not any("reanálise da guia" in t for t in texts(absurdo) if t)


async def test_disagreeing_after_the_denied_guide_is_its_reanalysis_not_the_teleconsultation_desk(dispatcher):
    from actions.autorizacao import ActionConsultarAutorizacao
    from actions.teleconsulta import ActionPrepararTeleconsulta

    ids, guia = _ids()
    texto = "isso é um absurdo, meu médico disse que preciso"
    # The classifier's guess (the desk's clinical inbox, a ticket with a name and a CPF) goes back to the topic...
    eventos = await ActionPrepararTeleconsulta().run(dispatcher, _depois_das_guias(ids["jose"], texto, "tele_clinica"),
                                                     {})
    relido = [e for e in eventos if e.get("event") == "user"]
    assert relido[0]["parse_data"]["intent"]["name"] == "autorizacao" and not texts(dispatcher)
    # ... where disagreeing with a denied guide is asking its reanalysis: the guide named and the form opened from
    # there (putting the message back would undo an identification made in the same turn).
    eventos = ActionConsultarAutorizacao().atender(dispatcher, _depois_das_guias(ids["jose"], texto, "autorizacao"),
                                                   ids["jose"])
    assert texts(dispatcher)[0].startswith(f"Vou pedir a reanálise da guia {guia}")
    assert [e["name"] for e in eventos if e.get("event") == "followup"] == ["ouvidoria_form"]
    assert not [e for e in eventos if e.get("event") in ("user", "rewind")]
    # Said to the Ombudsman's opening with the authorizations as the topic, the same (the rule opens the form).
    ouvidoria = type(dispatcher)()
    eventos = await ActionExplicarOuvidoria().run(ouvidoria, _depois_das_guias(ids["jose"], texto, "ouvidoria"), {})
    assert texts(ouvidoria)[0].startswith(f"Vou pedir a reanálise da guia {guia}")
    assert not [e for e in eventos if e.get("event") == "followup"]
    # "posso recorrer?" asks how: the rule, not the request.
    pergunta = type(dispatcher)()
    ActionConsultarAutorizacao().atender(pergunta, _depois_das_guias(ids["jose"], "posso recorrer?", "autorizacao"),
                                         ids["jose"])
    assert texts(pergunta)[0].startswith("Não concorda com a negativa?")


async def test_a_reanalysis_the_classifier_did_not_place_is_still_asked(dispatcher):
    from actions.conversa import ActionFallback
    from actions.sessao import ActionSair

    ids, guia = _ids()
    # "...vcs negaram!!!" fell back ("não entendi").
    texto = "isso é um absurdo, meu médico disse que preciso operar o joelho e vcs negaram!!!"
    eventos = await ActionFallback().run(dispatcher, _pedido(ids["jose"], texto), {})
    assert texts(dispatcher)[0].startswith(f"Vou pedir a reanálise da guia {guia}")
    assert [e["name"] for e in eventos if e.get("event") == "followup"] == ["ouvidoria_form"]
    # "já saiu? se não saiu quero recorrer" was read as leaving (sair) and logged Maria out.
    sair = type(dispatcher)()
    texto = "e a minha tomografia? ja saiu? se nao saiu quero recorrer tb"
    eventos = await ActionSair().run(sair, _pedido(ids["maria"], texto), {})
    assert texts(sair)[0].startswith("A reanálise é para um pedido negado, e este não foi negado:")
    assert not [e for e in eventos if e.get("name") == "identificado"]


async def test_a_denied_reimbursement_is_not_taken_for_a_guide(dispatcher):
    from actions.reanalise import atender_pedido_de_reanalise

    ids, _ = _ids()
    depois_do_reembolso = make_tracker(
        {"identificado": True, "beneficiario_id": str(ids["jose"])}, text="e o do cardiologista q vcs negaram?",
        events=[{"event": "user", "text": "reembolso", "parse_data": {"intent": {"name": "reembolso"}}},
                {"event": "bot", "text": "..."},
                {"event": "user", "text": "quero recorrer desse tb", "parse_data": {"intent": {"name": "ouvidoria"}}}],
    )
    # Read again as a reimbursement question, whose answer says how to contest a denied one.
    for tracker, texto in ((depois_do_reembolso, "quero recorrer desse tb"),
                           (_pedido(ids["jose"]), "quero recorrer do reembolso negado")):
        eventos = atender_pedido_de_reanalise(dispatcher, tracker, texto)
        relido = [e for e in eventos if e.get("event") == "user"]
        assert relido[0]["parse_data"]["intent"]["name"] == "reembolso"
    assert not texts(dispatcher)


@pytest.mark.parametrize("resposta", ["nao concordo, quero recorrer", "absurdo isso!!!"])
def test_a_protest_without_a_reason_is_asked_the_reason(dispatcher, resposta):
    # José's "nao concordo, quero recorrer" at "por que discorda?" was filed as the doctor's reason.
    from actions.reanalise import MOTIVO_DA_REANALISE

    ids, guia = _ids()
    tracker = _no_motivo(guia, ids["jose"], resposta)
    assert ValidateOuvidoriaForm().validate_ouvidoria_relato(resposta, dispatcher, tracker, {}) == {
        "ouvidoria_relato": None
    }
    assert texts(dispatcher) == [MOTIVO_DA_REANALISE]
    # "não sei" is an answer: registered as said.
    other = type(dispatcher)()
    assert ValidateOuvidoriaForm().validate_ouvidoria_relato("não sei", other, _no_motivo(guia, ids["jose"], "não sei"),
                                                             {}) == {"ouvidoria_relato": "não sei"}


async def test_a_reason_given_with_the_request_is_not_asked_again(dispatcher):
    # "nao concordo, meu medico disse q preciso operar, to com dor faz 6 meses" was asked why he disagreed.
    ids, guia = _ids()
    texto = "quero reanalise, nao concordo, meu medico disse q preciso operar, to com dor faz 6 meses"
    eventos = await ActionExplicarOuvidoria().run(dispatcher, _pedido(ids["jose"], texto), {})
    slots = slot_events(eventos)
    assert slots[SLOT_GUIA] == guia and slots["ouvidoria_relato"] == texto
    # A protest alone still gets the question.
    other = type(dispatcher)()
    eventos = await ActionExplicarOuvidoria().run(other, _pedido(ids["jose"], "quero reanálise, absurdo isso"), {})
    assert "ouvidoria_relato" not in slot_events(eventos)


async def test_the_reanalysis_deadline_is_its_own_not_the_ombudsmans(dispatcher):
    # u11: "qual o prazo pra responder a reanalise?" got "A Ouvidoria responde em até 7 dias úteis", and the
    # protocol list named the reanalysis "Autorização prévia".
    from actions.chamados import rotulo_do_chamado
    from actions.formatting import format_date

    ids, guia = _ids()
    slots = _em_reanalise(ids["jose"], guia, ouvidoria_relato="o médico disse que preciso operar")
    eventos = await ActionRegistrarOuvidoria().run(type(dispatcher)(), make_tracker(slots, text="x"), {})
    numero = slot_events(eventos)["protocolo_da_conversa"]
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(ids["jose"]), "protocolo_da_conversa": numero},
                           text="qual o prazo pra responder a reanalise?", intent="ouvidoria")
    await ActionExplicarOuvidoria().run(dispatcher, tracker, {})
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        ticket = repository.find_ticket_by_protocol(numero, session=session)
        assert rotulo_do_chamado(ticket) == "Reanálise de autorização"
        due = format_date(ticket.due_date)
    engine.dispose()
    said = "\n".join(t for t in texts(dispatcher) if t)
    assert f"protocolo {numero}" in said and f"até {due}" in said and "A Ouvidoria responde" not in said


async def test_how_to_contest_a_denied_reimbursement_told_with_a_story_goes_to_the_reimbursements(dispatcher):
    # u27: "mas o cardiologista foi pq eu tava passando mal, como eu recorro disso?" after José's denied
    # reimbursement was "Desculpe, não entendi".
    from actions.conversa import ActionFallback

    texto = "mas o cardiologista foi pq eu tava passando mal, como eu recorro disso?"
    events = [{"event": "user", "text": "meus reembolsos", "parse_data": {"intent": {"name": "reembolso"}}},
              {"event": "bot", "text": "Situação: Negado\nNão concorda? Escreva *quero recorrer do reembolso*."},
              {"event": "user", "text": texto, "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    eventos = await ActionFallback().run(dispatcher, make_tracker(text=texto, intent="nlu_fallback", events=events),
                                         {})
    assert [e["event"] for e in eventos] == ["rewind", "action", "user"]
    assert eventos[2]["parse_data"]["intent"]["name"] == "reembolso"
