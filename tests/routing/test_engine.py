"""The shipped routing rules (routing/rules.yaml) through the pure engine, with given categories.

Each documented rule of the teleconsultation triage (004) and of the first instance and Ombudsman (000) is
exercised with realistic pt-PT and pt-BR requests; the model is not involved here (see test_route_cli.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.settings import get_settings
from routing.decision import Decision, RoutingRequest
from routing.engine import decide, has_field
from routing.loader import load_rules, parse_rules

SP = ZoneInfo("America/Sao_Paulo")
# Wednesday 25/11/2026, a business day.
WEDNESDAY_10H = datetime(2026, 11, 25, 10, 0, tzinfo=SP)
MEDIS_FOOTER = (
    "Para informações adicionais relacionadas com o seguro de saúde Médis, deve utilizar o e-mail "
    "apoioaocliente@medis.pt, ou ligar para o número 218 458 888."
)
TELE = {"nome": "Ana Rita Sousa", "nif": "245837167"}


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def route(rules, category: str, text: str, **kwargs) -> Decision:
    kwargs.setdefault("now", WEDNESDAY_10H)
    return decide(RoutingRequest(category=category, text=text, **kwargs), rules)


# --- teleconsultation (004) ---------------------------------------------------------------------------


def test_documents_and_rectifications_go_to_telemedicina(rules):
    for text in (
        "Preciso de uma declaração de presença da teleconsulta para o meu empregador",
        "O atestado da consulta online saiu com meu sobrenome errado, podem corrigir?",
    ):
        decision = route(rules, "tele_documentos", text, collected=TELE)
        assert decision.inbox == "telemedicina@smpsaude.pt"
        assert decision.rule == "teleconsulta_documentos"
        assert decision.tier == "teleconsulta"
        assert decision.cc == ()
        assert decision.required_fields == ()
        assert not decision.confidential
        assert decision.footer is None


def test_insurance_policy_questions_go_to_medis_with_the_fixed_footer(rules):
    text = "Paguei 15 euros na consulta de Médico Online, está certo pelo meu seguro?"
    decision = route(rules, "tele_apolice", text, collected=TELE)
    assert decision.inbox == "medico.online@medis.pt"
    assert decision.rule == "teleconsulta_apolice"
    assert decision.footer == MEDIS_FOOTER
    assert any("valor cobrado" in flag for flag in decision.flags)


def test_only_the_policy_rule_adds_the_medis_footer(rules):
    for category in ("tele_documentos", "tele_tecnologia", "tele_cobranca_cancelada", "tele_procedimento",
                     "tele_faturas", "tele_clinica"):
        assert route(rules, category, "pedido", collected=TELE).footer is None, category


def test_technology_problems_go_to_medis(rules):
    decision = route(rules, "tele_tecnologia", "A app Médis dá erro ao iniciar sessão no Médico Online")
    assert decision.inbox == "medico.online@medis.pt"
    assert decision.rule == "teleconsulta_tecnologia"
    assert decision.tips == ()


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("Não me aparece o botão para marcar a consulta na app", "botão"),
        ("o BOTAO de agendar sumiu do aplicativo da Médis", "BOTAO"),
        ("não aparece a opção para marcar consulta de Médico Online", "opção para marcar"),
        ("na app não me surge nada para marcar a consulta", "não me surge nada para marcar"),
    ],
)
def test_missing_booking_button_offers_the_zoom_tip_first(rules, text, quoted):
    decision = route(rules, "tele_tecnologia", text)
    assert decision.rule == "teleconsulta_tecnologia_botao_marcar"
    assert decision.inbox == "medico.online@medis.pt"
    assert len(decision.tips) == 1 and "zoom do telemóvel" in decision.tips[0]
    assert f"texto contém '{quoted}'" in decision.reason
    assert decision.reason.startswith("categoria tele_tecnologia e texto contém")


def test_cancelled_consultation_billed_goes_to_medis(rules):
    decision = route(rules, "tele_cobranca_cancelada", "Cancelei a teleconsulta e cobraram-me na mesma", collected=TELE)
    assert decision.inbox == "medico.online@medis.pt"
    assert decision.rule == "teleconsulta_cobranca_cancelada"
    assert "verificar se o valor ficou apenas cativo ou se é necessário reembolso" not in decision.flags


@pytest.mark.parametrize(
    "text",
    [
        "cancelaram a consulta e cobraram-me duas vezes",
        "a teleconsulta foi cancelada e me cobraram 3 vezes no cartão",
        "fui cobrada em duplicado pela consulta cancelada",
        "cobrança em duplicidade da videoconsulta cancelada",
        "apareceram dois débitos da consulta que foi cancelada",
        "debitaram mais de uma vez a consulta cancelada",
    ],
)
def test_charged_more_than_once_asks_to_check_captive_amount(rules, text):
    decision = route(rules, "tele_cobranca_cancelada", text, collected=TELE)
    assert decision.rule == "teleconsulta_cobranca_cancelada_multipla"
    assert decision.inbox == "medico.online@medis.pt"
    assert "verificar se o valor ficou apenas cativo ou se é necessário reembolso" in decision.flags


def test_procedure_doubts_go_to_clinica_digital(rules):
    decision = route(rules, "tele_procedimento", "Depois da videoconsulta, como procedo com as análises?")
    assert decision.inbox == "clinicadigital@saude360.medis.pt"
    assert decision.rule == "teleconsulta_procedimento"
    assert decision.cc == ()


def test_invoices_go_to_rute_joao_with_clinica_digital_in_cc(rules):
    decision = route(rules, "tele_faturas", "Preciso da fatura-recibo da consulta de Médico Online com o meu NIF")
    assert decision.inbox == "rute.joao.externo@ageas.pt"
    assert decision.cc == ("clinicadigital@saude360.medis.pt",)
    assert decision.rule == "teleconsulta_faturas"


def test_clinical_questions_go_to_the_confidential_clinical_inbox(rules):
    for text in (
        "O médico da teleconsulta foi mal-educado comigo",
        "Não concordo com os dias de baixa que a médica deu na consulta online",
        "Porque é que o médico não me passou o pedido de exames?",
    ):
        decision = route(rules, "tele_clinica", text, collected=TELE)
        assert decision.inbox == "areaclinica@saude360.medis.pt"
        assert decision.rule == "teleconsulta_clinica"
        assert decision.confidential is True


def test_only_the_clinical_inbox_is_confidential(rules):
    for name, inbox in rules.inboxes.items():
        assert inbox.confidential is (name == "area_clinica"), name


# --- NAME and NIF before routing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "category",
    ["tele_documentos", "tele_apolice", "tele_tecnologia", "tele_cobranca_cancelada", "tele_procedimento",
     "tele_faturas", "tele_clinica"],
)
def test_every_teleconsultation_rule_requires_name_and_nif(rules, category):
    decision = route(rules, category, "ajuda com a teleconsulta")
    assert decision.required_fields == ("nome", "nif")
    assert decision.reason.endswith("; falta coletar nome e NIF")
    assert route(rules, category, "ajuda", collected={"nome": "Rui Costa"}).required_fields == ("nif",)
    # u18: a client in Brazil gives the CPF; the agent read "falta recolher nif" as if nothing identified them.
    brasil = route(rules, category, "ajuda", collected={"nome": "Maria Souza", "cpf": "52998224725"})
    assert brasil.reason.endswith("; cliente no Brasil: informou o CPF, não tem NIF")
    assert route(rules, category, "ajuda", collected=TELE).required_fields == ()


def test_a_nif_with_a_wrong_check_digit_is_still_missing(rules):
    decision = route(rules, "tele_faturas", "fatura", collected={"nome": "Rui Costa", "nif": "245837160"})
    assert decision.required_fields == ("nif",)


def test_plan_rules_require_nothing(rules):
    assert route(rules, "reembolso", "cadê meu reembolso").required_fields == ()
    assert route(rules, "ouvidoria", "quero a ouvidoria").required_fields == ()


def test_has_field():
    assert has_field({"nome": "Ana"}, "nome")
    assert not has_field({"nome": ""}, "nome")
    assert not has_field({}, "nome")
    assert has_field({"cpf": "529.982.247-25"}, "cpf")
    assert not has_field({"cpf": "529.982.247-26"}, "cpf")
    assert has_field({"protocolo": "41750520261120000012"}, "protocolo")


# --- look-alike pairs (categories given) --------------------------------------------------------------


def test_asking_for_a_certificate_vs_complaining_about_how_it_was_issued(rules):
    asking = route(rules, "tele_documentos", "Podem passar-me o atestado da teleconsulta de ontem?", collected=TELE)
    complaining = route(
        rules, "tele_clinica", "O médico recusou-se a passar-me o atestado na teleconsulta, porquê?", collected=TELE
    )
    assert asking.inbox == "telemedicina@smpsaude.pt" and not asking.confidential
    assert complaining.inbox == "areaclinica@saude360.medis.pt" and complaining.confidential


def test_rectifying_a_prescription_vs_questioning_it(rules):
    rectify = route(rules, "tele_documentos", "A receita saiu com o meu nome errado, podem retificar?")
    question = route(rules, "tele_clinica", "Porque me receitaram este medicamento se sou alérgica?")
    assert rectify.rule == "teleconsulta_documentos"
    assert question.rule == "teleconsulta_clinica"


def test_teleconsultation_invoice_vs_plan_boleto(rules):
    invoice = route(rules, "tele_faturas", "preciso da fatura da teleconsulta")
    boleto = route(rules, "financeiro", "quero a segunda via do boleto da mensalidade")
    assert invoice.inbox == "rute.joao.externo@ageas.pt"
    assert boleto.inbox == "relacionamento@cemigsaude.org.br"
    assert boleto.tier == "primeira_instancia"
    assert boleto.rule == "plano_primeira_instancia"


def test_cancelled_consultation_charged_vs_plan_reimbursement(rules):
    cancelled = route(rules, "tele_cobranca_cancelada", "cancelei a consulta online e cobraram na mesma")
    reimbursement = route(rules, "reembolso", "paguei uma consulta particular e quero o reembolso")
    assert cancelled.inbox == "medico.online@medis.pt"
    assert reimbursement.inbox == "relacionamento@cemigsaude.org.br"


# --- first instance and Ombudsman (000) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "category",
    ["reembolso", "utilizacao", "numero_cartao", "financeiro", "autorizacao", "imposto_renda", "novos_planos",
     "agendamento_cps", "pronto_atendimento_online", "consultar_protocolo", "utilizacao_contestacao",
     "primeira_instancia"],
)
def test_plan_matters_go_to_the_first_instance(rules, category):
    decision = route(rules, category, "não consegui resolver pelo bot")
    assert decision.inbox == "relacionamento@cemigsaude.org.br"
    assert decision.tier == "primeira_instancia"
    assert decision.rule == "plano_primeira_instancia"
    assert decision.reason == f"categoria {category}"


def test_ombudsman_with_a_first_instance_protocol(rules):
    decision = route(
        rules, "ouvidoria", "o atendimento não resolveu", collected={"protocolo": "41750520261120000012"}
    )
    assert decision.inbox == "ouvidoria@cemigsaude.org.br"
    assert decision.tier == "ouvidoria"
    assert decision.rule == "ouvidoria_com_protocolo"
    assert decision.reason == "categoria ouvidoria e protocolo já informado"


def test_ombudsman_without_protocol_is_not_blocked(rules):
    decision = route(rules, "ouvidoria", "quero registrar uma reclamação", collected={"protocolo": ""})
    assert decision.inbox == "ouvidoria@cemigsaude.org.br"
    assert decision.rule == "ouvidoria_sem_protocolo"
    assert decision.required_fields == ()
    assert any("RN 323/2013" in flag for flag in decision.flags)
    assert decision.reason == "categoria ouvidoria e sem protocolo informado"


def test_catch_all(rules):
    decision = route(rules, "nlu_fallback", "asdf qwerty")
    assert decision.rule == "geral"
    assert decision.inbox == "relacionamento@cemigsaude.org.br"
    assert decision.tier == "primeira_instancia"
    assert decision.reason == "nenhuma regra específica se aplicou à categoria nlu_fallback"
    assert route(rules, "", "").rule == "geral"


# --- time conditions (fixed clock) --------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, rule",
    [
        (datetime(2026, 11, 25, 8, 0, tzinfo=SP), "atendente_no_horario"),  # opens at 8:00
        (datetime(2026, 11, 25, 16, 59, tzinfo=SP), "atendente_no_horario"),
        (datetime(2026, 11, 25, 17, 0, tzinfo=SP), "atendente_fora_do_horario"),  # closes at 17:00
        (datetime(2026, 11, 25, 7, 59, tzinfo=SP), "atendente_fora_do_horario"),
        (datetime(2026, 11, 28, 10, 0, tzinfo=SP), "atendente_fora_do_horario"),  # Saturday
        (datetime(2026, 11, 29, 10, 0, tzinfo=SP), "atendente_fora_do_horario"),  # Sunday
        (datetime(2026, 11, 20, 10, 0, tzinfo=SP), "atendente_fora_do_horario"),  # Consciência Negra (national)
        (datetime(2026, 4, 21, 10, 0, tzinfo=SP), "atendente_fora_do_horario"),  # Tiradentes
        # Not a holiday in MG, but in Belo Horizonte, the operator's seat (Imaculada Conceição; u27).
        (datetime(2026, 12, 8, 10, 0, tzinfo=SP), "atendente_fora_do_horario"),
        (datetime(2026, 12, 7, 10, 0, tzinfo=SP), "atendente_no_horario"),
    ],
)
def test_attendant_in_and_out_of_hours(rules, moment, rule):
    decision = route(rules, "falar_atendente", "quero falar com um atendente", now=moment)
    assert decision.rule == rule
    assert decision.inbox == "relacionamento@cemigsaude.org.br"


def test_time_is_read_in_sao_paulo_whatever_the_offset(rules):
    # 19:30 UTC is 16:30 in São Paulo (open); 20:30 UTC is 17:30 (closed).
    open_ = route(rules, "falar_atendente", "atendente", now=datetime(2026, 11, 25, 19, 30, tzinfo=timezone.utc))
    closed = route(rules, "falar_atendente", "atendente", now=datetime(2026, 11, 25, 20, 30, tzinfo=timezone.utc))
    assert open_.rule == "atendente_no_horario"
    assert closed.rule == "atendente_fora_do_horario"
    assert "quarta-feira 25/11 16:30" in open_.reason


def test_naive_time_is_taken_as_sao_paulo(rules):
    # Read as UTC, 17:30 would be 14:30 in São Paulo (open) and 10:00 would be 07:00 (closed): both flip.
    late = route(rules, "falar_atendente", "atendente", now=datetime(2026, 11, 25, 17, 30))
    morning = route(rules, "falar_atendente", "atendente", now=datetime(2026, 11, 25, 10, 0))
    assert late.rule == "atendente_fora_do_horario"
    assert morning.rule == "atendente_no_horario"


def test_out_of_hours_tip_gives_the_24h_line(rules):
    decision = route(rules, "falar_atendente", "atendente", now=datetime(2026, 11, 28, 10, 0, tzinfo=SP))
    assert "0800 030 9009" in decision.tips[0]
    assert decision.reason == "categoria falar_atendente e fora do horário de relacionamento (sábado 28/11 10:00)"


@pytest.mark.parametrize(
    ("now", "rule"),
    [("2026-12-02T10:00:00-03:00", "atendente_no_horario"), ("2026-12-06T03:00:00-03:00", "atendente_fora_do_horario")],
)
def test_without_a_time_the_product_clock_is_used(rules, monkeypatch, now, rule):
    monkeypatch.setenv("ATENDE_NOW", now)
    get_settings.cache_clear()
    try:
        decision = decide(RoutingRequest(category="falar_atendente", text="atendente"), rules)
    finally:
        get_settings.cache_clear()
    assert decision.rule == rule


# --- first match wins, engine mechanics on a small rule set -------------------------------------------

SMALL = """
inboxes:
  a: {address: a@example.org, description: A, hours: always}
  b: {address: b@example.org, description: B, hours: always, cc: [c, extra@example.org]}
  c: {address: c@example.org, description: C, hours: {mon: "09:00-12:00", sat: ["08:00-10:00", "14:00-24:00"]}}
rules:
  - name: urgente_whatsapp
    conditions: {category: [x], channel: [whatsapp], text_matches: ['urgen(te|cia)']}
    outcome: {inbox: a, tier: t1, cc: [a, c]}
  - name: sem_termos
    conditions: {category: [x], text_not_matches: ['\\bnao\\b']}
    outcome: {inbox: b, tier: t2, cc: [c]}
  - name: x_geral
    conditions: {category: [x]}
    outcome: {inbox: c, tier: t3}
  - name: resto
    conditions: {}
    outcome: {inbox: a, tier: t4}
"""


@pytest.fixture(scope="module")
def small():
    return parse_rules(SMALL, source="small.yaml")


def test_first_match_wins(small):
    both = RoutingRequest(category="x", text="é urgente", channel="whatsapp", now=WEDNESDAY_10H)
    assert decide(both, small).rule == "urgente_whatsapp"  # also matches sem_termos and x_geral
    other_channel = RoutingRequest(category="x", text="é urgente", channel="telegram", now=WEDNESDAY_10H)
    assert decide(other_channel, small).rule == "sem_termos"
    negated = RoutingRequest(category="x", text="Não é urgente", channel="ura", now=WEDNESDAY_10H)
    assert decide(negated, small).rule == "x_geral"
    assert decide(RoutingRequest(category="y", text="urgente", now=WEDNESDAY_10H), small).rule == "resto"


def test_reason_names_every_condition(small):
    decision = decide(RoutingRequest(category="x", text="URGÊNCIA!", channel="whatsapp", now=WEDNESDAY_10H), small)
    assert decision.reason == "categoria x, canal whatsapp e texto contém 'URGÊNCIA'"


def test_cc_merges_inbox_and_rule_copies_without_the_inbox_itself(small):
    first = decide(RoutingRequest(category="x", text="urgente", now=WEDNESDAY_10H), small)
    assert first.inbox == "a@example.org"
    assert first.cc == ("c@example.org",)
    second = decide(RoutingRequest(category="x", text="ok", channel="rest", now=WEDNESDAY_10H), small)
    assert second.inbox == "b@example.org"
    assert second.cc == ("c@example.org", "extra@example.org")


def test_hours_with_several_intervals_and_midnight(small):
    inbox = small.inboxes["c"]
    saturday = datetime(2026, 11, 28, tzinfo=SP)
    assert inbox.is_open(saturday + timedelta(hours=9), small.timezone)
    assert not inbox.is_open(saturday + timedelta(hours=12), small.timezone)
    assert inbox.is_open(saturday + timedelta(hours=23, minutes=59), small.timezone)
    assert not inbox.is_open(saturday + timedelta(days=1, hours=9), small.timezone)  # Sunday: no hours
    assert small.inboxes["a"].is_open(saturday, small.timezone)  # always


def test_decision_to_json_keys(rules):
    payload = route(rules, "tele_faturas", "fatura").to_json()
    assert list(payload) == ["inbox", "cc", "tier", "rule", "reason", "footer", "tips", "flags",
                             "required_fields", "confidential"]
    assert payload["cc"] == ["clinicadigital@saude360.medis.pt"]
    assert isinstance(payload["required_fields"], list)


@pytest.mark.parametrize("module", ["routing.engine", "routing.ruleset"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    assert result.attempted > 0
