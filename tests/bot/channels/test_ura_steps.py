"""Each step of an IVR call, in the detail the caller hears and the attendant reads (issue 13, mutation survivors).

How every Gather listens (POST back, the configured silence, two seconds after speech, one key where the menu has
one-digit options), a request without a call, the reason of a transfer after two wrong keys, the conversation's
own tracker store reaching the bot (a digit after a question with buttons is that button), the call id kept with
each message, and a server without a tracker store.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.channels.common import LocalOutbox
from bot.channels.render import render_for_ear
from bot.channels.ura import ENTRY, INVALID, NO_INPUT, MemoryTransfers, UraInput
from tests.bot.channels import payloads
from tests.bot.channels.harness import ChannelServer, settings
from tests.bot.channels.test_ura import Call, bot, fake_tracker
from tests.bot.channels.test_ura_transfer_details import PerCallerStore

CLARIFYING = BotUttered(
    "Você quer saber do reembolso ou da utilização? Digite 1 para reembolso ou 2 para utilização.",
    data={"buttons": [{"title": "Reembolso", "payload": "/reembolso"},
                      {"title": "Utilização", "payload": "/utilizacao"}]},
)


def _gather(root: ElementTree.Element) -> dict:
    return dict(root.find("Gather").attrib)


def test_every_gather_posts_back_listens_for_the_configured_silence_and_two_seconds_after_speech():
    with ChannelServer(UraInput(settings(ivr_timeout=9)), answer=bot) as server:
        call = Call(server)
        welcome, _ = call.start()
        silence, _ = call.silence()
        menu, _ = call.keys("1")
    common = {"input": "dtmf speech", "language": "pt-BR", "finishOnKey": "#", "method": "POST", "timeout": "9",
              "speechTimeout": "2", "actionOnEmptyResult": "true"}
    assert _gather(welcome) == {**common, "action": "/webhooks/ura/webhook?etapa=entrada&silencio=0",
                                "numDigits": "1"}
    assert _gather(silence) == {**common, "action": "/webhooks/ura/webhook?etapa=entrada&silencio=1",
                                "numDigits": "1"}
    assert _gather(menu) == {**common, "action": "/webhooks/ura/webhook?etapa=menu&silencio=0", "numDigits": "1"}


def test_a_wrong_key_at_the_welcome_is_asked_again_as_one_key_then_transferred_for_that_reason():
    call_sid = payloads.twilio_sid("CA")
    tracker = fake_tracker([], identificado=False)
    with ChannelServer(UraInput(settings()), answer=bot, store=PerCallerStore(f"ura:{call_sid}", tracker)) as server:
        call = Call(server, sid=call_sid)
        call.start()
        again, spoken = call.keys("8")
        root, _ = call.keys("8")
    assert spoken.said == [INVALID, ENTRY] and _gather(again)["numDigits"] == "1"
    task = json.loads(root.find("Enqueue").find("Task").text)
    assert task == {"canal": "ura", "chamada": call_sid, "telefone": payloads.PHONE, "identificado": False,
                    "motivo": "opção inválida"}


def test_a_request_without_a_call_gets_an_empty_answer():
    with ChannelServer(UraInput(settings()), answer=bot) as server:
        fields = payloads.voice_call("CA1")
        del fields["CallSid"]
        status, body = server.post_twilio("/webhooks/ura/webhook", fields)
    assert status == 200 and list(ElementTree.fromstring(body)) == [] and server.received == []


def test_a_digit_after_a_question_with_buttons_reaches_the_bot_as_that_button():
    call_sid = payloads.twilio_sid("CA")
    tracker = fake_tracker([UserUttered("quero ver um valor"), CLARIFYING])
    with ChannelServer(UraInput(settings()), answer=bot, store=PerCallerStore(f"ura:{call_sid}", tracker)) as server:
        call = Call(server, sid=call_sid)
        call.start()
        call.keys("1")
        call.keys("2")
    message = server.received[-1]
    assert message.text == "/utilizacao"
    # The conversation keeps which call each message came from, and the number to call back (u15).
    assert message.metadata == {"chamada": call_sid, "telefone": payloads.PHONE}
    assert message.sender_id == f"ura:{call_sid}"


def test_served_without_a_tracker_store_the_call_still_reaches_the_menu():
    with ChannelServer(UraInput(settings()), answer=bot, store=None) as server:
        call = Call(server)
        call.start()
        root, spoken = call.keys("1")
    assert [message.text for message in server.received] == ["menu"]
    assert "Para reembolso, digite 1." in spoken.said[0] and root.find("Enqueue") is None


def test_silence_after_the_menu_is_reprompted_with_one_key():
    call_sid = payloads.twilio_sid("CA")
    tracker = fake_tracker([UserUttered("menu", intent={"name": "menu"}),
                            BotUttered("Escolha uma opção:\n1 - Reembolso\n0 - Falar com um atendente")])
    with ChannelServer(UraInput(settings()), answer=bot, store=PerCallerStore(f"ura:{call_sid}", tracker)) as server:
        call = Call(server, sid=call_sid)
        call.start()
        call.keys("1")
        root, spoken = call.silence()
    assert spoken.said[0] == NO_INPUT and _gather(root)["numDigits"] == "1"


def test_recent_transfers_and_local_answers_keep_exactly_their_limit():
    transfers = MemoryTransfers(limit=2)
    outbox = LocalOutbox(max_turns=2)
    for turn in ("CA1", "CA2", "CA3"):
        transfers.put(turn, turn)
        outbox.record(turn, "whatsapp:+5531988887777", [turn])
    assert [transfers.get(turn) for turn in ("CA1", "CA2", "CA3")] == [None, "CA2", "CA3"]
    assert [outbox.get(turn) is not None for turn in ("CA1", "CA2", "CA3")] == [False, True, True]


def test_asking_for_a_person_in_the_menu_is_read_from_the_callers_own_conversation():
    call_sid = payloads.twilio_sid("CA")
    store = PerCallerStore(f"ura:{call_sid}", fake_tracker([UserUttered("menu", intent={"name": "menu"})]))
    with ChannelServer(UraInput(settings()), answer=bot, store=store) as server:
        call = Call(server, sid=call_sid)
        call.start()
        menu, _ = call.keys("1")
        # The NLU reads the next sentence as a request for a person.
        store.tracker = fake_tracker([UserUttered("me passa para alguém", intent={"name": "falar_atendente"}),
                                      ActionExecuted("action_falar_atendente")])
        root, _ = call.speak("me passa para alguém")
    assert menu.find("Gather") is not None
    task = json.loads(root.find("Enqueue").find("Task").text)
    assert task["motivo"] == "pedido do beneficiário" and task["chamada"] == call_sid


# u16: the reimbursement how-to, read aloud, ran for three minutes in one breath.
HOW_TO = " ".join(f"Passo {n}: separe o documento número {n} e confira os dados do prestador." for n in range(1, 41))


class _Recorded:
    """The dialogue of ``bot`` with a long answer, and a tracker store that holds what was said, as Rasa's does."""

    def __init__(self) -> None:
        self.events: list = []
        # This dialogue's answers to given messages; a test may set others ("Desculpe, não entendi…").
        self.said = {"como peço reembolso?": [HOW_TO, "Posso ajudar em algo mais? Diga menu para ver as opções."]}

    def __call__(self, message):
        answers = self.said.get(message.text) or bot(message)
        self.events += [UserUttered(message.text), *(BotUttered(text) for text in answers)]
        return answers

    async def retrieve(self, sender):
        return fake_tracker(list(self.events))


def test_a_long_answer_is_said_in_parts_the_caller_moves_through_with_9_or_continuar():
    from bot.channels.ura import CONTINUE_HINT, SPOKEN_PART_CHARS

    dialogue = _Recorded()
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        first_root, first = call.speak("como peço reembolso?")
        heard = [first]
        assert first.said[-1] == CONTINUE_HINT and _gather(first_root)["numDigits"] == "1"
        assert "parte=1" in _gather(first_root)["action"]
        again_root, again = call.speak("repete")
        assert again.said == first.said and "parte=1" in _gather(again_root)["action"]
        _, second = call.keys("9")
        heard.append(second)
        while heard[-1].said[-1] == CONTINUE_HINT:
            heard.append(call.speak("continuar")[1])
    assert len(heard) >= 3
    assert all(sum(len(s) for s in part.said[:-1]) <= SPOKEN_PART_CHARS for part in heard[:-1])
    whole = " ".join(s for part in heard for s in part.said if s != CONTINUE_HINT)
    assert whole.startswith("Passo 1:") and "Passo 40:" in whole and whole.endswith("Diga menu para ver as opções.")
    assert heard[1].said[0].startswith("Passo") and heard[1].said[0] != first.said[0]


def _to_the_end(dialogue: "_Recorded", question: str, then: str | None = None) -> tuple[list, object]:
    """Every part of the answer to ``question``, each reached with 9, and what a last key ``then`` got."""
    from bot.channels.ura import CONTINUE_HINT

    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        heard = [call.speak(question)[1]]
        while heard[-1].said[-1] == CONTINUE_HINT:
            heard.append(call.keys("9")[1])
        after = call.keys(then)[1] if then else None
    return heard, after


def test_a_numbered_list_is_never_cut_between_an_items_number_and_its_text():
    # u24: a part of the reimbursement documents ended "… assinado, datado e carimbado. 3." and the next began
    # "Conta hospitalar…": the caller heard a number with nothing after it.
    from bot.channels.ura import CONTINUE_HINT

    items = " ".join(f"{n}. Documento número {n}, com nome do paciente, data do atendimento, assinatura e carimbo "
                     "do médico assistente, e a justificativa do tratamento efetuado." for n in range(1, 13))
    dialogue = _Recorded()
    dialogue.said["quais documentos?"] = [f"Documentos, artigo 72 do Regulamento. {items}"]
    heard, _ = _to_the_end(dialogue, "quais documentos?")
    assert len(heard) >= 2
    for part in heard:
        said = " ".join(s for s in part.said if s != CONTINUE_HINT)
        assert not re.search(r"\b\d{1,2}\.$", said), said[-60:]
    assert all(" ".join(part.said).split(" ", 1)[0].rstrip(".").isdigit() for part in heard[1:])


def test_a_9_after_a_long_answer_ended_says_only_its_last_part_again():
    # u22: one 9 too many replayed a 45-second answer from its first step to reach the closing question.
    from bot.channels.ura import ANSWER_ENDED

    # The how-to and its closing question in one message, as the bot sends it.
    dialogue = _Recorded()
    dialogue.said["como peço reembolso?"] = [f"{HOW_TO} Posso ajudar em algo mais?"]
    heard, after = _to_the_end(dialogue, "como peço reembolso?", then="9")
    assert len(heard) >= 3 and after.said == [ANSWER_ENDED, *heard[-1].said]
    assert after.said[-1].endswith("Posso ajudar em algo mais?") and not any("Passo 1:" in s for s in after.said)


def test_something_else_said_in_the_middle_of_a_long_answer_goes_to_the_bot():
    dialogue = _Recorded()
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        call.speak("como peço reembolso?")
        _, spoken = call.keys("3")
    assert spoken.said == [render_for_ear("Informe seu CPF (11 dígitos) ou o número da sua carteirinha (16 dígitos).")]


def test_a_caller_quiet_in_the_middle_of_a_long_answer_hears_the_rest():
    # u22: after "Identificação confirmada", a silence got "Não recebi sua resposta. Posso ajudar em algo mais?" and
    # the caller never heard the invoices that came next.
    from bot.channels.ura import CONTINUE_HINT, NO_INPUT

    dialogue = _Recorded()
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        _, first = call.speak("como peço reembolso?")
        _, second = call.silence()
    assert first.said[-1] == CONTINUE_HINT
    assert NO_INPUT not in second.said and second.said[0].startswith("Passo") and second.said[0] != first.said[0]


@pytest.mark.parametrize(("question", "answer"), [
    # u22: after "Sua manifestação foi registrada", silence got "Não recebi sua resposta" (to no question), and a
    # second one sent a caller who was done to the agents' queue.
    ("registrei a reclamação", None),
    # u25: after the reimbursement documents ("… Diga menu para ver as opções."), two silences while the caller
    # wrote them down sent the call to the agents' queue.
    ("quais documentos?", "Documentos, artigo 72: o formulário e o relatório do médico. Diga menu para ver as opções."),
])
def test_silence_after_an_answer_that_asks_nothing_offers_more_help_then_says_goodbye(question, answer):
    from bot.channels.ura import GOODBYE, NO_INPUT

    dialogue = _Recorded()
    if answer:
        dialogue.said[question] = [answer]
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        call.speak(question)
        _, first = call.silence()
        root, second = call.silence()
    assert first.said == ["Posso ajudar em algo mais?"] and NO_INPUT not in first.said
    assert second.said == [GOODBYE] and root.find("Hangup") is not None and root.find("Enqueue") is None


def test_repeat_after_identifying_says_the_answer_not_the_thanks_again():
    # u25: "repetir" after the boleto replayed "Obrigado, Maria! Identificação confirmada." before it.
    dialogue = _Recorded()
    dialogue.said["12031975"] = ["Obrigado, Maria! Identificação confirmada.",
                                 "Boleto de dezembro de 2026: 450 reais, vence em 10 de dezembro. Algo mais?"]
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        _, first = call.keys("12031975#")
        _, again = call.speak("repetir")
    assert first.said[0] == "Obrigado, Maria! Identificação confirmada."
    assert not any("Identificação confirmada" in s for s in again.said)
    assert any(s.startswith("Boleto de dezembro de 2026") for s in again.said), again.said


def test_a_caller_going_for_a_pen_is_waited_for_then_hears_it_again():
    # u22: "espera que vou pegar uma caneta" replayed the card number at once, while the caller was away.
    from bot.channels.ura import WAITING

    dialogue = _Recorded()
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        call.speak("meu cartão")
        _, waiting = call.speak("espera que vou pegar uma caneta")
        _, again = call.speak("pronto, pode repetir")
    assert waiting.said == [WAITING] and len(dialogue.events) == 4  # "menu" and "meu cartão": nothing more
    assert again.said == ["Você disse meu cartão."]


def test_asking_to_repeat_after_not_being_understood_hears_the_menu_not_the_same_sentence():
    # u23: "repete", "hã? não ouvi", "a moça pode falar mais devagar?" all replayed "Desculpe, não entendi".
    from tests.bot.channels.test_ura import MENU

    dialogue = _Recorded()
    dialogue.said["hum é aquele negócio lá"] = ["Desculpe, não entendi. Pode escrever de outra forma?"]
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        _, lost = call.speak("hum é aquele negócio lá")
        _, again = call.speak("repete")
    assert lost.said == [render_for_ear("Desculpe, não entendi. Pode escrever de outra forma?")]
    assert again.said == [render_for_ear(MENU)]


def test_a_caller_who_asked_to_wait_is_waited_for_through_silences_then_hears_it_again():
    # u23: "Tudo bem, eu espero", then silence got "Posso ajudar em algo mais?" and a second one hung up.
    from bot.channels.ura import MAX_WAITS, STILL_WAITING, WAITING

    dialogue = _Recorded()
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        call.speak("meu cartão")
        _, waiting = call.speak("espera que vou pegar uma caneta")
        quiet = [call.silence() for _ in range(MAX_WAITS - 1)]
        _, again = call.speak("pronto, pode repetir")
    assert waiting.said == [WAITING]
    assert all(spoken.said == [STILL_WAITING] and root.find("Hangup") is None for root, spoken in quiet)
    assert again.said == ["Você disse meu cartão."]


def test_asking_to_repeat_a_question_that_says_it_did_not_understand_hears_that_question():
    # "Não entendi a data. Informe…" asks for the date again: "repete" hears it, the identification goes on.
    from bot.channels.ura import _NOT_UNDERSTOOD_BEFORE

    assert _NOT_UNDERSTOOD_BEFORE.search("desculpe, nao entendi. pode dizer de outra forma?")
    assert not _NOT_UNDERSTOOD_BEFORE.search("nao entendi a data. informe no formato dd/mm/aaaa")


def test_silence_after_an_emergency_goes_to_a_person_not_a_hang_up():
    # u24: "meu marido tá passando mal, com dor no peito" heard "Ligue 192", then two silences after "algo mais?" and
    # "Obrigado por ligar… Até logo!": the call ended on someone who may not be able to speak.
    dialogue = _Recorded()
    urgent = "meu marido tá passando mal, com dor no peito"
    dialogue.said[urgent] = ["⚠️ Dor no peito é emergência: ligue 192 (SAMU) agora.", "Posso ajudar em algo mais?"]
    with ChannelServer(UraInput(settings()), answer=dialogue, store=dialogue) as server:
        call = Call(server)
        call.start()
        call.keys("1")
        call.speak(urgent)
        call.silence()
        root, _ = call.silence()
    assert root.find("Hangup") is None and (root.find("Enqueue") is not None or root.find("Dial") is not None)


@pytest.mark.parametrize("key", ["8", "9"])
def test_a_key_the_menu_does_not_offer_is_said_invalid_and_the_menu_heard_again(key):
    # u27: at the menu, an 8 got "Desculpe, não entendi. Pode dizer de outra forma?" and a 9 "Essa resposta já
    # terminou.", and a confused caller heard the goodbye.
    from tests.bot.channels.test_ura import MENU

    call_sid = payloads.twilio_sid("CA")
    tracker = fake_tracker([BotUttered(MENU)], identificado=False)
    asked = []

    def answer(message):
        asked.append(message.text)
        return bot(message)

    with ChannelServer(UraInput(settings()), answer=answer, store=PerCallerStore(f"ura:{call_sid}", tracker)) as server:
        call = Call(server, sid=call_sid)
        call.start()
        call.keys("1")
        again, spoken = call.keys(key)
        call.keys("3")
    assert spoken.said == [INVALID, render_for_ear(MENU)] and _gather(again)["numDigits"] == "1"
    assert key not in asked and "3" in asked
