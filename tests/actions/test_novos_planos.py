"""Option 7: plans on sale, prices by age (Art. 40), waiting periods (Arts. 51, 56), who may join (Arts. 11, 22-23)."""

from __future__ import annotations

import re

import pytest
from rasa_sdk import Action

from actions.base import AcaoIdentificada
from actions.financeiro import ActionConsultarFinanceiro
from actions.formatting import format_money
from actions.idades import idade_da_mensagem, idades_da_mensagem
from actions.identificacao_fluxo import ActionSolicitarIdentificacao
from actions.novos_planos import ActionConsultarNovosPlanos
from bot.db import repository, seed
from bot.db.session import make_engine, make_session_factory
from bot.settings import get_settings
from tests.actions.conftest import make_tracker, slot_events, texts

CONTRATAR = "Quer contratar? Digite 0 para falar com um atendente."


@pytest.mark.parametrize(
    ("texto", "idade"),
    [
        ("tenho 45 anos", 45),
        ("45 anos", 45),
        ("pra minha mãe de 67", 67),
        ("Minha mãe tem 67, quanto fica?", 67),
        ("meu pai tem 70 anos e minha mãe 65", 70),
        ("idade: 38", 38),
        ("tenho 45", 45),
        ("meu filho tem 1 ano", 1),
        ("plano para o meu bebê de 8 meses", 0),
        ("há 10 anos sou aposentado, tenho 62", 62),
    ],
)
def test_age_is_read_from_the_message(texto, idade):
    assert idade_da_mensagem(texto) == idade


@pytest.mark.parametrize(
    "texto",
    [
        "7",
        "novos planos",
        "quero um plano de 300 reais",
        "R$ 189,90",
        "tenho 2 filhos",
        "plano para 3 pessoas",
        "nasci em 15/03/1980",
        "trabalhei 30 anos na Cemig",
        "filho até 23 anos pode entrar?",
        "quanto custa para 130 anos",
        "",
        None,
    ],
)
def test_numbers_that_are_not_ages_are_ignored(texto):
    assert idade_da_mensagem(texto) is None


def _plans():
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        plans = [
            (p.name, p.active, [(b.min_age, b.max_age, b.price) for b in p.age_bands])
            for p in repository.list_plans(session=session, active_only=False)
        ]
    engine.dispose()
    return plans


def _price(bands, age):
    return next(price for low, high, price in bands if low <= age and (high is None or age <= high))


def test_it_is_not_an_identified_action():
    assert issubclass(ActionConsultarNovosPlanos, Action)
    assert not issubclass(ActionConsultarNovosPlanos, AcaoIdentificada)
    assert ActionConsultarNovosPlanos().name() == "action_consultar_novos_planos"


async def test_catalogue_without_age_shows_base_prices_and_rules(dispatcher):
    events = await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text="novos planos"), {})
    shown = "\n".join(texts(dispatcher))
    plans = _plans()
    for name, active, bands in plans:
        if active:
            assert f"*{name}*" in shown
            assert f"A partir de {format_money(bands[0][2])}/mês (0 a 18 anos)" in shown
        else:
            assert name not in shown  # legacy plans are no longer sold
    assert "Acomodação: apartamento" in shown and "Acomodação: enfermaria" in shown
    assert "tenho 45 anos" in shown and "Art. 40" in shown
    # Waiting periods (Art. 51) and the 30-day window (Art. 56).
    for expected in (
        "urgência e emergência: 24 horas",
        "consultas e exames simples: 30 dias",
        "parto a termo: 300 dias",
    ):
        assert expected in shown
    assert "180 dias" in shown and "Art. 51" in shown
    assert "em até 30 dias" in shown and "Art. 56" in shown
    # Who may join (Arts. 11, 22, 23).
    assert "Dependente direto" in shown and "23 anos, 11 meses e 29 dias" in shown and "Art. 22" in shown
    assert "Dependente especial" in shown and "4º grau" in shown and "Art. 11 e 23" in shown
    assert texts(dispatcher)[-1] == CONTRATAR
    assert slot_events(events) == {"paginas": None}


@pytest.mark.parametrize(("texto", "idade"), [("pra minha mãe de 67", 67), ("tenho 45 anos", 45)])
async def test_price_for_the_age_in_each_plan(dispatcher, texto, idade):
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=texto), {})
    shown = "\n".join(texts(dispatcher))
    assert f"para {idade} anos de idade" in shown
    for name, active, bands in _plans():
        if active:
            block = shown.split(f"*{name}*", 1)[1].split("\n\n", 1)[0]
            assert f"Para {idade} anos: {format_money(_price(bands, idade))}/mês" in block
    assert ("59 anos ou mais" if idade == 67 else "faixa de 44 a 48 anos") in shown
    assert texts(dispatcher)[-1] == CONTRATAR


async def test_a_couple_sees_each_price_and_the_sum_in_each_plan(dispatcher):
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text="quanto custa pra casal de 40 e 38 anos?"), {})
    shown = "\n".join(texts(dispatcher))
    assert "para 40 anos e 38 anos de idade" in shown
    for name, active, bands in _plans():
        if active:
            block = shown.split(f"*{name}*", 1)[1].split("\n\n", 1)[0]
            assert f"Para 40 anos: {format_money(_price(bands, 40))}/mês" in block
            assert f"Para 38 anos: {format_money(_price(bands, 38))}/mês" in block
            total = _price(bands, 40) + _price(bands, 38)
            assert f"Total para as 2 pessoas: *{format_money(total)}/mês*" in block


@pytest.mark.parametrize(
    ("texto", "idades"),
    [
        ("casal de 40 e 38 anos", [40, 38]),
        ("tenho 2 filhos de 10 e 8 anos", [10, 8]),
        ("meu pai tem 70 anos e minha mãe 65", [70, 65]),
        # A period, not ages, as for one number.
        ("daqui a 2 anos", []),
    ],
)
def test_several_ages_are_read_in_order(texto, idades):
    assert idades_da_mensagem(texto) == idades


async def test_no_personal_data_even_for_an_identified_user(dispatcher, db):
    maria_id = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db).id
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)}, text="novos planos")
    events = await ActionConsultarNovosPlanos().run(dispatcher, tracker, {})
    shown = "\n".join(texts(dispatcher))
    assert "Maria" not in shown and "4175" not in shown
    assert "opcao_pendente" not in slot_events(events)


async def test_unidentified_user_is_not_asked_to_identify(dispatcher):
    events = await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text="7"), {})
    assert "utter_ask_identificacao_documento" not in texts(dispatcher)
    assert "opcao_pendente" not in slot_events(events)
    assert "Planos da Cemig Saúde" in texts(dispatcher)[0]


async def test_a_member_changing_plans_gets_the_rules_of_the_change_then_the_plans(dispatcher):
    # "quero mudar meu plano pra enfermaria" listed the plans on sale with a newcomer's waiting periods.
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text="quero mudar meu plano pra enfermaria"), {})
    said = texts(dispatcher)
    assert said[0].startswith("Mudar de plano dentro da Cemig Saúde")
    assert "60 dias depois da mudança (Art. 107" in said[0] and "180 dias" in said[0] and "Art. 54" in said[0]
    assert "Acomodação: enfermaria" in said[1]
    assert said[-1] == "Para pedir a mudança, digite 0 e fale com um atendente."
    shown = "\n".join(said)
    assert "Art. 51" not in shown and "Quem pode entrar" not in shown


async def test_someone_leaving_another_operator_gets_the_catalogue(dispatcher):
    await ActionConsultarNovosPlanos().run(
        dispatcher, make_tracker(text="quero trocar meu plano da Unimed pelo de vocês"), {}
    )
    said = texts(dispatcher)
    assert not any("Mudar de plano" in t for t in said)
    assert "Art. 51" in "\n".join(said) and said[-1] == CONTRATAR


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        # On the suite's Wednesday 02/12/2026: born on 28/11, included without waiting periods until 28/12.
        ("minha filha nasceu dia 28/11, como coloco ela no plano?", "peça a inclusão até 28/12/2026"),
        ("ela nasceu dia 28/11", "peça a inclusão até 28/12/2026"),
        ("meu filho nasceu em 01/10/2026", "terminou em 31/10/2026"),
    ],
)
async def test_a_birth_with_its_day_gets_the_last_day_without_waiting_periods(dispatcher, texto, esperado):
    # The tester's newborn got the catalogue, and never read until when she could be added without waiting.
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=texto), {})
    shown = "\n".join(texts(dispatcher))
    assert esperado in shown and "Art. 56" in shown
    assert "Planos da Cemig Saúde" not in shown


async def test_an_identified_member_asking_for_us_gets_the_familys_prices(dispatcher, db):
    # "quanto vai ficar pra nós 3?" after the change of plan got the catalogue without anyone's age.
    maria_id = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=db).id
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)}, text="quanto vai ficar pra nos 3?")
    await ActionConsultarNovosPlanos().run(dispatcher, tracker, {})
    shown = "\n".join(texts(dispatcher))
    # Maria 51, José 54, Ana 14 on the suite's day.
    assert "para 51 anos, 54 anos e 14 anos de idade" in shown and "Total para as 3 pessoas" in shown
    other = type(dispatcher)()
    await ActionConsultarNovosPlanos().run(other, make_tracker(text="quanto vai ficar pra nos 3?"), {})
    assert "Total para as" not in "\n".join(texts(other))  # nobody identified: no ages on file


async def test_a_price_for_an_age_read_as_option_4_is_the_plans_price(dispatcher, db):
    # "tenho 54 anos, quanto eu pagaria no enfermaria?" was read as option 4: CPF, or José's "peça a 2ª via".
    texto = "tenho 54 anos quanto eu pagaria no enfermaria?"
    events = await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=texto, intent="financeiro"), {})
    relido = [e for e in events if e.get("event") == "user"]
    assert relido and relido[0]["parse_data"]["intent"]["name"] == "novos_planos" and not texts(dispatcher)
    jose_id = repository.find_beneficiary_by_cpf(seed.DEMO_SPOUSE_CPF, session=db).id
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(jose_id)}, text=texto, intent="financeiro")
    events = await ActionConsultarFinanceiro().run(dispatcher, tracker, {})
    relido = [e for e in events if e.get("event") == "user"]
    assert relido and relido[0]["parse_data"]["intent"]["name"] == "novos_planos"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("minha mae era a titular e faleceu semana passada, o que acontece com o plano?", "em até 72 horas"),
        ("me separei do meu marido, ele continua no meu plano?", "até o titular incluir um novo cônjuge"),
        ("quero tirar a ana do plano", "Só o titular pede a exclusão de um dependente"),
        ("meu filho fez 24 anos, ele sai do plano?", "até completar 23 anos, 11 meses e 29 dias"),
    ],
)
async def test_life_events_get_the_rules_not_the_plans_on_sale(dispatcher, text, expected):
    # Each got "Planos da Cemig Saúde abertos a novas adesões" with prices.
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=text, intent="novos_planos"), {})
    shown = "\n".join(t for t in texts(dispatcher) if t)
    assert expected in shown and "abertos a novas adesões" not in shown and "R$" not in shown


async def test_a_death_between_two_topics_gets_the_rules_instead_of_the_question(dispatcher):
    from actions.conversa import ActionEsclarecer

    tracker = make_tracker(text="o titular morreu, como fica o dependente?", intent="esclarecer")
    tracker.latest_message["intent_ranking"] = [{"name": "financeiro", "confidence": 0.3},
                                                {"name": "novos_planos", "confidence": 0.28}]
    await ActionEsclarecer().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0].startswith("Sinto muito pela perda.")
    assert "formalizar o interesse em até 30 dias" in texts(dispatcher)[0]


@pytest.mark.parametrize(
    ("text", "says", "never"),
    [
        # u16: a death told with "cancelar" got the ordinary cancellation ("Quer voltar depois?"), no condolence.
        ("meu pai faleceu semana passada, como faço para cancelar o plano dele?",
         ["Sinto muito pela perda.", "72 horas", "Se era o titular do plano"], ["Quer voltar depois?"]),
        # A dependant's death was answered with what happens when the titular dies.
        ("minha esposa faleceu e ela era dependente, quero tirar ela do plano",
         ["Sinto muito pela perda. Quando um dependente falece", "continuam no plano como estão"],
         ["Quando o titular falece", "Quer voltar depois?"]),
        ("quero cancelar meu plano", ["utter_cancelar_plano"], ["Sinto muito"]),
    ],
)
async def test_cancelling_after_a_death_gets_condolences_and_what_to_do(dispatcher, text, says, never):
    from actions.inscricao import ActionCancelarPlano

    await ActionCancelarPlano().run(dispatcher, make_tracker(text=text, intent="cancelar_plano"), {})
    shown = "\n".join(t for t in texts(dispatcher) if t)
    assert all(part in shown for part in says) and not any(part in shown for part in never)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("quais hospitais atendem o plano em belo horizonte?", "Por aqui eu não consulto a rede credenciada"),
     ("oi to gravida de 8 semanas, o plano cobre o parto?", "parto a termo tem carência de 300 dias"),
     ("quantas sessoes de psicologo o plano cobre por ano?", "no número de sessões do Rol")],
)
async def test_a_members_coverage_question_read_as_new_plans_is_answered(dispatcher, text, expected):
    # Each got "Planos da Cemig Saúde abertos a novas adesões... Quer contratar?".
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=text, intent="novos_planos"), {})
    shown = "\n".join(t for t in texts(dispatcher) if t)
    assert expected in shown and "abertos a novas adesões" not in shown


async def test_children_included_after_the_couples_quote_are_priced_with_the_couple(dispatcher):
    # "e se incluir 2 filhos de 10 e 7 anos?" got the children's total alone, "Total para as 2 pessoas".
    said = ["somos um casal de 45 e 42 anos, quanto fica?", "e se incluir 2 filhos de 10 e 7 anos?"]
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": "novos_planos"}}} for text in said]
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=said[-1], events=events), {})
    shown = "\n".join(texts(dispatcher))
    assert "para 45 anos, 42 anos, 10 anos e 7 anos de idade" in shown and "Total para as 4 pessoas" in shown
    # A new quote that adds nobody stands alone.
    other = type(dispatcher)()
    said = ["somos um casal de 45 e 42 anos, quanto fica?", "e pra 30 anos?"]
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": "novos_planos"}}} for text in said]
    await ActionConsultarNovosPlanos().run(other, make_tracker(text=said[-1], events=events), {})
    assert "para 30 anos de idade" in "\n".join(texts(other))


@pytest.mark.parametrize("acrescimo", ["e minha sogra de 67?", "E se juntar o meu miúdo de 16?"])
async def test_someone_added_in_a_follow_up_joins_the_family_quote(dispatcher, acrescimo):
    said = ["eu 35 marido 36 e 3 filhos 2 4 e 8 anos", acrescimo]
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": "novos_planos"}}} for text in said]
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=said[-1], events=events), {})
    assert "Total para as 6 pessoas" in "\n".join(texts(dispatcher))


async def _quote_then(dispatcher, first: str, then: str):
    """Quote for ``first``, then answer ``then`` with that quote on the conversation."""
    quoted = type(dispatcher)()
    events = [{"event": "user", "text": first, "parse_data": {"intent": {"name": "novos_planos"}}}]
    await ActionConsultarNovosPlanos().run(quoted, make_tracker(text=first, events=events), {})
    events += [{"event": "bot", "text": text} for text in texts(quoted)]
    events.append({"event": "user", "text": then, "parse_data": {"intent": {"name": "novos_planos"}}})
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=then, events=events), {})
    return "\n".join(t for t in texts(dispatcher) if t)


@pytest.mark.parametrize(("first", "then", "stay", "people"), [
    ("eu 38 minha esposa 32 filho 6", "sem o de 32", "38 anos e 6 anos", 2),
    ("eu 38, minha esposa 32, meu filho 6 e minha sogra 67", "e sem a minha sogra de 67?", "38 anos, 32 anos e 6 anos",
     3),
])
async def test_someone_taken_out_by_age_leaves_the_others_in_the_quote(dispatcher, first, then, stay, people):
    # "sem o de 32" after a family quote got the catalogue without ages.
    shown = await _quote_then(dispatcher, first, then)
    assert f"Planos da Cemig Saúde para {stay} de idade" in shown
    assert f"Total para as {people} pessoas" in shown


async def test_someone_taken_out_by_name_is_asked_the_ages_that_stay(dispatcher):
    from actions.novos_planos import RETIRAR_PELA_IDADE

    shown = await _quote_then(dispatcher, "eu 38 minha esposa 32 filho 6", "tira minha esposa")
    assert shown == RETIRAR_PELA_IDADE


async def test_adding_then_removing_people_builds_on_the_last_quote(dispatcher):
    # u11: "coloca minha sogra tb, ela tem 68" priced her alone; then "tira o de 10" had no quote to work on.
    shown = await _quote_then(dispatcher, "eu 42 anos, minha esposa 39 e os meninos 10 e 7",
                              "coloca minha sogra tb, ela tem 68")
    assert "Planos da Cemig Saúde para 42 anos, 39 anos, 10 anos, 7 anos e 68 anos de idade" in shown
    quoted = [{"event": "bot", "text": t} for t in texts(dispatcher)]
    again = type(dispatcher)()
    events = quoted + [{"event": "user", "text": "Tira o filho de 10, ele vai ficar no plano da escola",
                        "parse_data": {"intent": {"name": "novos_planos"}}}]
    await ActionConsultarNovosPlanos().run(again, make_tracker(text=events[-1]["text"], events=events), {})
    assert "Planos da Cemig Saúde para 42 anos, 39 anos, 7 anos e 68 anos de idade" in "\n".join(texts(again))


async def test_a_member_asking_her_waiting_period_is_sent_to_her_own(dispatcher):
    # u13: "to gravida!! qual a carencia pro parto? eu sou dependente do meu marido no plano" got the plans on sale
    # three times; a member's waiting periods are counted from her own adhesion (the authorizations' topic).
    text = "oi to gravida!! qual a carencia pro parto? eu sou dependente do meu marido no plano"
    events = await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=text, intent="novos_planos"), {})
    reread = [e for e in events if e.get("event") == "user"]
    assert reread and reread[0]["parse_data"]["intent"]["name"] == "autorizacao" and not texts(dispatcher)
    prospect = type(dispatcher)()
    await ActionConsultarNovosPlanos().run(prospect, make_tracker(text="qual a carência pra parto se eu contratar?",
                                                                  intent="novos_planos"), {})
    assert texts(prospect)


async def test_a_stepchild_past_the_dependants_age_is_told_how_they_can_join(dispatcher):
    # Tester: "um plano pra mim 45 anos e meu enteado de 25" was quoted for both, with no word that a stepchild of
    # 25 cannot be a direct dependant (Art. 22, II).
    tracker = make_tracker(text="quanto fica um plano pra mim 45 anos e meu enteado de 25", intent="novos_planos")
    await ActionConsultarNovosPlanos().run(dispatcher, tracker, {})
    said = [t for t in texts(dispatcher) if t]
    note = next(t for t in said if t.startswith("Com 25 anos, filho ou enteado não entra como dependente direto"))
    assert "Art. 22" in note and "dependente especial" in note and "Art. 23" in note
    assert said.index(note) == 1, "right after the quote it qualifies"
    young = type(dispatcher)()
    await ActionConsultarNovosPlanos().run(young, make_tracker(text="eu 45 e meu enteado de 23", intent="novos_planos"),
                                           {})
    assert not any((t or "").startswith("Com 23 anos") for t in texts(young))


async def test_a_prospect_in_portugal_reads_where_the_plans_cover_before_the_prices(dispatcher):
    # u13: "moro em Lisboa, quanto custa um plano para 40 anos?" got the plans in reais, nothing on coverage.
    tracker = make_tracker(text="olá, moro em Lisboa, quanto custa um plano de saúde para 40 anos?",
                           intent="novos_planos")
    await ActionConsultarNovosPlanos().run(dispatcher, tracker, {})
    said = [t for t in texts(dispatcher) if t]
    assert said[0].startswith("Os planos da Cemig Saúde atendem só em Minas Gerais") and "Portugal" in said[0]
    assert "Art. 7º" in said[0] and "Para 40 anos:" in said[1]
    here = type(dispatcher)()
    await ActionConsultarNovosPlanos().run(here, make_tracker(text="moro em BH, quanto custa pra 40 anos?",
                                                              intent="novos_planos"), {})
    assert not any("Portugal" in (t or "") for t in texts(here))


@pytest.mark.parametrize("pergunta", ["quanto fica o total por mes?", "e se for enfermaria?"])
async def test_a_question_about_the_quote_just_given_is_no_reason_to_ask_a_cpf(dispatcher, pergunta):
    # u17: after a family's quote, these (read as the boleto or the usage) asked for a CPF.
    from actions.identificacao_fluxo import ActionSolicitarIdentificacao

    events = [{"event": "user", "text": "tenho 45 anos e minha esposa 44",
               "parse_data": {"intent": {"name": "novos_planos"}}},
              {"event": "bot", "text": "Planos da Cemig Saúde para 45 anos e 44 anos..."},
              {"event": "user", "text": pergunta, "parse_data": {"intent": {"name": "financeiro"}}}]
    tracker = make_tracker(text=pergunta, intent="financeiro", events=events)
    reread = [e for e in await ActionSolicitarIdentificacao().run(dispatcher, tracker, {}) if e.get("event") == "user"]
    assert reread and reread[-1]["parse_data"]["intent"]["name"] == "novos_planos"


async def _depois_da_cotacao(dispatcher, pedido: str, cotacao: str, pergunta: str) -> list:
    """What the new plans answer to ``pergunta``, asked after ``pedido`` got the quote titled ``cotacao``."""
    planos = {"intent": {"name": "novos_planos"}}
    events = [{"event": "user", "text": pedido, "parse_data": planos}, {"event": "bot", "text": cotacao},
              {"event": "user", "text": pergunta, "parse_data": planos}]
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=pergunta, intent="novos_planos",
                                                                    events=events), {})
    return texts(dispatcher)


async def test_the_total_asked_after_a_quote_is_the_same_familys_without_the_rules_again(dispatcher):
    # u17: "quanto fica o total por mes?" after the quote for 45 and 44 showed the plans with no ages, and every
    # answer repeated the waiting periods and who may join.
    from actions.novos_planos import QUEM_PODE_ENTRAR

    cotacao = "Planos da Cemig Saúde para 45 anos e 44 anos de idade (valor por mês, por pessoa):"
    shown = await _depois_da_cotacao(dispatcher, "tenho 45 anos e minha esposa 44", cotacao,
                                     "quanto fica o total por mes?")
    assert shown[0].startswith(cotacao) and "Total para as 2 pessoas" in shown[0]
    assert QUEM_PODE_ENTRAR not in shown and not any(t.startswith("Carências") for t in shown)


@pytest.mark.parametrize(
    ("pergunta", "acomodacoes"),
    [("e se for enfermaria?", {"enfermaria (quarto coletivo)"}),
     ("e no apartamento?", {"apartamento (quarto privativo)"})],
)
async def test_an_accommodation_asked_after_a_quote_shows_only_its_plans(dispatcher, pergunta, acomodacoes):
    # u22: "e se for enfermaria?" after a couple's quote showed all three plans again.
    cotacao = "Planos da Cemig Saúde para 62 anos e 59 anos de idade (valor por mês, por pessoa):"
    shown = (await _depois_da_cotacao(dispatcher, "plano para casal de 62 e 59 anos", cotacao, pergunta))[0]
    assert shown.startswith(cotacao)
    assert set(re.findall(r"Acomodação: ([^\n]+)", shown)) == acomodacoes


async def test_the_cheapest_plan_for_the_quoted_ages_is_shown_alone(dispatcher):
    cotacao = "Planos da Cemig Saúde para 62 anos e 59 anos de idade (valor por mês, por pessoa):"
    planos = {"intent": {"name": "novos_planos"}}
    events = [{"event": "user", "text": "plano para casal de 62 e 59 anos", "parse_data": planos},
              {"event": "bot", "text": cotacao},
              {"event": "user", "text": "e qual o mais barato?", "parse_data": planos}]
    tracker = make_tracker(text="e qual o mais barato?", intent="novos_planos", events=events)
    await ActionConsultarNovosPlanos().run(dispatcher, tracker, {})
    shown = texts(dispatcher)[0]
    assert shown.count("Acomodação:") == 1 and "Essencial Enfermaria" in shown, shown


async def test_a_number_alone_after_a_quote_is_another_age_quoted(dispatcher):
    # u25: "e pra 60?" after the quote for 45 showed the plans with no price for anyone.
    cotacao = "Planos da Cemig Saúde para 45 anos de idade (valor por mês, por pessoa):"
    shown = await _depois_da_cotacao(dispatcher, "quanto fica a mensalidade pra 45 anos?", cotacao, "e pra 60?")
    assert shown[0].startswith("Planos da Cemig Saúde para 60 anos de idade")


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("quais documentos preciso?", "certidão de nascimento"),
        ("onde eu faço a inclusão?", "Formulário de Inclusão"),
        ("e se eu incluir só em janeiro?", "Passados 30 dias do nascimento"),
    ],
)
async def test_follow_ups_of_adding_a_newborn_stay_with_the_inclusion(dispatcher, follow_up, expected):
    # u26: after how to add a newborn, each of these got the catalogue of plans on sale and "Quer contratar?".
    from actions.inscricao import INCLUSAO

    events = [{"event": "user", "text": "meu bebe nasceu semana passada, quero incluir ele no plano, tem carencia?"},
              {"event": "bot", "text": INCLUSAO},
              {"event": "user", "text": follow_up},
              {"event": "action", "name": "action_continuar_assunto"},
              {"event": "user", "text": follow_up}]
    await ActionConsultarNovosPlanos().run(dispatcher, make_tracker(text=follow_up, intent="novos_planos",
                                                                   events=events), {})
    said = "\n".join(t for t in texts(dispatcher) if t)
    assert expected in said
    assert "abertos a novas adesões" not in said and "Quer contratar?" not in said
    if "janeiro" in follow_up:
        assert "180 dias" in said


async def test_which_plan_covers_the_widest_area_after_a_quote_is_answered_without_a_cpf(dispatcher):
    # u27: after a quote for 58 and 61, "e qual deles tem a maior area de cobertura?" was asked for a CPF and "qual
    # cobre mais cidades?" got the ANS list of procedures.
    texto = "e qual deles tem a maior area de cobertura?"
    cotacao = {"intent": {"name": "novos_planos"}}
    events = [{"event": "user", "text": "quanto custa pra 58 e 61 anos?", "parse_data": cotacao},
              {"event": "bot", "text": "Planos da Cemig Saúde para 58 e 61 anos de idade..."},
              {"event": "user", "text": texto, "parse_data": {"intent": {"name": "autorizacao"}}}]
    result = await ActionSolicitarIdentificacao().run(dispatcher, make_tracker(text=texto, intent="autorizacao",
                                                                               events=events), {})
    assert [e for e in result if e.get("event") == "user"][0]["parse_data"]["intent"]["name"] == "novos_planos"
    said = type(dispatcher)()
    await ActionConsultarNovosPlanos().run(said, make_tracker(text=texto, intent="novos_planos", events=events), {})
    answer = texts(said)[0]
    assert answer.startswith("Área de abrangência de cada plano") and "Minas Gerais" in answer
    assert "Essencial Enfermaria: grupo de municípios da Região Metropolitana de Belo Horizonte" in answer
