"""Option 5: prior authorizations of the demo family (Arts. 77, 90-91) and waiting periods (Arts. 51-52)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from actions.autorizacao import ActionConsultarAutorizacao, descrever_carencias, pergunta_como_funciona
from actions.formatting import format_date
from bot.db import repository, seed
from bot.db.models import Authorization, Beneficiary
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
        cpfs = (("maria", seed.DEMO_TITULAR_CPF), ("jose", seed.DEMO_SPOUSE_CPF), ("ana", seed.DEMO_DAUGHTER_CPF))
        for key, cpf in cpfs:
            row = repository.find_beneficiary_by_cpf(cpf, session=session)
            people[key] = (row.id, repository.list_authorizations([row.id], session=session))
        return people

    return _load(query)


def _tracker(beneficiary_id, text="autorização"):
    slots = {"identificado": True, "beneficiario_id": str(beneficiary_id)}
    return make_tracker(slots, text=text, intent="autorizacao")


def _shown(dispatcher) -> str:
    return "\n".join(t for t in texts(dispatcher) if t)


# National and Minas Gerais holidays, written out from the official calendar, so the expected deadlines do not
# come from the module under test.
HOLIDAYS = {
    date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 21), date(2026, 5, 1), date(2026, 9, 7), date(2026, 10, 12),
    date(2026, 11, 2), date(2026, 11, 15), date(2026, 11, 20), date(2026, 12, 25),
    date(2027, 1, 1), date(2027, 3, 26), date(2027, 4, 21), date(2027, 5, 1), date(2027, 9, 7), date(2027, 10, 12),
    date(2027, 11, 2), date(2027, 11, 15), date(2027, 11, 20), date(2027, 12, 25),
}


def _business_days_after(start, n):
    # Walk the calendar one day at a time: weekends and the holidays above do not count.
    assert date(2026, 1, 1) <= start <= date(2027, 10, 1), "extend HOLIDAYS for this date"
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS:
            n -= 1
    return day


def test_titular_sees_the_whole_family(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    events = ActionConsultarAutorizacao().atender(dispatcher, _tracker(maria_id), maria_id, escolha="todos")
    shown = _shown(dispatcher)
    everything = [a for _, rows in family.values() for a in rows]
    assert len(everything) == 4
    for row in everything:
        assert f"Guia {row.guide_number}" in shown
        assert row.procedure_name in shown
        assert f"Pedido em {format_date(row.requested_on)}" in shown
    for name in ("Maria", "José", "Ana"):
        assert name in shown
    authorized = next(a for a in everything if a.status == "autorizada")
    assert f"decidido em {format_date(authorized.decided_on)}" in shown
    assert "Autorizada" in shown and "Negada" in shown and "Em análise" in shown
    assert seed.DENIAL_REASONS_AUTHORIZATION[0] in shown
    # Ana's physiotherapy is an ordinary request: 5 business days to answer.
    physio = family["ana"][1][0]
    assert not physio.high_complexity and not physio.urgency
    assert f"Resposta até {format_date(_business_days_after(physio.requested_on, 5))} (5 dias úteis" in shown
    # Maria's pending CT is urgent: care does not wait for the authorization.
    assert "Art. 77, §1º" in shown
    assert shown.index(family["maria"][1][0].guide_number) < shown.index(family["jose"][1][0].guide_number)
    assert slot_events(events)["paginas"] is None
    assert texts(dispatcher)[-1] == "utter_algo_mais"


async def test_titular_is_asked_whose_authorizations(dispatcher):
    maria_id = _family()["maria"][0]
    events = await ActionConsultarAutorizacao().run(dispatcher, _tracker(maria_id), {})
    assert slot_events(events) == {"opcao_pendente": "autorizacao", "escolher_pessoa": True}


def test_high_complexity_request_gets_ten_business_days(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    requested = family["maria"][1][0].requested_on

    def add(session):
        session.add(
            Authorization(
                guide_number="99999999991",
                protocol="99999999999999999991",
                beneficiary_id=maria_id,
                procedure_code="31005012",
                procedure_name="Colecistectomia por videolaparoscopia",
                requested_on=requested,
                status="em_analise",
                urgency=False,
                high_complexity=True,
            )
        )
        session.commit()

    def remove(session):
        session.execute(Authorization.__table__.delete().where(Authorization.guide_number == "99999999991"))
        session.commit()

    _load(add)
    try:
        ActionConsultarAutorizacao().atender(dispatcher, _tracker(maria_id, "guia 99999999991"), maria_id)
    finally:
        _load(remove)
    shown = _shown(dispatcher)
    assert f"Resposta até {format_date(_business_days_after(requested, 10))} (10 dias úteis" in shown


def test_titular_choosing_a_dependant_sees_only_his(dispatcher):
    family = _family()
    maria_id, jose_id = family["maria"][0], family["jose"][0]
    ActionConsultarAutorizacao().atender(dispatcher, _tracker(maria_id), maria_id, escolha=str(jose_id))
    shown = _shown(dispatcher)
    assert family["jose"][1][0].guide_number in shown
    assert "Artroscopia de joelho" in shown
    for other in family["maria"][1] + family["ana"][1]:
        assert other.guide_number not in shown


async def test_dependant_sees_only_his_own(dispatcher):
    family = _family()
    jose_id = family["jose"][0]
    await ActionConsultarAutorizacao().run(dispatcher, _tracker(jose_id), {})
    shown = _shown(dispatcher)
    assert family["jose"][1][0].guide_number in shown
    for other in family["maria"][1] + family["ana"][1]:
        assert other.guide_number not in shown
    assert "Ressonância" not in shown


async def test_guide_lookup_never_shows_another_persons_guide(dispatcher):
    family = _family()
    jose_id = family["jose"][0]
    maria_guide = family["maria"][1][-1]
    await ActionConsultarAutorizacao().run(
        dispatcher, _tracker(jose_id, f"situação da guia {maria_guide.guide_number}"), {}
    )
    shown = _shown(dispatcher)
    assert "Não encontrei essa guia" in shown
    assert maria_guide.procedure_name not in shown


async def test_titular_looks_up_a_dependants_guide_and_protocol(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    denied = family["jose"][1][0]
    events = await ActionConsultarAutorizacao().run(
        dispatcher, _tracker(maria_id, f"a guia {denied.guide_number}?"), {}
    )
    shown = _shown(dispatcher)
    assert slot_events(events).get("escolher_pessoa") is not True
    assert "Artroscopia de joelho" in shown and "José" in shown
    assert seed.DENIAL_REASONS_AUTHORIZATION[0] in shown
    assert family["maria"][1][0].guide_number not in shown

    other = type(dispatcher)()
    await ActionConsultarAutorizacao().run(other, _tracker(maria_id, f"protocolo {denied.protocol}"), {})
    assert denied.guide_number in _shown(other)


async def test_how_it_works(dispatcher):
    maria_id = _family()["maria"][0]
    events = await ActionConsultarAutorizacao().run(dispatcher, _tracker(maria_id, "como funciona a autorização?"), {})
    shown = _shown(dispatcher)
    assert slot_events(events).get("escolher_pessoa") is not True
    assert "Art. 77 do Regulamento" in shown and "Art. 90" in shown
    assert "2 dias úteis" in shown and "91" in shown
    assert "5 dias úteis" in shown and "10 dias úteis" in shown
    assert "Guia " not in shown
    assert pergunta_como_funciona("tomografia precisa de autorização prévia?")
    assert not pergunta_como_funciona("como está minha autorização")


async def test_waiting_periods_of_the_family(dispatcher):
    maria_id = _family()["maria"][0]
    await ActionConsultarAutorizacao().run(dispatcher, _tracker(maria_id, "já cumpri a carência?"), {})
    shown = _shown(dispatcher)
    # The demo family joined on 01/02/2015: every period is long over.
    assert shown.count("adesão em 01/02/2015") == 3
    assert "Parto a termo (300 dias): cumprida, coberto desde 28/11/2015" in shown
    assert "⏳" not in shown
    assert "Arts. 51 e 52" in shown and "Art. 56" in shown


async def test_waiting_periods_of_a_dependant_only_his(dispatcher):
    jose_id = _family()["jose"][0]
    await ActionConsultarAutorizacao().run(dispatcher, _tracker(jose_id, "tenho carencia pra internação?"), {})
    shown = _shown(dispatcher)
    assert "*José*" in shown and "Maria" not in shown and "Ana" not in shown


def test_waiting_periods_still_running():
    adhesion = date(2026, 3, 12)
    text = descrever_carencias("Pedro", adhesion, adhesion + timedelta(days=40))
    assert "Consultas e exames simples (30 dias): cumprida, coberto desde 11/04/2026" in text
    assert "Internações (180 dias): coberto a partir de 08/09/2026, faltam 140 dias" in text
    assert "Parto a termo (300 dias): coberto a partir de 06/01/2027, faltam 260 dias" in text


async def test_no_authorizations_is_a_clear_answer(dispatcher):
    def query(session):
        with_rows = select(Authorization.beneficiary_id)
        return session.execute(
            select(Beneficiary.id).where(Beneficiary.kind != "titular", Beneficiary.id.not_in(with_rows))
        ).scalar()

    beneficiary_id = _load(query)
    await ActionConsultarAutorizacao().run(dispatcher, _tracker(beneficiary_id), {})
    shown = _shown(dispatcher)
    assert "Você não tem pedidos de autorização registrados." in shown
    assert "Guia " not in shown


async def test_unidentified_user_sees_nothing(dispatcher):
    events = await ActionConsultarAutorizacao().run(dispatcher, make_tracker(text="carência", intent="autorizacao"), {})
    shown = _shown(dispatcher)
    assert "Guia" not in shown and "adesão" not in shown
    assert slot_events(events)["opcao_pendente"] == "autorizacao"


def test_after_a_denial_what_dut_means_and_how_to_appeal_are_answered(dispatcher):
    # "o que e DUT?" was "não entendi"; "e agora? posso recorrer?" showed the same list again.
    from actions.autorizacao import DUT, RECURSO, ActionConsultarAutorizacao

    jose_id = _family()["jose"][0]
    ActionConsultarAutorizacao().atender(dispatcher, _tracker(jose_id, "o que e DUT?"), jose_id)
    assert texts(dispatcher)[0] == DUT
    said = type(dispatcher)()
    ActionConsultarAutorizacao().atender(said, _tracker(jose_id, "e agora? posso recorrer?"), jose_id)
    assert texts(said)[0] == RECURSO and "Pedidos de autorização" not in texts(said)[0]
    # The denial itself says how to disagree.
    listed = type(dispatcher)()
    ActionConsultarAutorizacao().atender(listed, _tracker(jose_id, "autorização"), jose_id)
    shown = "\n".join(t for t in texts(listed) if t)
    assert "Negada" in shown and "Não concorda? Escreva *quero reanálise*." in shown


def test_a_guide_named_by_its_procedure_is_shown_alone(dispatcher):
    # "e a minha tomografia? qual o prazo?" got the family's four guides again.
    family = _family()
    maria_id = family["maria"][0]
    tomography = next(a for _, rows in family.values() for a in rows if "Tomografia" in a.procedure_name)
    tracker = _tracker(maria_id, "e a tomografia? qual o prazo?")
    ActionConsultarAutorizacao().atender(dispatcher, tracker, maria_id, escolha="todos")
    shown = _shown(dispatcher)
    assert f"Guia {tomography.guide_number}" in shown and shown.count("Guia ") == 1
    assert "Artroscopia" not in shown and "fisioterapia" not in shown


def test_the_prazo_dela_is_the_guide_named_just_before(dispatcher):
    family = _family()
    maria_id = family["maria"][0]
    knee = family["jose"][1][0]
    events = [
        {"event": "user", "text": "e a artroscopia do josé?", "parse_data": {"intent": {"name": "autorizacao"}}},
        {"event": "user", "text": "e qual é o prazo dela?", "parse_data": {"intent": {"name": "autorizacao"}}},
    ]
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)}, text="e qual é o prazo dela?",
                           intent="autorizacao", events=events)
    ActionConsultarAutorizacao().atender(dispatcher, tracker, maria_id, escolha="todos")
    shown = _shown(dispatcher)
    assert f"*Guia {knee.guide_number}* – José" in shown and shown.count("Guia ") == 1


def test_a_dependant_naming_anothers_procedure_sees_only_his_own(dispatcher):
    family = _family()
    jose_id = family["jose"][0]
    ActionConsultarAutorizacao().atender(dispatcher, _tracker(jose_id, "e a tomografia da maria?"), jose_id)
    shown = _shown(dispatcher)
    assert "Tomografia" not in shown and family["jose"][1][0].guide_number in shown


def test_waiting_periods_asked_before_identifying_get_the_table_for_anyone():
    # "tem carencia?" from a prospect asked for a CPF, and "não sou cliente ainda" asked for it again.
    acao = ActionConsultarAutorizacao()
    geral = acao.orientacao_geral("tem carencia?")
    assert geral[0].startswith("Carências, contadas da adesão (Art. 51") and "minhas carências" in geral[1]
    # One's own waiting periods are one's data: the CPF is asked.
    assert acao.orientacao_geral("quanto falta da minha carência?") == []


def test_a_new_authorization_asked_for_a_procedure_gets_the_list_not_the_old_guide(dispatcher):
    # "preciso da autorização de uma ressonância" is a new request: the list and how to ask, not last month's guide.
    family = _family()
    maria_id = family["maria"][0]
    ActionConsultarAutorizacao().atender(dispatcher, _tracker(maria_id, "preciso da autorização de uma ressonância"),
                                         maria_id, escolha="todos")
    assert "Pedidos de autorização" in _shown(dispatcher)


async def test_someone_held_at_the_hospital_for_an_authorization_is_told_urgency_needs_none(dispatcher):
    # u11: "o hospital ta falando q nao vai fazer sem autorizacao, o que eu faço??" got "de quem?" and then the
    # procedure's text and its five-day deadline, with no phone number.
    from actions.autorizacao import URGENCIA_NO_HOSPITAL

    maria = _family()["maria"][0]
    text = "a tomografia ta demorando, to com muita dor, o hospital disse q precisa esperar a autorizacao"
    await ActionConsultarAutorizacao().run(dispatcher, _tracker(maria, text), {})
    shown = _shown(dispatcher)
    assert shown.startswith("*Guia 20260000002* – Maria\nTomografia computadorizada de crânio")
    assert "De quem" not in shown
    assert URGENCIA_NO_HOSPITAL in shown and "0800 030 9009" in shown
    # Without naming the exam, at the hospital: the same, not how prior authorization works.
    other = type(dispatcher)()
    await ActionConsultarAutorizacao().run(
        other, _tracker(maria, "o hospital ta falando q nao vai fazer sem autorizacao, o que eu faço??"), {})
    said = _shown(other)
    assert URGENCIA_NO_HOSPITAL in said and "Como funciona a autorização prévia" not in said


async def test_asking_why_it_was_denied_shows_the_reason_and_files_nothing(dispatcher):
    # u11: "pq negaram? o medico disse q eu preciso, to com dor faz meses" filed a reanalysis at once, with a
    # protocol, when José had only asked why.
    from sqlalchemy import func

    from bot.db.models import Ticket

    jose = _family()["jose"][0]
    before = _load(lambda session: session.scalar(select(func.count(Ticket.id))))
    await ActionConsultarAutorizacao().run(
        dispatcher, _tracker(jose, "pq negaram? o medico disse q eu preciso, to com dor faz meses"), {})
    shown = _shown(dispatcher)
    assert "*Guia 20260000003*" in shown and "Negad" in shown and "quero reanálise" in shown
    assert "protocolo" not in shown.lower()
    assert _load(lambda session: session.scalar(select(func.count(Ticket.id)))) == before


async def test_a_cpf_typed_with_the_request_is_not_taken_for_a_guide(dispatcher):
    # u13: "to no pronto socorro desde ontem e a tomografia nao foi autorizada ainda... meu cpf 52998224725 nasc
    # 12/03/1975" got "Não encontrei essa guia ou protocolo": the CPF was looked up as a guide number.
    maria = _family()["maria"][0]
    text = "to no pronto socorro desde ontem e a tomografia nao foi autorizada ainda, meu cpf 52998224725"
    await ActionConsultarAutorizacao().run(dispatcher, _tracker(maria, text), {})
    shown = _shown(dispatcher)
    assert "Não encontrei" not in shown and "*Guia 20260000002*" in shown and "Art. 77, §1º" in shown


async def test_a_late_surgery_nowhere_on_file_is_said_missing_with_the_deadline(dispatcher):
    # u26: "pedi autorização pra minha cirurgia de vesicula faz 3 semanas e nada, qual o prazo que o regulamento
    # dá?" got the list of other guides, no word that no such request exists, and no deadline.
    maria = _family()["maria"][0]
    text = ("boa tarde, pedi autorização pra minha cirurgia de vesicula faz 3 semanas e nada, qual o prazo que o "
            "regulamento dá pra vcs responderem?")
    ActionConsultarAutorizacao().atender(dispatcher, _tracker(maria, text), maria, escolha=str(maria))
    said = texts(dispatcher)
    assert said[0].startswith("Não encontrei pedido de autorização de cirurgia de vesicula.")
    assert "prestador" in said[0]
    assert any(t and t.startswith("Prazo de resposta: até 5 dias úteis; até 10 dias úteis") for t in said)


async def test_a_procedure_without_a_guide_is_said_missing_before_the_list(dispatcher):
    # u25: José's "minha ressonância foi autorizada?" got his knee arthroscopy, denied, and no word about an MRI
    # (his wife's MRI guide is hers: never shown to him).
    family = _family()
    jose_id = family["jose"][0]
    await ActionConsultarAutorizacao().run(dispatcher, _tracker(jose_id, "minha ressonância foi autorizada?"), {})
    said = texts(dispatcher)
    assert said[0].startswith("Não encontrei pedido de autorização de ressonância. Quem envia o pedido")
    shown = _shown(dispatcher)
    assert "Artroscopia de joelho" in shown and "Ressonância" not in shown
    # A guide the message names is answered alone, with no such line.
    other = type(dispatcher)()
    await ActionConsultarAutorizacao().run(other, _tracker(jose_id, "e a artroscopia?"), {})
    assert not any(t.startswith("Não encontrei") for t in texts(other))
