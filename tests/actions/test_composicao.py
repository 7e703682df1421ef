"""What a boleto is made of, and why it went up (actions/composicao.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from actions.composicao import pergunta_composicao
from actions.financeiro import ActionConsultarFinanceiro
from actions.formatting import format_money
from bot.db import repository, seed
from tests.actions.conftest import identified_tracker, read_text, slot_events, texts


@pytest.mark.parametrize(
    "text",
    ["por que minha mensalidade subiu?", "pq o boleto de novembro veio 180 reais mais caro?", "quero o detalhamento",
     "o que tem nesse boleto?"],
)
def test_questions_about_what_a_boleto_is_made_of(text):
    assert pergunta_composicao(text)


async def test_why_the_boleto_went_up_names_the_age_band_change(dispatcher, db):
    # "meu marido fez aniversário em agosto e o boleto subiu" got the whole list of boletos.
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    jose = repository.find_beneficiary_by_cpf(seed.DEMO_SPOUSE_CPF, session=db)
    bands = {b.min_age: b.price for b in jose.plan.age_bands}
    invoices = {f.competence: f for f in repository.list_invoices([maria.id], session=db)}
    september, august = invoices[date(2026, 9, 1)], invoices[date(2026, 8, 1)]
    text = "meu marido fez aniversario em agosto e o boleto subiu, ta certo?"
    events = await ActionConsultarFinanceiro().run(dispatcher, identified_tracker(maria.id, text, "financeiro"), {})
    shown = read_text(dispatcher)
    # José turned 54 on 30/08/2026: the band of 54-58 is billed from September (Art. 40).
    assert f"Composição do boleto de 09/2026 ({format_money(september.amount)})" in shown
    assert f"Em relação ao boleto de 08/2026 ({format_money(august.amount)})" in shown
    assert f"José mudou de faixa etária (54 anos): +{format_money(bands[54] - bands[49])}" in shown
    assert "Boletos em aberto" not in shown and not slot_events(events).get("paginas")


async def test_the_composition_adds_up_to_the_boleto(dispatcher, db):
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    latest = max(repository.list_invoices([maria.id], session=db), key=lambda f: f.competence)
    tracker = identified_tracker(maria.id, "o que tem nesse boleto?", "financeiro")
    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    first = texts(dispatcher)[0]
    assert first.startswith(f"Composição do boleto de {latest.competence:%m/%Y} ({format_money(latest.amount)})")
    parts = re.findall(r"R\$ ([\d.]+,\d{2})", first.split("\n\n")[0].split(":", 1)[1])
    values = [Decimal(p.replace(".", "").replace(",", ".")) for p in parts]
    assert sum(values) == latest.amount


async def test_a_dependant_gets_his_own_contribution_and_why_it_went_up(dispatcher, db):
    # José, a direct dependant, was only told to ask the titular; the rise was his own age band.
    jose = repository.find_beneficiary_by_cpf(seed.DEMO_SPOUSE_CPF, session=db)
    bands = {b.min_age: b.price for b in jose.plan.age_bands}
    tracker = identified_tracker(jose.id, "por que o boleto subiu?", "financeiro")
    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert said[0] == (
        f"Sua parte na mensalidade de 12/2026: {format_money(bands[54])} (54 anos). Em 09/2026 ela passou de "
        f"{format_money(bands[49])} para {format_money(bands[54])}: mudança de faixa etária (Art. 40 do Regulamento)."
    )
    assert "titular" in said[1] and "Maria" not in "\n".join(t for t in said if t)


async def test_two_months_named_are_compared_with_each_other(dispatcher, db):
    # "pq o de dezembro tá mais caro que o de setembro?" paged the list of boletos ("mais").
    maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db)
    invoices = {f.competence: f for f in repository.list_invoices([maria.id], session=db)}
    december, september = invoices[date(2026, 12, 1)], invoices[date(2026, 9, 1)]
    tracker = identified_tracker(maria.id, "pq o de dezembro ta mais caro que o de setembro?", "financeiro")
    await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    first = texts(dispatcher)[0]
    assert first.startswith(f"Composição do boleto de 12/2026 ({format_money(december.amount)})")
    assert f"Em relação ao boleto de 09/2026 ({format_money(september.amount)})" in first
    assert "mudou de faixa" not in first  # José's band changed in September itself: nothing between the two
