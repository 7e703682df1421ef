"""A broken rules file fails at start-up with the file, the line and the reason, in Portuguese (routing/loader.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.settings import Settings
from routing.loader import RulesError, load_rules, parse_rules

SHIPPED = Path(__file__).resolve().parents[2] / "routing" / "rules.yaml"

GOOD = """\
version: 1
timezone: America/Sao_Paulo
inboxes:
  docs:
    address: docs@example.org
    description: Documentos
    hours: always
  people:
    address: people@example.org
    description: Atendentes
    hours:
      mon: "08:00-17:00"
    closed_on_holidays: true
rules:
  - name: documentos
    conditions:
      category: [tele_documentos]
      text_matches: ['atestado']
    outcome:
      inbox: docs
      tier: teleconsulta
  - name: geral
    conditions: {}
    outcome:
      inbox: people
      tier: primeira_instancia
"""


def broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def error_of(text: str) -> RulesError:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, source="regras.yaml")
    return caught.value


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_good_file_loads():
    rules = parse_rules(GOOD, source="regras.yaml")
    assert [rule.name for rule in rules.rules] == ["documentos", "geral"]
    assert rules.rules[0].line == line_of(GOOD, "- name: documentos")
    assert rules.inboxes["people"].closed_on_holidays


def test_the_shipped_file_loads():
    rules = load_rules(SHIPPED, Settings())
    assert rules.rules[-1].name == "geral"
    assert rules.rules[-1].conditions.empty
    assert str(rules.timezone) == "America/Sao_Paulo"
    assert {"telemedicina", "medico_online", "clinica_digital", "faturas", "area_clinica", "relacionamento",
            "ouvidoria"} <= set(rules.inboxes)


def test_load_rules_reads_the_path_from_settings(tmp_path):
    path = tmp_path / "outras.yaml"
    path.write_text(GOOD, encoding="utf-8")
    rules = load_rules(settings=Settings(routing_rules_path=path))
    assert rules.source == str(path)


def test_error_message_names_file_line_and_reason(tmp_path):
    text = broken("      inbox: docs\n", "      inbox: documentos\n")
    path = tmp_path / "regras.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(path, Settings())
    line = line_of(text, "inbox: documentos")
    assert str(caught.value) == (
        f"{path}, linha {line}: outcome da regra 'documentos' usa a caixa desconhecida 'documentos'; "
        "caixas: docs, people"
    )
    assert caught.value.line == line


def test_unknown_inbox_in_cc():
    text = broken("      tier: teleconsulta\n", "      tier: teleconsulta\n      cc: [docs, juridico]\n")
    error = error_of(text)
    assert error.line == line_of(text, "cc: [docs, juridico]")
    assert "caixa desconhecida 'juridico'" in error.reason


def test_unknown_inbox_in_a_time_condition():
    text = broken("      text_matches: ['atestado']\n", "      text_matches: ['atestado']\n      within_hours: chat\n")
    error = error_of(text)
    assert error.line == line_of(text, "within_hours: chat")
    assert "caixa desconhecida 'chat'" in error.reason


def test_time_condition_on_an_inbox_without_hours():
    text = broken("      text_matches: ['atestado']\n", "      text_matches: ['atestado']\n      outside_hours: docs\n")
    error = error_of(text)
    assert error.line == line_of(text, "outside_hours: docs")
    assert "não tem horário" in error.reason


def test_unknown_condition_key():
    text = broken("      category: [tele_documentos]\n", "      categoria: [tele_documentos]\n")
    error = error_of(text)
    assert error.line == line_of(text, "categoria:")
    assert error.reason.startswith("chave desconhecida 'categoria' em conditions da regra 'documentos'")
    assert "category" in error.reason  # lists the valid keys


def test_unknown_outcome_and_top_level_keys():
    text = broken("      tier: teleconsulta\n", "      tier: teleconsulta\n      prioridade: alta\n")
    assert "chave desconhecida 'prioridade'" in error_of(text).reason
    text = GOOD + "extra: 1\n"
    error = error_of(text)
    assert error.line == line_of(text, "extra: 1")
    assert "chave desconhecida 'extra'" in error.reason


def test_bad_regex():
    text = broken("['atestado']", "['atestado(']")
    error = error_of(text)
    assert error.line == line_of(text, "atestado(")
    assert error.reason.startswith("expressão regular inválida em text_matches em conditions da regra 'documentos'")
    assert "'atestado('" in error.reason


@pytest.mark.parametrize(
    "old, new, fragment, missing",
    [
        ("    address: docs@example.org\n", "", "  docs:", "address"),
        ("      inbox: docs\n", "", "    outcome:", "inbox"),
        ("      tier: teleconsulta\n", "", "    outcome:", "tier"),
        ("    hours: always\n", "", "  docs:", "hours"),
    ],
)
def test_missing_field(old, new, fragment, missing):
    text = broken(old, new)
    error = error_of(text)
    assert f"falta o campo obrigatório '{missing}'" in error.reason
    assert error.line == line_of(text, fragment) + 1  # the mapping starts on the next line


def test_missing_rule_name():
    text = broken("  - name: documentos\n    conditions:", "  - conditions:")
    error = error_of(text)
    assert "falta o campo obrigatório 'name' na regra nº 1" in error.reason
    assert error.line == line_of(text, "  - conditions:")


def test_duplicate_rule_name():
    text = broken("  - name: geral\n", "  - name: documentos\n")
    error = error_of(text)
    first, second = (n for n, line in enumerate(text.splitlines(), start=1) if "- name: documentos" in line)
    assert error.line == second
    assert error.reason == f"nome de regra repetido 'documentos' (já usado na linha {first})"


def test_duplicate_key():
    text = broken("      tier: teleconsulta\n", "      tier: teleconsulta\n      tier: outra\n")
    error = error_of(text)
    assert error.line == line_of(text, "tier: outra")
    assert "chave 'tier' repetida" in error.reason


def test_catch_all_must_be_last():
    extra = "  - name: depois\n    conditions: {category: [x]}\n    outcome: {inbox: docs, tier: t}\n"
    text = GOOD + extra
    error = error_of(text)
    assert error.line == line_of(text, "- name: depois")
    assert "nunca seria usada" in error.reason and "'geral'" in error.reason


def test_last_rule_must_be_the_catch_all():
    text = broken("    conditions: {}\n", "    conditions: {category: [y]}\n")
    error = error_of(text)
    assert error.line == line_of(text, "- name: geral")
    assert "tem de ser a regra geral, sem condições" in error.reason


def test_yaml_syntax_error():
    text = broken("      tier: teleconsulta\n", "      tier: [teleconsulta\n")
    error = error_of(text)
    assert error.reason.startswith("YAML inválido")
    assert error.line is not None and error.line >= line_of(text, "tier: [teleconsulta")


def test_plain_text_with_a_colon_is_a_yaml_error_with_its_line():
    text = broken("    description: Documentos\n", "    description: Documentos: pedidos\n")
    error = error_of(text)
    assert error.line == line_of(text, "Documentos: pedidos")


@pytest.mark.parametrize(
    "old, new, fragment, reason",
    [
        ('      mon: "08:00-17:00"\n', '      mon: "8h às 17h"\n', "8h às 17h", "use HH:MM-HH:MM"),
        ('      mon: "08:00-17:00"\n', '      mon: "17:00-08:00"\n', "17:00-08:00", "termina antes de começar"),
        ('      mon: "08:00-17:00"\n', '      segunda: "08:00-17:00"\n', "segunda:", "chave desconhecida 'segunda'"),
        ("    hours: always\n", "    hours: sempre\n", "hours: sempre", "deve ser 'always'"),
        ("    closed_on_holidays: true\n", "    closed_on_holidays: sim\n", "closed_on_holidays: sim",
         "deve ser true ou false"),
        ("    address: docs@example.org\n", "    address: docs.example.org\n", "docs.example.org",
         "não é um endereço de e-mail"),
        ("      category: [tele_documentos]\n", "      category: [tele_documentos]\n      channel: [sms]\n",
         "channel: [sms]", "canal desconhecido 'sms'"),
        ("      category: [tele_documentos]\n", "      category: []\n", "category: []", "não pode ser uma lista vazia"),
        ("      category: [tele_documentos]\n", "      category: tele_documentos\n", "category: tele_documentos",
         "deve ser uma lista"),
        ("timezone: America/Sao_Paulo\n", "timezone: America/Belo_Horizonte\n", "timezone:",
         "fuso horário desconhecido"),
        ("version: 1\n", "version: 2\n", "version: 2", "não suportada"),
    ],
)
def test_other_mistakes(old, new, fragment, reason):
    text = broken(old, new)
    error = error_of(text)
    assert reason in error.reason
    assert error.line == line_of(text, fragment)


def test_required_fields_and_collected_names_must_be_identifiers():
    text = broken("      tier: teleconsulta\n", "      tier: teleconsulta\n      required_fields: [Nome Completo]\n")
    error = error_of(text)
    assert "Nome Completo" in error.reason
    assert error.line == line_of(text, "required_fields")


def test_contradictory_collected_conditions():
    text = broken(
        "      text_matches: ['atestado']\n",
        "      text_matches: ['atestado']\n      collected_present: [nif]\n      collected_absent: [nif]\n",
    )
    assert "presente e ausente" in error_of(text).reason


def test_empty_and_missing_files(tmp_path):
    assert error_of("").reason == "o arquivo de regras está vazio"
    assert error_of("# só comentários\n").reason == "o arquivo de regras está vazio"
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path / "nao_existe.yaml", Settings())
    assert str(caught.value).endswith("nao_existe.yaml: arquivo de regras não encontrado")


def test_missing_top_level_sections():
    error = error_of(textwrap.dedent("""\
        inboxes:
          a: {address: a@example.org, description: A, hours: always}
        """))
    assert error.reason == "falta o campo obrigatório 'rules' no arquivo de regras"
    assert error.line == 1


def test_accents_in_patterns_are_folded():
    text = broken("['atestado']", "['declaração']")
    rules = parse_rules(text)
    assert rules.rules[0].conditions.text_matches[0].regex.search("declaracao")

