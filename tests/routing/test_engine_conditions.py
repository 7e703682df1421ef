"""Conditions of the routing rules that test_engine.py leaves implicit (issue 13).

``text_not_matches``: the rule holds only when the text matches none of the patterns (accents and case ignored),
and the decision's reason says so. ``collected_absent``: the rule holds only when every listed field is missing
(docs/routing.md: "estes dados não foram coletados"); one of them collected is enough to skip the rule. An empty
value or a CPF with wrong check digits counts as missing. ``collected_present`` is the mirror: all are needed.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from routing.decision import Decision, RoutingRequest
from routing.engine import decide
from routing.loader import parse_rules

WEDNESDAY_10H = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
VALID_CPF = "529.982.247-25"
PROTOCOL = "41750520261120000012"

RULES = r"""
inboxes:
  elogios: {address: elogios@example.org, description: Elogios, hours: always}
  urgencias: {address: urgencias@example.org, description: Urgências, hours: always}
  cadastro: {address: cadastro@example.org, description: Cadastro, hours: always}
  ouvidoria: {address: ouvidoria@example.org, description: Ouvidoria, hours: always}
  triagem: {address: triagem@example.org, description: Triagem manual, hours: always}
rules:
  - name: elogio_sem_queixa
    conditions: {category: [elogio], text_not_matches: ['\bnao\b', 'reclama']}
    outcome: {inbox: elogios, tier: primeira_instancia}
  - name: urgente_mesmo
    conditions: {text_matches: ['urgente'], text_not_matches: ['\bnao\b']}
    outcome: {inbox: urgencias, tier: primeira_instancia}
  - name: sem_identificacao
    conditions: {category: [cadastro], collected_absent: [protocolo, cpf]}
    outcome: {inbox: cadastro, tier: primeira_instancia}
  - name: ouvidoria_completa
    conditions: {category: [ouvidoria], collected_present: [protocolo, cpf]}
    outcome: {inbox: ouvidoria, tier: ouvidoria}
  - name: geral
    conditions: {}
    outcome: {inbox: triagem, tier: primeira_instancia}
"""


@pytest.fixture(scope="module")
def rules():
    return parse_rules(RULES, source="condicoes.yaml")


def route(rules, category: str, text: str = "", **collected) -> Decision:
    return decide(RoutingRequest(category=category, text=text, collected=collected, now=WEDNESDAY_10H), rules)


# --- text_not_matches ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Adorei o atendimento da enfermeira", ""], ids=["praise", "no-text"])
def test_text_without_excluded_terms_takes_the_rule_and_the_reason_says_so(rules, text):
    decision = route(rules, "elogio", text)
    assert decision.rule == "elogio_sem_queixa"
    assert decision.inbox == "elogios@example.org"
    assert decision.reason == "categoria elogio e texto sem os termos excluídos"


@pytest.mark.parametrize(
    "text",
    [
        "Não gostei da demora",  # first pattern, accent and capital folded
        "o médico foi ótimo, mas NAO tinha senha",
        "quero deixar uma RECLAMAÇÃO",  # second pattern alone is enough
    ],
)
def test_any_excluded_term_skips_the_rule(rules, text):
    decision = route(rules, "elogio", text)
    assert decision.rule == "geral"
    assert decision.inbox == "triagem@example.org"
    assert "texto sem os termos excluídos" not in decision.reason


def test_excluded_term_inside_another_word_does_not_count(rules):
    # '\bnao\b' is a whole word: "canção" folds to "cancao", which holds "nao" but not as a word.
    assert route(rules, "elogio", "cantaram uma canção para mim").rule == "elogio_sem_queixa"


def test_reason_lists_the_match_then_the_exclusion(rules):
    decision = route(rules, "outra", "é URGENTE, preciso de ajuda")
    assert decision.rule == "urgente_mesmo"
    assert decision.inbox == "urgencias@example.org"
    assert decision.reason == "texto contém 'URGENTE' e texto sem os termos excluídos"


def test_matching_and_excluded_term_together_skip_the_rule(rules):
    decision = route(rules, "outra", "não é urgente")
    assert decision.rule == "geral"
    assert decision.inbox == "triagem@example.org"


# --- collected_absent: every listed field must be missing -----------------------------------------------


@pytest.mark.parametrize(
    "collected",
    [
        pytest.param({}, id="nothing-collected"),
        pytest.param({"protocolo": "", "cpf": "   "}, id="blank-values"),
        pytest.param({"cpf": "529.982.247-26"}, id="cpf-with-wrong-check-digits"),
        pytest.param({"nome": "Ana Souza"}, id="only-unlisted-fields"),
    ],
)
def test_all_listed_fields_missing_takes_the_rule(rules, collected):
    decision = route(rules, "cadastro", "quero atualizar meus dados", **collected)
    assert decision.rule == "sem_identificacao"
    assert decision.inbox == "cadastro@example.org"
    assert decision.reason == "categoria cadastro e sem protocolo e cpf informado"


@pytest.mark.parametrize(
    "collected",
    [
        pytest.param({"protocolo": PROTOCOL}, id="protocol-only"),
        pytest.param({"cpf": VALID_CPF}, id="cpf-only"),
        pytest.param({"protocolo": PROTOCOL, "cpf": VALID_CPF}, id="both"),
    ],
)
def test_one_listed_field_collected_skips_the_rule(rules, collected):
    decision = route(rules, "cadastro", "quero atualizar meus dados", **collected)
    assert decision.rule == "geral"
    assert decision.inbox == "triagem@example.org"


# --- collected_present, the mirror: every listed field must be there -------------------------------------


def test_all_listed_fields_present_takes_the_rule(rules):
    decision = route(rules, "ouvidoria", "não resolveram", protocolo=PROTOCOL, cpf=VALID_CPF)
    assert decision.rule == "ouvidoria_completa"
    assert decision.inbox == "ouvidoria@example.org"
    assert decision.reason == "categoria ouvidoria e protocolo e cpf já informado"


@pytest.mark.parametrize(
    "collected",
    [
        pytest.param({"protocolo": PROTOCOL}, id="protocol-only"),
        pytest.param({"cpf": VALID_CPF}, id="cpf-only"),
        pytest.param({"protocolo": PROTOCOL, "cpf": "529.982.247-26"}, id="cpf-with-wrong-check-digits"),
    ],
)
def test_one_listed_field_missing_skips_the_present_rule(rules, collected):
    decision = route(rules, "ouvidoria", "não resolveram", **collected)
    assert decision.rule == "geral"
    assert decision.inbox == "triagem@example.org"
