"""Issue 8 §5: inbox labels come from the routing rules file, not from a second list of addresses."""

from __future__ import annotations

import pytest

from bot.settings import PROJECT_ROOT, get_settings
from routing import tickets
from routing.loader import load_rules


@pytest.fixture
def rules_file(tmp_path, monkeypatch):
    shipped = (PROJECT_ROOT / "routing" / "rules.yaml").read_text(encoding="utf-8")
    edited = shipped.replace("label: Faturas (Médico Online e Marketplace)", "label: Equipa de faturação renomeada")
    assert edited != shipped
    path = tmp_path / "rules.yaml"
    path.write_text(edited, encoding="utf-8")
    monkeypatch.setenv("ATENDE_ROUTING_RULES", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_every_shipped_inbox_is_labelled_from_the_rules_file():
    rules = load_rules(PROJECT_ROOT / "routing" / "rules.yaml")
    for inbox in rules.inboxes.values():
        assert inbox.label and tickets.inbox_label(inbox.address) == inbox.label
        assert tickets.inbox_label(inbox.address.upper()) == tickets.inbox_label(inbox.address)


def test_editing_the_rules_file_renames_the_inbox_in_tickets(rules_file):
    assert tickets.inbox_label("rute.joao.externo@ageas.pt") == "Equipa de faturação renomeada"


def test_unknown_or_missing_inbox():
    assert tickets.inbox_label("alguem@exemplo.pt") == "alguem@exemplo.pt"
    assert tickets.inbox_label(None) == "não definida"
    assert tickets.inbox_label("") == "não definida"


def test_an_inbox_without_label_is_named_by_its_description(tmp_path):
    shipped = (PROJECT_ROOT / "routing" / "rules.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rules.yaml"
    path.write_text(shipped.replace("    label: Área clínica\n", ""), encoding="utf-8")
    label = load_rules(path).label("areaclinica@saude360.medis.pt")
    assert label.startswith("Questões clínicas (conduta do médico")
