"""Option 6: income-tax statement per person and family total, family rules of Art. 17 §2."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from actions.formatting import format_money
from actions.imposto_renda import ActionConsultarImpostoRenda, ano_da_mensagem
from bot.db import repository, seed
from bot.db.models import UtilizationEvent
from bot.db.session import make_engine, make_session_factory
from bot.identifiers import mask_cpf
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.fixed_clock import TODAY

ANO = TODAY.year - 1



def _figures() -> dict:
    """Per demo CPF: id, co-payments summed from the uses of last year, contributions on file."""
    engine = make_engine(get_settings())
    result = {}
    with make_session_factory(engine)() as session:
        for cpf in (seed.DEMO_TITULAR_CPF, seed.DEMO_SPOUSE_CPF, seed.DEMO_DAUGHTER_CPF):
            person = repository.find_beneficiary_by_cpf(cpf, session=session)
            copay = session.execute(
                select(func.sum(UtilizationEvent.copay_amount)).where(
                    UtilizationEvent.beneficiary_id == person.id,
                    UtilizationEvent.event_date.between(date(ANO, 1, 1), date(ANO, 12, 31)),
                )
            ).scalar_one()
            (statement,) = repository.get_tax_statements([person.id], ANO, session=session)
            result[cpf] = (person.id, Decimal(str(copay)).quantize(Decimal("0.01")), statement.contributions_paid)
    engine.dispose()
    return result


def _tracker(beneficiary_id: int, text: str = "6"):
    slots = {"identificado": True, "beneficiario_id": str(beneficiary_id)}
    return make_tracker(slots, text=text, intent="imposto_renda")


def _shown(dispatcher, events) -> str:
    return "\n".join([*texts(dispatcher), *(slot_events(events).get("paginas") or [])])


def test_ano_da_mensagem():
    hoje = date(2026, 3, 1)
    assert ano_da_mensagem("", hoje) == 2025
    assert ano_da_mensagem("informe de rendimentos 2023", hoje) == 2023
    assert ano_da_mensagem("imposto de renda do ano passado", hoje) == 2025
    # Digits inside a card number or a 5-digit number are not a year.
    assert ano_da_mensagem("cartão 4175050000001004", hoje) == 2025
    assert ano_da_mensagem("20245", hoje) == 2025


async def test_titular_todos_sees_each_person_and_family_total(dispatcher):
    figures = _figures()
    maria_id = figures[seed.DEMO_TITULAR_CPF][0]
    events = ActionConsultarImpostoRenda().atender(dispatcher, _tracker(maria_id), maria_id, escolha="todos")
    shown = _shown(dispatcher, events)
    assert f"ano-calendário {ANO}" in shown
    family_total = Decimal("0.00")
    for cpf, (_, copay, contributions) in figures.items():
        assert f"CPF: {mask_cpf(cpf)}" in shown
        assert cpf not in shown
        assert f"Coparticipações pagas: {format_money(copay)}" in shown
        assert f"Mensalidades pagas: {format_money(contributions)}" in shown
        assert f"Total: {format_money(contributions + copay)}" in shown
        family_total += contributions + copay
    assert f"Total da família em {ANO}: *{format_money(family_total)}*" in shown
    assert "código 26" in shown
    assert texts(dispatcher)[-1] == "utter_algo_mais"


async def test_titular_chooses_a_dependant(dispatcher):
    figures = _figures()
    maria_id = figures[seed.DEMO_TITULAR_CPF][0]
    ana_id = figures[seed.DEMO_DAUGHTER_CPF][0]
    events = ActionConsultarImpostoRenda().atender(dispatcher, _tracker(maria_id), maria_id, escolha=str(ana_id))
    shown = _shown(dispatcher, events)
    assert "Ana Luiza Souza" in shown and mask_cpf(seed.DEMO_DAUGHTER_CPF) in shown
    assert "Maria" not in shown and "José" not in shown
    assert "Total da família" not in shown


async def test_dependant_sees_only_own_statement(dispatcher):
    figures = _figures()
    jose_id, copay, contributions = figures[seed.DEMO_SPOUSE_CPF]
    events = await ActionConsultarImpostoRenda().run(dispatcher, _tracker(jose_id), {})
    shown = _shown(dispatcher, events)
    assert "José Carlos Souza" in shown
    assert f"Total: {format_money(contributions + copay)}" in shown
    assert mask_cpf(seed.DEMO_TITULAR_CPF) not in shown and "Maria" not in shown and "Ana" not in shown
    # He reads who may deduct it: José was told to declare what Maria paid.
    assert "só quem pagou pode deduzi-los" in shown and "se você declara separado, não os lance na sua" in shown


async def test_year_named_in_the_message_without_statement(dispatcher):
    maria_id = _figures()[seed.DEMO_TITULAR_CPF][0]
    tracker = _tracker(maria_id, text="imposto de renda 2010")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria_id, escolha="todos")
    shown = _shown(dispatcher, events)
    assert "Não há demonstrativo de imposto de renda da sua família para o ano de 2010." in shown
    assert f"Há demonstrativos de {ANO - 2}, {ANO - 1} e {ANO}" in shown and f"imposto de renda {ANO}" in shown
    assert "R$" not in shown and "CPF" not in shown


async def test_current_year_is_not_closed_yet(dispatcher):
    jose_id = _figures()[seed.DEMO_SPOUSE_CPF][0]
    tracker = _tracker(jose_id, text=f"imposto de renda ano-calendário {ANO + 1}")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, jose_id)
    shown = _shown(dispatcher, events)
    assert f"Ainda não há demonstrativo de imposto de renda de {ANO + 1}" in shown
    assert slot_events(events)["paginas"] is None


async def test_the_declaration_of_this_year_is_last_years_statement(dispatcher):
    # u19: "o demonstrativo para declaração do imposto de renda de 2026" got "ainda não há demonstrativo de 2026".
    jose_id = _figures()[seed.DEMO_SPOUSE_CPF][0]
    tracker = _tracker(jose_id, text=f"PRECISO DO DEMONSTRATIVO PARA DECLARACAO DO IMPOSTO DE RENDA DE {ANO + 1}")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, jose_id)
    shown = _shown(dispatcher, events)
    assert shown.startswith(f"A declaração do imposto de renda de {ANO + 1} usa o ano-calendário {ANO}.")
    assert f"ano-calendário {ANO}:" in shown and "R$" in shown and "Ainda não há" not in shown


async def test_unidentified_user_sees_no_statement(dispatcher):
    events = await ActionConsultarImpostoRenda().run(dispatcher, make_tracker(text="imposto de renda"), {})
    shown = "\n".join(texts(dispatcher))
    assert "R$" not in shown and "CPF:" not in shown
    assert slot_events(events)["opcao_pendente"] == "imposto_renda"


# -- the statement as a PDF --------------------------------------------------------------------


async def test_titular_gets_the_statement_as_a_pdf_link(dispatcher):
    from bot.arquivos import caminho

    figures = _figures()
    maria = figures[seed.DEMO_TITULAR_CPF][0]
    ActionConsultarImpostoRenda().atender(dispatcher, _tracker(maria), maria, escolha="todos")
    links = [m["attachment"] for m in dispatcher.messages if m.get("attachment")]
    assert len(links) == 1 and links[0].endswith(".pdf")
    pdf = caminho(links[0].rsplit("/", 1)[1]).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"Maria Aparecida Souza" in pdf and b"12.055.813/0001-68" in pdf
    # u27: the plan received these payments; "Fonte pagadora" is the label of income, not of a health plan.
    assert b"Recebedora dos pagamentos" in pdf and b"Fonte pagadora" not in pdf
    total = sum(c + s for _, c, s in figures.values())
    assert format_money(total).encode("latin-1") in pdf


async def test_phone_calls_get_no_pdf(dispatcher):
    maria = _figures()[seed.DEMO_TITULAR_CPF][0]
    tracker = make_tracker(
        {"identificado": True, "beneficiario_id": str(maria)},
        text="6",
        intent="imposto_renda",
        events=[{"event": "user", "text": "6", "input_channel": "ura", "parse_data": {"intent": {"name": "x"}}}],
    )
    ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria, escolha="todos")
    assert not [m for m in dispatcher.messages if m.get("attachment")]
    said = "\n".join(texts(dispatcher))
    assert "Demonstrativo" in said
    # u22: "como eu pego esse documento?" had no answer on the phone: where the PDF is comes with the figures.
    assert "Aplicativo e no Portal do beneficiário" in said and "WhatsApp" in said


@pytest.mark.parametrize("pedido", ["manda por SMS", "pode mandar por email entao"])
async def test_a_caller_asking_the_statement_by_sms_or_email_is_told_where_it_is_not_read_it_again(dispatcher, pedido):
    # u27: on the phone, "manda por SMS" and "pode mandar por email entao" each replayed the whole statement.
    maria = _figures()[seed.DEMO_TITULAR_CPF][0]
    tracker = make_tracker(
        {"identificado": True, "beneficiario_id": str(maria)}, text=pedido, intent="imposto_renda",
        events=[{"event": "user", "text": pedido, "input_channel": "ura", "parse_data": {"intent": {"name": "x"}}}],
    )
    ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria, escolha="todos")
    said = texts(dispatcher)
    assert said[0].startswith("Por SMS ou e-mail eu não envio o demonstrativo.") and "Portal" in said[0]
    assert not any("Demonstrativo para o imposto de renda" in (t or "") for t in said)


async def test_an_earlier_year_on_file_is_shown(dispatcher):
    # "imposto de renda 2024" said there was no statement: the demo had last year's only.
    maria_id = _figures()[seed.DEMO_TITULAR_CPF][0]
    tracker = _tracker(maria_id, text=f"preciso do informe de {ANO - 2} pra retificar")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria_id, escolha="todos")
    shown = _shown(dispatcher, events)
    assert f"ano-calendário {ANO - 2}" in shown and f"Total da família em {ANO - 2}" in shown
    assert f"ano-calendário {ANO}" not in shown


async def test_several_years_asked_get_one_statement_each(dispatcher):
    # "imposto de renda 2024 e 2025 da família toda" got 2024 only; "dos últimos 3 anos", only one year.
    maria_id = _figures()[seed.DEMO_TITULAR_CPF][0]
    tracker = _tracker(maria_id, text=f"imposto de renda {ANO - 1} e {ANO} da familia toda")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria_id, escolha="todos")
    said = [t for t in texts(dispatcher) if t.startswith("Demonstrativo para o imposto de renda")]
    assert [t.split("\n")[0] for t in said] == [
        f"Demonstrativo para o imposto de renda, ano-calendário {ANO - 1}:",
        f"Demonstrativo para o imposto de renda, ano-calendário {ANO}:",
    ]
    assert f"Total da família em {ANO - 1}" in said[0] and f"Total da família em {ANO}" in said[1]
    # Each is whole: nothing left for "mais".
    assert not slot_events(events).get("paginas")
    assert len([m for m in dispatcher.messages if m.get("attachment")]) == 2


def _conversation(beneficiary_id: int, *said: str):
    """A tracker whose user said ``said`` in the income-tax topic, the last one being the latest message."""
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": "imposto_renda"}}} for text in said]
    slots = {"identificado": True, "beneficiario_id": str(beneficiary_id)}
    return make_tracker(slots, text=said[-1], intent="imposto_renda", events=events)


def test_a_follow_up_about_another_person_keeps_the_year_asked(dispatcher):
    # "IR 2024", "o meu", then "e o da minha filha?" showed Ana's statement of 2025: the wrong year for the return.
    figures = _figures()
    maria_id, ana_id = figures[seed.DEMO_TITULAR_CPF][0], figures[seed.DEMO_DAUGHTER_CPF][0]
    tracker = _conversation(maria_id, "quero o informe de IR de 2024", "e o da minha filha?")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria_id, escolha=str(ana_id))
    shown = _shown(dispatcher, events)
    assert "2024" in shown and str(ANO) not in shown.replace("2024", "")


def test_a_follow_up_naming_a_year_uses_that_year(dispatcher):
    figures = _figures()
    maria_id = figures[seed.DEMO_TITULAR_CPF][0]
    tracker = _conversation(maria_id, "quero o informe de IR de 2024", f"e o de {ANO}?")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria_id, escolha=str(maria_id))
    assert f"ano-calendário {ANO}" in _shown(dispatcher, events)


def test_the_users_own_and_the_husbands_statements_together(dispatcher):
    figures = _figures()
    maria_id, jose_id, ana_id = (figures[cpf][0] for cpf in
                                 (seed.DEMO_TITULAR_CPF, seed.DEMO_SPOUSE_CPF, seed.DEMO_DAUGHTER_CPF))
    tracker = _tracker(maria_id, "quero o informe de rendimentos, o meu e o do meu marido")
    events = ActionConsultarImpostoRenda().atender(dispatcher, tracker, maria_id)
    shown = _shown(dispatcher, events)
    assert "Maria" in shown and "José" in shown and "Ana" not in shown
    assert f"Total da família em {ANO}" in shown
    assert slot_events(events)["pessoa_do_assunto"] == f"{maria_id},{jose_id}"
    assert str(ana_id) not in slot_events(events)["pessoa_do_assunto"]


async def test_a_request_for_everyone_is_not_asked_whose(dispatcher):
    # "IR de todos 2025" got "De quem você quer ver...?" and its list of the family, "Todos" among them.
    maria_id = _figures()[seed.DEMO_TITULAR_CPF][0]
    events = await ActionConsultarImpostoRenda().run(dispatcher, _tracker(maria_id, f"IR de todos {ANO}"), {})
    shown = _shown(dispatcher, events)
    assert "De quem" not in shown and f"Total da família em {ANO}" in shown
    assert "Maria" in shown and "José" in shown and "Ana" in shown


def test_the_titular_reading_a_dependants_statement_is_told_it_is_hers_to_deduct(dispatcher):
    # Maria read "se você é dependente na declaração do titular..." under her daughter's statement.
    figures = _figures()
    maria_id, ana_id = figures[seed.DEMO_TITULAR_CPF][0], figures[seed.DEMO_DAUGHTER_CPF][0]
    events = ActionConsultarImpostoRenda().atender(dispatcher, _tracker(maria_id), maria_id, escolha=str(ana_id))
    shown = _shown(dispatcher, events)
    assert "Os valores de Ana são pagos no seu boleto, de titular" in shown and "se você é dependente" not in shown
    said = type(dispatcher)()
    events = ActionConsultarImpostoRenda().atender(said, _tracker(ana_id), ana_id)
    assert "se você é dependente na declaração do titular" in _shown(said, events)
