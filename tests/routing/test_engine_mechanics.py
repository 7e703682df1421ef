"""Engine mechanics not tied to routing/rules.yaml: no text, no time, no general rule."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.settings import get_settings
from routing.decision import RoutingRequest
from routing.engine import decide
from routing.loader import load_rules, parse_rules

SP = ZoneInfo("America/Sao_Paulo")
WEDNESDAY_10H = datetime(2026, 11, 25, 10, 0, tzinfo=SP)

RULES = """
inboxes:
  a: {address: a@example.org, description: A, hours: always}
  b: {address: b@example.org, description: B, hours: always}
rules:
  - name: sem_x
    conditions: {category: [x], text_not_matches: ['x']}
    outcome: {inbox: a, tier: t1}
  - name: resto
    conditions: {}
    outcome: {inbox: b, tier: t2}
"""


@pytest.fixture(scope="module")
def rules():
    return parse_rules(RULES, source="mecanica.yaml")


def test_a_request_without_text_has_none_of_the_excluded_terms(rules):
    decision = decide(RoutingRequest(category="x", text=None, now=WEDNESDAY_10H), rules)
    assert decision.rule == "sem_x"
    assert decision.reason == "categoria x e texto sem os termos excluídos"


def test_without_a_general_rule_the_error_names_the_rule_file(rules):
    only_first = dataclasses.replace(rules, rules=rules.rules[:1])
    with pytest.raises(LookupError, match=r"^nenhuma regra se aplicou e mecanica\.yaml não tem regra geral$"):
        decide(RoutingRequest(category="y", text="oi", now=WEDNESDAY_10H), only_first)


def test_without_a_general_rule_or_a_file_name_the_error_says_the_rule_set(rules):
    unnamed = dataclasses.replace(rules, rules=rules.rules[:1], source="")
    with pytest.raises(LookupError, match=r"^nenhuma regra se aplicou e o conjunto de regras não tem regra geral$"):
        decide(RoutingRequest(category="y", text="oi", now=WEDNESDAY_10H), unnamed)


def test_without_a_time_the_reason_shows_the_product_clock_in_sao_paulo(monkeypatch):
    # ATENDE_NOW at 13:00 UTC is 10:00 in São Paulo: the reason shows the local time the hours were checked at.
    monkeypatch.setenv("ATENDE_NOW", "2026-12-02T13:00:00+00:00")
    get_settings.cache_clear()
    try:
        decision = decide(RoutingRequest(category="falar_atendente", text="atendente"), load_rules())
    finally:
        get_settings.cache_clear()
    assert decision.rule == "atendente_no_horario"
    assert decision.reason == (
        "categoria falar_atendente e dentro do horário de relacionamento (quarta-feira 02/12 10:00)"
    )
