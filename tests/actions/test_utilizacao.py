"""Option 2: statement of use, co-payments (Art. 82 §4, Art. 83) and family rules (Art. 17 §2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from actions.chamados import PROTOCOLO_DA_CONVERSA
from actions.formatting import format_date, format_money
from actions.periodo import periodo_da_mensagem
from actions.utilizacao import RODAPE, ActionConsultarUtilizacao, ActionContestarUtilizacao
from bot.db import repository, seed
from bot.db.models import UtilizationEvent
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import as_served, make_tracker, slot_events, texts
from tests.fixed_clock import TODAY

HOJE = date(2026, 5, 20)



def _ids() -> dict:
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        result = {
            cpf: repository.find_beneficiary_by_cpf(cpf, session=session).id
            for cpf in (seed.DEMO_TITULAR_CPF, seed.DEMO_SPOUSE_CPF, seed.DEMO_DAUGHTER_CPF)
        }
    engine.dispose()
    return result


def _first_of_category(category: str) -> int:
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        beneficiary_id = (
            session.execute(select(UtilizationEvent.beneficiary_id).where(UtilizationEvent.category == category))
            .scalars()
            .first()
        )
    engine.dispose()
    return beneficiary_id


def _tracker(beneficiary_id: int, text: str = "2", events: list | None = None):
    slots = {"identificado": True, "beneficiario_id": str(beneficiary_id)}
    return make_tracker(slots, text=text, intent="utilizacao", events=events)


def _everything(dispatcher, events) -> str:
    """All the user can read: the first page plus the pages waiting for "mais"."""
    return "\n".join([*texts(dispatcher), *(slot_events(events).get("paginas") or [])])


# -- period parser --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("utilização de março", (date(2026, 3, 1), date(2026, 3, 31), "em março de 2026")),
        ("marco de 2025", (date(2025, 3, 1), date(2025, 3, 31), "em março de 2025")),
        ("extrato de agosto", (date(2025, 8, 1), date(2025, 8, 31), "em agosto de 2025")),
        ("utilizacao maio", (date(2026, 5, 1), HOJE, "em maio de 2026")),
        ("mês passado", (date(2026, 4, 1), date(2026, 4, 30), "em abril de 2026")),
        ("este mês", (date(2026, 5, 1), HOJE, "em maio de 2026")),
        ("10/2025", (date(2025, 10, 1), date(2025, 10, 31), "em outubro de 2025")),
        ("extrato 2/2024", (date(2024, 2, 1), date(2024, 2, 29), "em fevereiro de 2024")),
        ("set/2025", (date(2025, 9, 1), date(2025, 9, 30), "em setembro de 2025")),
    ],
)
def test_periodo_named_month(texto, esperado):
    assert periodo_da_mensagem(texto, HOJE) == esperado


def test_periodo_defaults_to_last_three_months():
    for texto in ("2", "extrato de utilização", "quero ver mais coisas", ""):
        inicio, fim, rotulo = periodo_da_mensagem(texto, HOJE)
        assert (inicio, fim) == (date(2026, 2, 20), HOJE)
        assert rotulo.startswith("nos últimos 3 meses")


def test_periodo_last_n_months_and_month_ends():
    assert periodo_da_mensagem("últimos 6 meses", HOJE)[0] == date(2025, 11, 20)
    assert periodo_da_mensagem("últimos 40 meses", HOJE)[0] == date(2025, 5, 20)
    # 31 May minus three months has no 31 February.
    assert periodo_da_mensagem("", date(2026, 5, 31))[0] == date(2026, 2, 28)
    assert periodo_da_mensagem("mes passado", date(2026, 1, 5))[:2] == (date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("q consultas minha filha usou em 2024", (date(2024, 1, 1), date(2024, 12, 31), "em 2024")),
        ("extrato de utilização do ano passado", (date(2025, 1, 1), date(2025, 12, 31), "em 2025")),
        # The current year ends today; a month named beside a year keeps precedence.
        ("o que usei este ano", (date(2026, 1, 1), HOJE, "em 2026")),
        ("utilização de março de 2024", (date(2024, 3, 1), date(2024, 3, 31), "em março de 2024")),
    ],
)
def test_periodo_a_year_alone_is_that_calendar_year(texto, esperado):
    assert periodo_da_mensagem(texto, HOJE) == esperado


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        # u19: read as "em janeiro de 2026", which had no use: "Não há utilização… em janeiro de 2026".
        ("extrato de utilizacao de janeiro a dezembro de 2025 de todos pra eu mandar pro contador",
         (date(2025, 1, 1), date(2025, 12, 31), "de janeiro a dezembro de 2025")),
        ("utilização entre Março e Maio", (date(2026, 3, 1), HOJE, "de março a maio de 2026")),
        ("de outubro de 2025 até fevereiro", (date(2025, 10, 1), date(2026, 2, 28),
                                              "de outubro de 2025 a fevereiro de 2026")),
        # Never more than twelve months: the last twelve of the range.
        ("de janeiro de 2024 a abril de 2026",
         (date(2025, 5, 1), date(2026, 4, 30), "de maio de 2025 a abril de 2026")),
    ],
)
def test_periodo_a_range_of_months(texto, esperado):
    assert periodo_da_mensagem(texto, HOJE) == esperado


def test_periodo_ignores_full_dates():
    # A full date is not "month/year"; with no month name the default period applies.
    assert periodo_da_mensagem("15/10/2025", HOJE)[2].startswith("nos últimos")
    # Nor is an amount a year.
    assert periodo_da_mensagem("coparticipação de R$ 2.024,00", HOJE)[2].startswith("nos últimos")


# -- action -----------------------------------------------------------------------------------


async def test_titular_own_statement_with_copay_total_and_exemption(dispatcher):
    ids = _ids()
    maria = ids[seed.DEMO_TITULAR_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha=str(maria))
    shown = _everything(dispatcher, events)
    t = TODAY
    # Seed: consulta 280.00 (30% capped at 60), exame 95.40 (30%), Conexão Saúde (exempt), exame 1180 (cap 120).
    total = Decimal("60.00") + Decimal("28.62") + Decimal("0.00") + Decimal("120.00")
    assert f"Coparticipação total no período: *{format_money(total)}*" in shown
    assert "4 atendimentos" in shown
    assert "Isento: atendimento do Conexão Saúde (Art. 82, §4º, I)." in shown
    assert "Coparticipação: R$ 0,00" in shown
    # Newest first.
    assert shown.index(format_date(t - timedelta(days=8))) < shown.index(format_date(t - timedelta(days=9)))
    assert RODAPE in shown
    assert "José" not in shown and "Ana" not in shown
    assert texts(dispatcher)[-1] == "utter_algo_mais"


async def test_titular_todos_sees_family_with_first_names_and_paging(dispatcher):
    ids = _ids()
    maria = ids[seed.DEMO_TITULAR_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha="todos")
    first_page = texts(dispatcher)[0]
    # Maria 208.62 + José (online emergency exempt, consulta capped 60) + Ana (consulta 60, terapia 45).
    assert f"*{format_money(Decimal('373.62'))}*" in first_page
    assert "8 atendimentos" in first_page
    assert "Digite *mais*" in first_page
    rest = slot_events(events)["paginas"]
    assert len(rest) == 1 and rest[-1].endswith(RODAPE)
    everything = _everything(dispatcher, events)
    for name in ("Maria", "José", "Ana"):
        assert f"· {name}" in everything
    assert "pronto atendimento online (Art. 82, §4º, II)" in everything


async def test_chosen_dependant_only(dispatcher):
    ids = _ids()
    maria, ana = ids[seed.DEMO_TITULAR_CPF], ids[seed.DEMO_DAUGHTER_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha=str(ana))
    shown = _everything(dispatcher, events)
    assert "Utilização do plano de Ana" in shown
    assert f"*{format_money(Decimal('105.00'))}*" in shown
    assert "Sessão de fisioterapia" in shown and "Sessão de psicoterapia individual" not in shown
    assert "Consulta em consultório" in shown


async def test_dependant_sees_only_own_uses(dispatcher):
    jose = _ids()[seed.DEMO_SPOUSE_CPF]
    events = await ActionConsultarUtilizacao().run(dispatcher, _tracker(jose), {})
    shown = _everything(dispatcher, events)
    assert "Utilização do plano de José" in shown
    assert "2 atendimentos" in shown
    assert f"*{format_money(Decimal('60.00'))}*" in shown
    assert "Maria" not in shown and "Ana" not in shown
    # A dependant is never asked "de quem?" (Art. 17 §2).
    assert slot_events(events).get("escolher_pessoa") is not True


async def test_month_from_the_request_survives_the_de_quem_question(dispatcher):
    ids = _ids()
    maria = ids[seed.DEMO_TITULAR_CPF]
    last_year = TODAY.year - 1
    pedido = {
        "event": "user",
        "text": f"utilização de março de {last_year}",
        "parse_data": {"intent": {"name": "utilizacao", "confidence": 1.0}, "entities": []},
    }
    tracker = _tracker(maria, text="1", events=[pedido, {"event": "action", "name": "action_listen"}])
    events = ActionConsultarUtilizacao().atender(dispatcher, tracker, maria, escolha=str(maria))
    shown = _everything(dispatcher, events)
    # Seed: consulta 250.00 (cap 60) on 10/03 and exame 410.00 (cap 120) on 11/03 of last year.
    assert f"em março de {last_year}: 2 atendimentos" in shown
    assert f"*{format_money(Decimal('180.00'))}*" in shown
    assert f"11/03/{last_year}" in shown and f"10/03/{last_year}" in shown


async def test_no_uses_in_period_is_a_clear_answer(dispatcher):
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    old = TODAY.year - 5
    tracker = _tracker(maria, text=f"utilização de 06/{old}")
    events = ActionConsultarUtilizacao().atender(dispatcher, tracker, maria, escolha=str(maria))
    assert texts(dispatcher) == [
        f"Não há utilização do plano de Maria registrada em junho de {old}.",
        "utter_algo_mais",
    ]
    assert slot_events(events)["paginas"] is None


async def test_psychiatric_stay_explains_the_31st_day(dispatcher):
    person = _first_of_category("internacao_psiquiatrica")
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(person), person, escolha=str(person))
    shown = _everything(dispatcher, events)
    assert "30º dia de internação psiquiátrica: isento até o 30º dia (Art. 83 do Regulamento)." in shown
    assert "31º dia de internação psiquiátrica: coparticipação a partir do 31º dia (Art. 83 do Regulamento)." in shown
    assert "(Art. 83 do Regulamento)" in shown
    # Day 31 at R$ 640.00 bears the demo rate of 50%.
    assert "Valor: R$ 640,00 | Coparticipação: R$ 320,00" in shown


@pytest.mark.parametrize("category", ["quimioterapia", "hemodialise", "radioterapia"])
async def test_exempt_treatments_show_zero_and_why(dispatcher, category):
    person = _first_of_category(category)
    tracker = _tracker(person, text="últimos 6 meses")
    events = ActionConsultarUtilizacao().atender(dispatcher, tracker, person, escolha=str(person))
    shown = _everything(dispatcher, events)
    assert "Art. 82, §4º, III" in shown
    assert "Coparticipação: R$ 0,00" in shown


async def test_unidentified_user_sees_no_uses(dispatcher):
    events = await ActionConsultarUtilizacao().run(dispatcher, make_tracker(text="utilização"), {})
    shown = "\n".join(texts(dispatcher))
    assert "R$" not in shown
    assert slot_events(events)["opcao_pendente"] == "utilizacao"


# -- an item the user does not recognise ---------------------------------------------------


async def test_unrecognised_item_becomes_a_ticket_with_the_item(dispatcher):
    from bot.db.models import Ticket

    maria = _ids()[seed.DEMO_TITULAR_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha=str(maria))
    itens = slot_events(events)["itens_utilizacao"]
    assert itens and "1. *" in _everything(dispatcher, events)

    other = type(dispatcher)()
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": itens}
    tracker = make_tracker(slots, text="não reconheço o item 1", intent="contestar_utilizacao")
    await ActionContestarUtilizacao().run(other, tracker, {})
    reply = "\n".join(texts(other))
    words = [word.strip(".") for word in reply.split()]
    protocol = next(word for word in words if word.isdigit() and len(word) == 20)
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        ticket = session.execute(select(Ticket).where(Ticket.protocol == protocol)).scalar_one()
        event = session.get(UtilizationEvent, int(itens[0]))
        assert ticket.category == "utilizacao_contestacao"
        assert event.description in str(ticket.context_json)
    engine.dispose()


async def test_contest_needs_a_number_from_the_list(dispatcher):
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": ["1", "2"]}
    await ActionContestarUtilizacao().run(dispatcher, make_tracker(slots, text="não reconheço o item 9"), {})
    assert "de 1 a 2" in texts(dispatcher)[0]


async def test_contest_before_any_statement_shows_the_statement_first(dispatcher):
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    slots = {"identificado": True, "beneficiario_id": str(maria)}
    tracker = make_tracker(slots, text="tem um exame no meu extrato que eu não fiz", intent="contestar_utilizacao")
    events = await ActionContestarUtilizacao().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["Vou mostrar sua utilização; depois indique o número do item que não reconhece."]
    # The numbered statement comes next; its footer says how to point at the item. No ticket without an item.
    assert [e for e in events if e.get("event") == "followup"] == [
        {"event": "followup", "name": "action_consultar_utilizacao", "timestamp": None}
    ]


async def test_an_item_described_by_its_day_and_words_is_the_one_disputed(dispatcher):
    # "esse hemograma do dia 28 eu não fiz" was asked for a number again.
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha=str(maria))
    itens = slot_events(events)["itens_utilizacao"]
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        chosen = session.get(UtilizationEvent, int(itens[-1]))
        description, day = chosen.description, chosen.event_date.day
    engine.dispose()
    other = type(dispatcher)()
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": itens}
    text = f"esse {description.lower()} do dia {day} eu nao fiz nao"
    await ActionContestarUtilizacao().run(other, make_tracker(slots, text=text, intent="contestar_utilizacao"), {})
    reply = texts(other)[0]
    assert reply.startswith(f"Registrei que você não reconhece o item de {chosen.event_date:%d/%m/%Y} ({description}")


async def test_asking_the_deadline_after_the_dispute_gets_the_protocol_not_a_second_dispute(dispatcher):
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": ["1", "2"]}
    first = type(dispatcher)()
    events = await ActionContestarUtilizacao().run(
        first, make_tracker(slots, text="não reconheço o item 1", intent="contestar_utilizacao"), {}
    )
    protocol = slot_events(events)[PROTOCOLO_DA_CONVERSA]
    tracker = make_tracker({**slots, PROTOCOLO_DA_CONVERSA: protocol}, text="qual o prazo?",
                           intent="contestar_utilizacao")
    await ActionContestarUtilizacao().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith(f"Seu pedido tem o protocolo {protocol}. O prazo de resposta vai até")


def test_a_dependant_naming_his_daughter_in_lowercase_is_told_why_he_sees_his_own(dispatcher):
    # "e a utilizacao da ana" silently showed José's own uses, read as if they were Ana's.
    ids = _ids()
    jose = ids[seed.DEMO_SPOUSE_CPF]
    ActionConsultarUtilizacao().atender(dispatcher, _tracker(jose, "e a utilizacao da ana"), jose)
    said = texts(dispatcher)
    assert said[0].startswith("Por segurança, cada dependente vê só os próprios dados")
    # Without a name of the family, nothing is said about others.
    other = type(dispatcher)()
    ActionConsultarUtilizacao().atender(other, _tracker(jose, "minha utilizacao"), jose)
    assert not texts(other)[0].startswith("Por segurança")


async def test_disputing_the_amount_of_a_known_item_says_so_in_the_ticket(dispatcher):
    # "a coparticipação ... tá errada, quero contestar o valor" was filed as "você não reconhece o item".
    from bot.db.models import Ticket

    maria = _ids()[seed.DEMO_TITULAR_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha=str(maria))
    itens = slot_events(events)["itens_utilizacao"]
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": itens}
    said = type(dispatcher)()
    text = "a coparticipacao do item 1 ta errada, quero contestar o valor"
    events = await ActionContestarUtilizacao().run(said, make_tracker(slots, text=text,
                                                                      intent="contestar_utilizacao"), {})
    assert texts(said)[0].startswith("Registrei que você contesta o valor cobrado (R$")
    protocol = slot_events(events)[PROTOCOLO_DA_CONVERSA]
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.protocol == protocol)).one()
        assert ticket.summary.startswith("Valor contestado:")
        # u15: the agent read a Python dict, and not whose item it was.
        assert "{" not in ticket.summary and ticket.summary.endswith("de Maria Aparecida Souza (titular)")
        assert ", em " in ticket.summary and "(coparticipação R$" in ticket.summary
    engine.dispose()


async def test_my_own_item_said_after_a_relatives_list_is_not_filed_against_hers(dispatcher):
    # After Ana's list, "nao é dela, é a minha. a consulta de ... eu nao fui" was filed against Ana's item.
    ids = _ids()
    maria, ana = ids[seed.DEMO_TITULAR_CPF], ids[seed.DEMO_DAUGHTER_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha=str(ana))
    itens = slot_events(events)["itens_utilizacao"]
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        dela = session.get(UtilizationEvent, int(itens[0]))
        palavra = dela.description.split()[0].lower()
    engine.dispose()
    other = type(dispatcher)()
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": itens}
    text = f"nao é dela, é a minha. a {palavra} eu nao fui"
    result = await ActionContestarUtilizacao().run(other, make_tracker(slots, text=text), {})
    said = texts(other)
    assert said[0].startswith("Esse item é de outra pessoa da família. Vou mostrar a sua utilização")
    assert not any("Registrei" in (t or "") for t in said)
    assert slot_events(result)["pessoa_do_assunto"] == str(maria)


@pytest.mark.parametrize("texto", ["e do meu marido tbm", "e no ano passado todo?"])
async def test_asking_for_more_of_the_statement_after_a_dispute_is_the_statement(dispatcher, texto):
    # After "não reconheço o item 1", both got "Qual item você não reconhece?" and nothing else, again and again.
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": ["1", "2"]}
    events = await ActionContestarUtilizacao().run(dispatcher, make_tracker(slots, text=texto), {})
    again = [e for e in events if e.get("event") == "user"]
    assert texts(dispatcher) == [] and again[0]["parse_data"]["intent"]["name"] == "utilizacao"
    assert again[0]["text"] == texto


def test_a_greeting_to_the_bot_as_minha_filha_is_not_the_daughter(dispatcher):
    # "Boa noite minha filha. Sou a Maria, queria saber quanto gastei no plano esse ano" showed Maria's and Ana's
    # usage under "da família", and left José out.
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    text = "Boa noite minha filha. Sou a Maria, queria saber quanto gastei no plano esse ano"
    ActionConsultarUtilizacao().atender(dispatcher, make_tracker(
        {"identificado": True, "beneficiario_id": str(maria)}, text=text, intent="utilizacao"), maria)
    shown = "\n".join(t for t in texts(dispatcher) if t)
    assert "Utilização do plano de Maria" in shown and "Ana" not in shown


async def test_someone_else_writing_on_the_identified_phone_is_identified_again(dispatcher):
    # On Maria's identification, "agora é o josé aqui, marido dela. quero ver a utilizaçao da ana" showed him the
    # family's usage, Ana's physiotherapy included.
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    text = "agora é o josé aqui, marido dela. quero ver a utilizaçao da ana"
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria)}, text=text, intent="utilizacao")
    events = await as_served(ActionConsultarUtilizacao(), dispatcher, tracker)
    assert texts(dispatcher) == [
        "Como agora é outra pessoa escrevendo, encerrei a identificação anterior: cada um vê só os próprios dados. "
        "Para continuar, informe seu CPF (11 dígitos) ou o número da sua carteirinha (16 dígitos)."
    ]
    slots = slot_events(events)
    assert slots["identificado"] is False and slots["beneficiario_id"] is None and slots["identidade"] is None
    assert slots["opcao_pendente"] == "utilizacao"
    # Maria introducing herself is still Maria.
    said = type(dispatcher)()
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria)},
                           text="oi, sou a Maria, minha utilização", intent="utilizacao")
    await as_served(ActionConsultarUtilizacao(), said, tracker)
    assert "outra pessoa" not in " ".join(t or "" for t in texts(said))


async def test_the_spouse_saying_he_is_the_spouse_is_not_logged_out(dispatcher):
    # u26: José, identified, wrote "sou o marido dela, ela deixou" to see Maria's data and was logged out as if
    # someone else had taken the phone; he is told he sees only his own.
    jose = _ids()[seed.DEMO_SPOUSE_CPF]
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(jose)},
                           text="quero ver a utilização da maria, sou o marido dela, ela deixou", intent="utilizacao")
    events = await as_served(ActionConsultarUtilizacao(), dispatcher, tracker)
    said = " ".join(t or "" for t in texts(dispatcher))
    assert "outra pessoa escrevendo" not in said
    assert "cada dependente vê só os próprios dados" in said and "Utilização do plano de José" in said
    assert slot_events(events).get("identificado") is not False


async def test_the_same_item_disputed_twice_gets_the_same_protocol(dispatcher):
    # u16: "não reconheço o item 2" sent twice filed two protocols for one item.
    maria = _ids()[seed.DEMO_TITULAR_CPF]
    events = ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria), maria, escolha=str(maria))
    itens = slot_events(events)["itens_utilizacao"]
    slots = {"identificado": True, "beneficiario_id": str(maria), "itens_utilizacao": itens}
    first, second = type(dispatcher)(), type(dispatcher)()
    tracker = make_tracker(slots, text="não reconheço o item 2", intent="contestar_utilizacao")
    protocol = slot_events(await ActionContestarUtilizacao().run(first, tracker, {}))[PROTOCOLO_DA_CONVERSA]
    again = slot_events(await ActionContestarUtilizacao().run(second, tracker, {}))[PROTOCOLO_DA_CONVERSA]
    assert again == protocol
    said = texts(second)[0]
    assert said.startswith("Esse item (") and f"já está em análise: protocolo {protocol}." in said


def test_asking_the_statement_in_pdf_is_told_there_is_none_instead_of_a_new_list(dispatcher):
    # u27: "tem como mandar isso em pdf?", "manda em pdf" and "pdf" re-sent the usage list, for the last three months
    # instead of the year just shown, and never said there is no PDF.
    from actions.utilizacao import SEM_PDF

    maria = _ids()[seed.DEMO_TITULAR_CPF]
    ActionConsultarUtilizacao().atender(dispatcher, _tracker(maria, "tem como mandar isso em pdf?"), maria,
                                        escolha=str(maria))
    assert texts(dispatcher)[0] == SEM_PDF
    assert not any("Utilização do plano" in (t or "") for t in texts(dispatcher))
