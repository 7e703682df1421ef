"""Property tests of the routing engine over the shipped rules file (issue 13).

Requests are generated (texts with and without the rules' keywords, known and unknown categories, every
channel, valid and invalid NIFs, times in several time zones and naive ones); every request carries its own
time, so the wall clock is never read. The expectations come from ``routing/rules.yaml`` read here with plain
``yaml.safe_load``, not from the loader under test.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.decision import RoutingRequest
from routing.engine import decide
from routing.loader import load_rules
from routing.ruleset import CHANNELS

PROPERTY = settings(deadline=None, max_examples=200, derandomize=True, database=None)

RULES_FILE = Path(__file__).resolve().parents[2] / "routing" / "rules.yaml"
RAW = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
ADDRESSES = {inbox["address"] for inbox in RAW["inboxes"].values()}
RULES_BY_NAME = {rule["name"]: rule for rule in RAW["rules"]}
# A CC may name an inbox or be written as an address in the file.
CC_ADDRESSES = ADDRESSES | {
    item
    for entry in [*RAW["inboxes"].values(), *(rule["outcome"] for rule in RAW["rules"])]
    for item in entry.get("cc", [])
    if "@" in item
}
CATEGORY_LISTS = [rule["conditions"]["category"] for rule in RAW["rules"] if "category" in rule["conditions"]]
SP = ZoneInfo("America/Sao_Paulo")

# Words the keyword rules look for, so generated texts hit them and not only the catch-all branches.
FRAGMENTS = (
    "o botão para marcar não aparece",
    "a opção de agendar sumiu",
    "não me aparece nada para marcação",
    "fui cobrada duas vezes",
    "cobrança em duplicado",
    "debitado de novo",
    "dois pagamentos",
    "valor repetido",
    "BOTÕES",
    "Olá, bom dia",
    "quero falar com um atendente",
)
texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=10)), max_size=4).map(" ".join),
)
# Mostly the rules' own categories, each rule alike (else nearly everything falls to the catch-all), some unknown.
categories = st.integers(0, 9).flatmap(
    lambda k: (
        st.one_of(st.text(max_size=12), st.sampled_from(["saudacao", "", "TELE_CLINICA"]))
        if k == 0
        else st.sampled_from(CATEGORY_LISTS).flatmap(st.sampled_from)
    )
)
channels = st.one_of(st.sampled_from(sorted(CHANNELS)), st.text(max_size=8))
nifs = st.one_of(
    st.sampled_from(["245837167", "123456789", "123456780", "401234567"]), st.text("0123456789 ", max_size=11)
)
collected = st.fixed_dictionaries(
    {},
    optional={
        "nome": st.one_of(st.just("Ana Rita Sousa"), st.just("  "), st.text(max_size=20)),
        "nif": nifs,
        "protocolo": st.one_of(st.just("41750520261202000001"), st.just(""), st.none()),
        "cpf": st.sampled_from(["52998224725", "529.982.247-25", "52998224724", ""]),
    },
)
moments = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31, 23, 59),
    timezones=st.one_of(st.none(), st.sampled_from([SP, ZoneInfo("UTC"), ZoneInfo("Europe/Lisbon")])),
)
requests = st.builds(
    RoutingRequest, category=categories, text=texts, channel=channels, collected=collected, now=moments
)

RULES = load_rules(RULES_FILE)


def chat_open(moment: datetime) -> bool:
    """The attendants' chat per the rules file's comment: Monday to Friday, 08:00-17:00, except holidays."""
    local = moment.replace(tzinfo=SP) if moment.tzinfo is None else moment.astimezone(SP)
    return (
        local.weekday() < 5
        and time(8) <= local.time().replace(tzinfo=None) < time(17)
        and local.date() not in holidays.country_holidays("BR", subdiv="MG", years=local.year)
    )


@PROPERTY
@given(requests)
def test_the_same_request_twice_gives_the_same_decision(req):
    first = decide(req, RULES)
    again = decide(req, RULES)
    copy = decide(RoutingRequest(req.category, req.text, req.channel, dict(req.collected), req.now), RULES)
    assert first == again == copy


@PROPERTY
@given(requests)
def test_every_decision_names_an_inbox_and_a_rule_of_the_rules_file(req):
    decision = decide(req, RULES)
    assert decision.inbox in ADDRESSES
    assert set(decision.cc) <= CC_ADDRESSES
    assert decision.inbox not in decision.cc
    rule = RULES_BY_NAME[decision.rule]
    assert decision.inbox == RAW["inboxes"][rule["outcome"]["inbox"]]["address"]
    assert decision.tier == rule["outcome"]["tier"]
    assert set(decision.required_fields) <= set(rule["outcome"].get("required_fields", []))


@PROPERTY
@given(requests.map(lambda r: RoutingRequest("falar_atendente", r.text, r.channel, r.collected, r.now)))
def test_a_request_for_an_attendant_follows_the_chat_hours(req):
    decision = decide(req, RULES)
    if req.channel == "ura":
        # A call goes to the Central's 24-hour queue at any hour (u18).
        expected = "atendente_por_telefone"
    else:
        expected = "atendente_no_horario" if chat_open(req.now) else "atendente_fora_do_horario"
    assert decision.rule == expected
