"""A wrong setting names the variable and the expected form, in Portuguese, without a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT, Settings, SettingsError


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ATENDE_SMTP_PORT", "abc", "ATENDE_SMTP_PORT='abc': esperado um número inteiro, por exemplo 8025"),
        ("ATENDE_MAX_ID_ATTEMPTS", "três", "ATENDE_MAX_ID_ATTEMPTS='três': esperado um número inteiro"),
        ("ATENDE_OUTBOX_INTERVAL", "15s", "ATENDE_OUTBOX_INTERVAL='15s': esperado um número (segundos)"),
        ("ATENDE_SMTP_STARTTLS", "talvez", "ATENDE_SMTP_STARTTLS='talvez': esperado sim ou não"),
    ],
)
def test_malformed_values_name_the_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert str(raised.value).startswith(expected)


@pytest.mark.parametrize(("value", "expected"), [("sim", True), ("1", True), ("ON", True), ("não", False), ("", False)])
def test_yes_and_no_in_portuguese_and_english(monkeypatch, value, expected):
    monkeypatch.setenv("ATENDE_SMTP_STARTTLS", value)
    assert Settings().smtp_starttls is expected


def test_the_command_line_answers_without_a_traceback():
    env = {"ATENDE_SMTP_PORT": "abc", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "outbox", "list"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Configuração inválida: ATENDE_SMTP_PORT='abc': esperado um número inteiro, por exemplo 8025"
    )


def test_the_default_database_lives_in_the_var_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ATENDE_VAR_DIR", str(tmp_path / "estado"))
    assert Settings().database_url == f"sqlite:///{tmp_path / 'estado' / 'atende.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://atende@db/atende")
    assert Settings().database_url == "postgresql+psycopg2://atende@db/atende"


def test_each_test_has_its_own_var_folder_outside_the_repository(var_dir):
    assert Settings().var_dir == var_dir
    assert PROJECT_ROOT not in var_dir.parents
