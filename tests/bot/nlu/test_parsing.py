"""Rule-based reading of identifiers and dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.nlu.parsing import (
    find_identifiers,
    find_relative_dates,
    is_only_identifiers,
    menu_digit_intent,
    paging_intent,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/1975", date(1975, 3, 12)),
        ("12031975", date(1975, 3, 12)),
        ("12-3-75", date(1975, 3, 12)),
        ("nasci em 12 de março de 1975", date(1975, 3, 12)),
        ("5 de dezembro de 2012", date(2012, 12, 5)),
        ("31/02/1980", None),
        ("ontem", None),
        ("1203197", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_finds_cpf_and_date_in_one_sentence():
    found = find_identifiers("meu cpf é 529.982.247-25 e nasci em 12/03/1975")
    assert [(f.entity, f.value) for f in found] == [("cpf", "52998224725"), ("data", "1975-03-12")]


def test_spaced_card_followed_by_date_is_not_glued():
    found = find_identifiers("4175 0500 0000 1002 12/03/1975")
    assert [(f.entity, f.value) for f in found] == [("numero_cartao", "4175050000001002"), ("data", "1975-03-12")]


def test_protocol_has_twenty_digits():
    found = find_identifiers("protocolo 41750520261125000123")
    assert [(f.entity, f.value) for f in found] == [("protocolo", "41750520261125000123")]


def test_only_identifiers():
    text = "529.982.247-25"
    assert is_only_identifiers(text, find_identifiers(text))
    text = "qto paguei de copart nos ultimos 3 meses"
    assert not is_only_identifiers(text, find_identifiers(text))


@pytest.mark.parametrize(("text", "intent"), [("1", "reembolso"), (" 3 ", "numero_cartao"), ("0", "falar_atendente"),
                                              ("7.", "novos_planos"), ("8", None), ("13", None),
                                              ("opção 0", "falar_atendente"), ("Opcao 3", "numero_cartao"),
                                              ("quero a opção 4", "financeiro"), ("op 6 por favor", "imposto_renda"),
                                              ("2\ufe0f\u20e3", "utilizacao"), ("opção 9", None),
                                              ("tenho 2 filhos", None), ("quero 2 vias", None)])
def test_menu_digits(text, intent):
    assert menu_digit_intent(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [("mais", "mais"), ("Ver mais!", "mais"), ("e os demais?", "mais"), ("E OS PRÓXIMOS", "mais"),
     ("mas e as seguintes?", "mais"), ("os restantes por favor", "mais"),
     # The word inside a request is not the command.
     ("quero saber mais sobre os planos", None), ("e os demais dependentes do plano?", None), ("e o prazo?", None)],
)
def test_only_the_paging_command_is_paging(text, intent):
    assert paging_intent(text) == intent


# -- relative dates in words (issue 12) ------------------------------------------------------------

WEDNESDAY = date(2026, 12, 2)  # the suite's clock (tests/fixed_clock.py), fixed here so the examples read alone


def _values(text, today=WEDNESDAY):
    return [f.value for f in find_relative_dates(text, today)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # days counted from today
        ("hoje", "2026-12-02"),
        ("posso pagar hoje?", "2026-12-02"),
        ("amanhã", "2026-12-03"),
        ("AMANHA eu pago", "2026-12-03"),
        ("depois de amanhã", "2026-12-04"),
        ("depois de amanha", "2026-12-04"),
        ("ontem", "2026-12-01"),
        ("anteontem", "2026-11-30"),
        ("antes de ontem", "2026-11-30"),
        # a day of the month: this month, or next month once it has passed
        ("se eu pagar dia 20 quanto fica", "2026-12-20"),
        ("no dia 5", "2026-12-05"),
        ("dia 2", "2026-12-02"),
        ("dia 1º", "2027-01-01"),
        ("dia 1", "2027-01-01"),
        ("dia 5 do mês que vem", "2027-01-05"),
        ("dia 5 do próximo mês", "2027-01-05"),
        ("dia 20 do mês passado", "2026-11-20"),
        ("dia 1 deste mês", "2026-12-01"),
        ("dia 20 de janeiro", "2027-01-20"),
        ("20 de janeiro", "2027-01-20"),
        ("dia 1º de dezembro", "2027-12-01"),
        # weeks and weekdays: the next such day, today included; "próxima"/"que vem" skip today
        ("semana que vem", "2026-12-07"),
        ("na próxima semana", "2026-12-07"),
        ("até sexta", "2026-12-04"),
        ("na sexta", "2026-12-04"),
        ("sexta-feira", "2026-12-04"),
        ("sexta feira", "2026-12-04"),
        ("só consigo pagar na segunda", "2026-12-07"),
        ("terça", "2026-12-08"),
        ("na quarta-feira", "2026-12-02"),
        ("próxima quarta", "2026-12-09"),
        ("quarta que vem", "2026-12-09"),
        ("quinta-feira", "2026-12-03"),
        ("sábado", "2026-12-05"),
        ("SABADO", "2026-12-05"),
        ("domingo", "2026-12-06"),
        ("sexta da semana que vem", "2026-12-11"),
        ("segunda-feira da próxima semana", "2026-12-07"),
        # months
        ("mês que vem", "2027-01-01"),
        ("no próximo mês", "2027-01-01"),
        ("mês passado", "2026-11-01"),
        ("até o fim do mês", "2026-12-31"),
        ("final do mês", "2026-12-31"),
        ("fim do mês que vem", "2027-01-31"),
        ("fim do mês passado", "2026-11-30"),
        # day and month in digits, without the year: the nearest such day
        ("dia 20/12", "2026-12-20"),
        ("e dia 15/01?", "2027-01-15"),
        ("ela nasceu 28/11", "2026-11-28"),
    ],
)
def test_relative_dates_on_a_wednesday(text, expected):
    assert _values(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "dia a dia",
        "bom dia",
        "2 vezes por dia",
        "o boleto vence todo dia 15?",
        "vence dia 15 de cada mês",
        "dias 5 e 6",
        "hoje em dia tudo é pelo app",
        "hoje não",
        "não amanhã",
        "amanhecer",
        "hojeee",
        "quero a segunda via do boleto",
        "na segunda via",
        "a quinta parcela",
        "minha filha está na sexta série",
        "atendimento de segunda a sexta",
        "quarta",
        "mesmo assim",
        "nos próximos meses",
        "pago 20 reais",
        "20",
        "dia 32",
        "dia 123",
        "30 de fevereiro",
        "dia 20/12/2026",
        "dia 20 de janeiro de 2027",
    ],
)
def test_not_relative_dates(text):
    assert find_relative_dates(text, WEDNESDAY) == []


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2026, 12, 28), "dia 5", "2027-01-05"),
        (date(2026, 12, 28), "mês que vem", "2027-01-01"),
        (date(2026, 12, 2), "mês que vem", "2027-01-01"),
        (date(2026, 12, 28), "semana que vem", "2027-01-04"),
        (date(2026, 12, 31), "depois de amanhã", "2027-01-02"),
        (date(2027, 1, 1), "ontem", "2026-12-31"),
        (date(2027, 1, 15), "mês passado", "2026-12-01"),
        (date(2027, 1, 15), "dia 20 do mês passado", "2026-12-20"),
        (date(2026, 11, 2), "dia 31", "2026-12-31"),  # November has no 31st
        (date(2027, 1, 31), "dia 30", "2027-03-30"),  # nor February a 30th
        (date(2028, 2, 10), "fim do mês", "2028-02-29"),
        (date(2026, 12, 20), "dia 20 de dezembro", "2026-12-20"),
        (date(2026, 12, 21), "dia 20 de dezembro", "2027-12-20"),
        (date(2026, 12, 4), "sexta-feira", "2026-12-04"),  # a Friday's "sexta-feira" is that day
        (date(2026, 12, 4), "até sexta", "2026-12-04"),
        (date(2026, 12, 4), "próxima sexta", "2026-12-11"),
    ],
)
def test_relative_dates_roll_over_months_and_years(today, text, expected):
    assert _values(text, today) == [expected]


def test_relative_dates_point_at_what_the_user_wrote():
    text = "Não dá hoje não, só DEPOIS DE AMANHÃ ou no dia 20"
    found = find_relative_dates(text, WEDNESDAY)
    assert [(f.entity, f.value, text[f.start : f.end]) for f in found] == [
        ("data", "2026-12-04", "DEPOIS DE AMANHÃ"),
        ("data", "2026-12-20", "dia 20"),
    ]


def test_a_decomposed_accent_stays_inside_the_span():
    text = "amanha\u0303 eu pago"
    [found] = find_relative_dates(text, WEDNESDAY)
    assert (found.value, text[found.start : found.end]) == ("2026-12-03", "amanha\u0303")


def test_explicit_dates_win_and_are_not_read_twice():
    text = "nasci em 12/03/1975 e quero pagar amanhã, ou dia 20/12/2026"
    explicit = [f.value for f in find_identifiers(text) if f.entity == "data"]
    assert explicit == ["1975-03-12", "2026-12-20"]
    assert _values(text) == ["2026-12-03"]
    # find_identifiers, used by the forms, is unchanged: words are not identifiers.
    assert find_identifiers("amanhã") == []
