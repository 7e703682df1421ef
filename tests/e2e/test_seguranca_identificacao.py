"""Issue 9, item 2, through the real servers: guessing a birth date from several conversations is blocked."""

from __future__ import annotations

from typing import Iterator

import pytest

from actions.formatting import format_card
from bot.db import seed
from tests.e2e.conftest import Servers, _conversation, start_servers

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    # Its own database: the lock it provokes must not reach the other tests' demo titular.
    with start_servers(tmp_path_factory.mktemp("bloqueio")) as running:
        yield running


def test_guesses_from_several_conversations_lock_the_cpf(servers):
    answers = []
    for date in ("01/01/1970", "02/01/1970", "03/01/1970"):
        talk = _conversation(servers.url)
        talk("3")
        talk(seed.DEMO_TITULAR_CPF)
        answers.append("\n".join(talk(date)))
    assert answers[0].startswith("Os dados informados não conferem com o nosso cadastro.")
    assert answers[2].startswith("Por segurança, a identificação com estes dados está bloqueada até as 10:15")
    # Another conversation with the right date: still blocked, and no card is shown.
    late = _conversation(servers.url)
    shown = "\n".join(late(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975") + late("3"))
    assert "bloqueada até as 10:15" in shown and format_card(seed.DEMO_TITULAR_CARD) not in shown
    # Another member is not affected.
    spouse = _conversation(servers.url)
    assert "Identificação confirmada" in "\n".join(spouse(f"cpf {seed.DEMO_SPOUSE_CPF} nascimento 30/08/1972"))
