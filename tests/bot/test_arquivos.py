"""Issue 9, item 8: a generated PDF is served for 7 days, never after, and the daily clean-up deletes it."""

from __future__ import annotations

import os
import stat

import pytest

from bot import arquivos
from bot.settings import Settings

DAY = 86400.0


@pytest.fixture
def settings(tmp_path):
    return Settings(var_dir=tmp_path / "var")


def _stamp(settings, nome: str, at: float) -> None:
    os.utime(arquivos.pasta(settings) / nome, (at, at))


def test_served_within_seven_days_and_refused_and_deleted_after(settings):
    nome = arquivos.guardar_pdf(b"%PDF-1.4 x", settings)
    written = 1_800_000_000.0
    _stamp(settings, nome, written)
    assert arquivos.caminho(nome, settings, agora=written + 7 * DAY - 1) is not None
    assert arquivos.caminho(nome, settings, agora=written + 7 * DAY + 1) is None
    assert not (arquivos.pasta(settings) / nome).exists()


def test_the_daily_purge_deletes_only_expired_files(settings):
    old, new = arquivos.guardar_pdf(b"a", settings), arquivos.guardar_pdf(b"b", settings)
    now = 1_800_000_000.0
    _stamp(settings, old, now - 8 * DAY)
    _stamp(settings, new, now - 1 * DAY)
    assert arquivos.purgar_expirados(settings, agora=now) == 1
    assert sorted(p.name for p in arquivos.pasta(settings).iterdir()) == [new]
    assert arquivos.purgar_expirados(Settings(var_dir=settings.var_dir / "nada"), agora=now) == 0


def test_files_are_readable_by_their_owner_only(settings):
    nome = arquivos.guardar_pdf(b"%PDF", settings)
    assert stat.S_IMODE((arquivos.pasta(settings) / nome).stat().st_mode) == 0o600
    assert stat.S_IMODE(arquivos.pasta(settings).stat().st_mode) == 0o700


@pytest.mark.parametrize("nome", ["../atende.db", "x.pdf", "0" * 32 + ".PDF", "0" * 31 + ".pdf"])
def test_malformed_names_are_never_looked_up(settings, nome):
    assert arquivos.caminho(nome, settings) is None
