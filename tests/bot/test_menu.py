"""Issue 8 §3: the menu is one table (bot/menu.py); everything that repeats it is checked against it."""

from __future__ import annotations

import yaml

from bot.menu import OPCOES, texto_do_menu
from bot.nlu.parsing import menu_digit_intent
from bot.settings import PROJECT_ROOT
from routing.tickets import CATEGORY_LABELS


def test_domain_menu_text_is_the_table():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert [r["text"] for r in domain["responses"]["utter_menu"]] == [texto_do_menu()]


def test_every_option_is_an_intent_of_the_domain_with_a_rule():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((PROJECT_ROOT / "data" / "dialogue" / "rules.yml").read_text(encoding="utf-8"))
    ruled = {step.get("intent") for rule in rules["rules"] for step in rule.get("steps", [])}
    for opcao in OPCOES:
        assert opcao.intent in domain["intents"], opcao
        assert opcao.intent in ruled, f"nenhuma regra em data/dialogue/rules.yml para {opcao.intent}"


def test_a_bare_digit_is_its_option():
    for opcao in OPCOES:
        assert menu_digit_intent(opcao.digito) == opcao.intent
        assert menu_digit_intent(f" {opcao.digito}. ") == opcao.intent
    assert menu_digit_intent("8") is None and menu_digit_intent("12") is None


def test_digits_are_unique_and_tickets_name_every_option():
    assert len({o.digito for o in OPCOES}) == len(OPCOES) == len({o.intent for o in OPCOES})
    for opcao in OPCOES:
        assert CATEGORY_LABELS[opcao.intent] == opcao.categoria


def test_the_phone_menu_reads_the_same_options():
    from bot.channels import ura

    assert ura.OPTIONS == {o.intent: o.linha for o in OPCOES if o.digito != "0"}
