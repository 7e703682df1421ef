"""The Rasa NLU component that reads identifiers and dates by rule (bot/nlu/components.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import IDENTIFICATION_INTENT, IdentifierExtractor
from bot.settings import get_settings


def _process(text, intent="financeiro"):
    message = Message.build(text=text, intent=intent)
    message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    IdentifierExtractor().process([message])
    return message


def _dates(message):
    return [(e["value"], message.get("text")[e["start"] : e["end"]]) for e in message.get("entities") or []
            if e["entity"] == "data"]


def test_a_day_in_words_is_a_data_entity_on_the_product_clock():
    # The suite's clock is Wednesday 2026-12-02 (tests/fixed_clock.py).
    message = _process("se eu pagar dia 20 quanto fica")
    assert _dates(message) == [("2026-12-20", "dia 20")]
    [entity] = message.get("entities")
    assert entity["extractor"] == "IdentifierExtractor" and entity["confidence_entity"] == 1.0
    assert message.get("intent")["name"] == "financeiro"


def test_a_date_in_words_alone_is_not_an_identification():
    message = _process("amanhã")
    assert _dates(message) == [("2026-12-03", "amanhã")]
    assert message.get("intent")["name"] == "financeiro"
    assert _process("12/03/1975").get("intent")["name"] == IDENTIFICATION_INTENT


def test_an_explicit_date_keeps_priority():
    message = _process("amanhã não sei, mas se pagar até sexta ou 20/12/2026?")
    # The explicit date comes first although it is written last: the late-fee answer takes the first one.
    assert _dates(message) == [("2026-12-20", "20/12/2026"), ("2026-12-04", "sexta")]


def test_today_is_read_in_sao_paulo_not_utc(monkeypatch: pytest.MonkeyPatch):
    # 01:00 UTC on the 3rd is still 22:00 of the 2nd in São Paulo.
    monkeypatch.setenv("ATENDE_NOW", "2026-12-03T01:00:00+00:00")
    get_settings.cache_clear()
    try:
        assert _dates(_process("hoje ou amanhã")) == [("2026-12-02", "hoje"), ("2026-12-03", "amanhã")]
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def _ranked(intent, *ranking):
    from bot.nlu.components import ClarifyAmbiguity

    message = Message.build(text="x")
    message.set("intent", {"name": intent, "confidence": ranking[0][1]}, add_to_output=True)
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
    ClarifyAmbiguity({"margin": 0.1, "floor": 0.25}).process([message])
    return message.get("intent")["name"]


def test_a_fallback_between_two_close_topics_becomes_a_clarifying_question():
    fallback = ("nlu_fallback", 0.25)
    assert _ranked("nlu_fallback", fallback, ("utilizacao", 0.43), ("contestar_utilizacao", 0.36)) == "esclarecer"
    # Far apart, too unlikely, or not topics: the fallback stays.
    assert _ranked("nlu_fallback", fallback, ("utilizacao", 0.60), ("contestar_utilizacao", 0.30)) == "nlu_fallback"
    assert _ranked("nlu_fallback", fallback, ("utilizacao", 0.20), ("reembolso", 0.18)) == "nlu_fallback"
    assert _ranked("nlu_fallback", fallback, ("afirmar", 0.40), ("negar", 0.38)) == "nlu_fallback"
    # A confident classification is left alone.
    assert _ranked("reembolso", ("reembolso", 0.9), ("utilizacao", 0.05)) == "reembolso"


def test_a_close_call_between_a_topic_and_out_of_scope_is_the_topic():
    # u25: "vcs são uma vergonha!!! já liguei 3 vezes e ninguém resolve meu reembolso" (reembolso 0.45, out of
    # scope 0.43) was "Desculpe, não entendi".
    fallback = ("nlu_fallback", 0.25)
    assert _ranked("nlu_fallback", fallback, ("reembolso", 0.45), ("fora_de_escopo", 0.43)) == "reembolso"
    assert _ranked("nlu_fallback", fallback, ("fora_de_escopo", 0.45), ("financeiro", 0.40)) == "financeiro"
    # Out of scope well ahead, or beside a reply that is no topic: the fallback stays.
    assert _ranked("nlu_fallback", fallback, ("fora_de_escopo", 0.60), ("reembolso", 0.30)) == "nlu_fallback"
    assert _ranked("nlu_fallback", fallback, ("fora_de_escopo", 0.40), ("afirmar", 0.38)) == "nlu_fallback"


def test_days_written_in_words_are_dates_too():
    # The suite's clock is Wednesday 2026-12-02.
    assert _dates(_process("posso pagar dia vinte e cinco?")) == [("2026-12-25", "dia vinte e cinco")]
    assert _dates(_process("e se for dia primeiro do mês que vem")) == [("2027-01-01", "dia primeiro do mês que vem")]
    assert _dates(_process("pago dia dezasseis")) == [("2026-12-16", "dia dezasseis")]
    # A number in words that is not a day of the month is no date.
    assert _dates(_process("tenho vinte e cinco anos")) == []


def _guarded(vocabulary_texts, text, confidence=0.8):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu.components import UnknownWordsGuard

    guard = UnknownWordsGuard(set(), model_storage=_NoStorage(), resource=None)
    guard.train(TrainingData([Message.build(text=t, intent="afirmar") for t in vocabulary_texts]))
    message = Message.build(text=text)
    message.set("intent", {"name": "afirmar", "confidence": confidence}, add_to_output=True)
    guard.process([message])
    return message.get("intent")["confidence"]


class _NoStorage:
    """Model storage that keeps nothing: the guard's vocabulary stays in memory for these tests."""

    def write_to(self, resource):
        import contextlib
        import tempfile
        from pathlib import Path

        @contextlib.contextmanager
        def folder():
            with tempfile.TemporaryDirectory() as path:
                yield Path(path)

        return folder()


def test_a_lone_s_or_n_is_a_known_answer_not_gibberish():
    vocabulary = ["s", "sim", "n", "não", "quero o boleto"]
    assert _guarded(vocabulary, "s") == 0.8
    assert _guarded(vocabulary, "N") == 0.8
    # Unknown words keep going to the fallback, and a stray known letter does not rescue them.
    assert _guarded(vocabulary, "xzkq wpvb") == 0.0
    assert _guarded(vocabulary, "xzkq s wpvb") == 0.0
    assert _guarded(vocabulary, "q") == 0.0


def _split(text, ranking):
    message = Message.build(text=text)
    message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]}, add_to_output=True)
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
    IdentifierExtractor().process([message])
    return message


def test_a_message_without_any_identifier_is_not_taken_for_an_identification():
    # The classifier read the digits of "2 meses" as an identification and fell back between it and the card.
    message = _split("já pedi a carteirinha do meu neto faz 2 meses e nada!",
                     [(IDENTIFICATION_INTENT, 0.42), ("numero_cartao", 0.40), ("financeiro", 0.04)])
    assert message.get("intent")["name"] == "numero_cartao"
    assert message.get("intent")["confidence"] == pytest.approx(0.40 / 0.58)
    assert [r["name"] for r in message.get("intent_ranking")] == ["numero_cartao", "financeiro"]


@pytest.mark.parametrize("text", ["meu cpf é 123456", "o número da minha carteira é 900145672003",
                                  "nasci em março de 1975", "529.982.247-25"])
def test_a_mistyped_or_partial_identification_stays_an_identification(text):
    # The identification form then says what is wrong with it, in Portuguese.
    message = _split(text, [(IDENTIFICATION_INTENT, 0.9), ("numero_cartao", 0.05)])
    assert message.get("intent")["name"] == IDENTIFICATION_INTENT


def test_every_identification_in_the_training_data_could_identify():
    from bot.nlu.parsing import find_identifiers, may_identify
    from tools.evaluate import load_examples

    examples = [text for text, intent in load_examples(["data/nlu"]) if intent == IDENTIFICATION_INTENT]
    assert len(examples) >= 50
    assert [text for text in examples if not may_identify(text, find_identifiers(text))] == []


def _classified(text, *ranking):
    from rasa.shared.nlu.training_data.message import Message

    message = Message.build(text=text)
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent", dict(ranked[0]), add_to_output=True)
    message.set("intent_ranking", ranked, add_to_output=True)
    return message


def test_a_doubtful_goodbye_or_no_is_not_understood_rather_than_the_end_of_the_conversation():
    from bot.nlu.components import IdentifierExtractor

    urgent = _classified("é urgente!!", ("despedida", 0.26), ("saudacao", 0.13))
    question = _classified("ah entao nao tem jeito?", ("negar", 0.71), ("despedida", 0.09))
    sure = _classified("valeu, até mais pessoal", ("despedida", 0.93), ("agradecimento", 0.05))
    IdentifierExtractor().process([urgent, question, sure])
    assert urgent.get("intent")["confidence"] == 0.0 and question.get("intent")["confidence"] == 0.0
    assert sure.get("intent") == {"name": "despedida", "confidence": 0.93}


def test_pointing_at_oneself_is_never_a_logout():
    from bot.nlu.components import IdentifierExtractor

    # "minha" answering "de quem?" was "sair" (0.5), and the person was logged out.
    mine = _classified("minha", ("sair", 0.5), ("agradecimento", 0.3), ("fora_de_escopo", 0.2))
    leave = _classified("não sou eu", ("sair", 0.9), ("negar", 0.1))
    IdentifierExtractor().process([mine, leave])
    assert mine.get("intent")["name"] == "agradecimento" and leave.get("intent")["name"] == "sair"


def test_asking_for_the_statement_of_a_year_is_not_a_dispute_of_it():
    # The number of "em 2024" drew the contestation (numbers are one token, common in its examples): the
    # person asking which consultations her daughter had got the dispute form instead of the list.
    ask = _classified("q consultas minha filha usou em 2024",
                      ("contestar_utilizacao", 0.41), ("utilizacao", 0.20), ("pronto_atendimento_online", 0.13))
    dispute = _classified("essa consulta de 2024 eu nunca fiz",
                          ("contestar_utilizacao", 0.41), ("utilizacao", 0.20), ("pronto_atendimento_online", 0.13))
    IdentifierExtractor().process([ask, dispute])
    assert ask.get("intent")["name"] == "utilizacao"
    assert ask.get("intent")["confidence"] == pytest.approx(0.20 / 0.59)
    assert dispute.get("intent")["name"] == "contestar_utilizacao"


def test_every_contestation_in_the_training_data_states_a_dispute():
    from bot.nlu.disputes import CONTESTAR_UTILIZACAO, states_a_dispute
    from tools.evaluate import load_examples

    examples = [text for text, intent in load_examples(["data/nlu"]) if intent == CONTESTAR_UTILIZACAO]
    assert len(examples) >= 50
    assert [text for text in examples if not states_a_dispute(text)] == []


def test_already_said_is_never_a_goodbye():
    # "JA FALEI" (goodbye, 0.94) at the Ombudsman's report question said "Até logo!" and logged the person out.
    annoyed = _classified("JA FALEI", ("despedida", 0.94), ("falar_atendente", 0.04))
    bye = _classified("valeu, até mais pessoal", ("despedida", 0.94), ("agradecimento", 0.04))
    IdentifierExtractor().process([annoyed, bye])
    assert annoyed.get("intent")["confidence"] == 0.0 and bye.get("intent")["confidence"] == 0.94


def test_another_companys_plan_is_out_of_scope():
    # "como cancelo meu plano da Unimed?" was novos_planos (0.76): the plans on sale for a question about another.
    other = _classified("como cancelo meu plano da Unimed?", ("novos_planos", 0.76), ("fora_de_escopo", 0.2))
    coming = _classified("estou saindo da Unimed e pensando em vir pra vcs", ("novos_planos", 0.9),
                         ("fora_de_escopo", 0.1))
    IdentifierExtractor().process([other, coming])
    assert other.get("intent") == {"name": "fora_de_escopo", "confidence": 1.0}
    assert coming.get("intent")["name"] == "novos_planos"


def test_more_said_about_a_request_is_an_addendum_unless_it_tells_an_urgent_symptom():
    # "esqueci de dizer: o valor cobrado foi R$ 250…" after an Ombudsman complaint opened the desk's form.
    added = _classified("esqueci de dizer: o valor cobrado foi R$ 250 e a atendente se chamava Paula",
                        ("tele_cobranca_cancelada", 0.41), ("financeiro", 0.30))
    urgent = _classified("esqueci de dizer que estou com falta de ar", ("fora_de_escopo", 0.5), ("reembolso", 0.2))
    spouse = _classified("quero acrescentar minha esposa no plano", ("novos_planos", 0.8), ("fora_de_escopo", 0.1))
    IdentifierExtractor().process([added, urgent, spouse])
    assert added.get("intent") == {"name": "complementar_chamado", "confidence": 1.0}
    assert urgent.get("intent")["name"] == "pronto_atendimento_online"
    assert spouse.get("intent")["name"] == "novos_planos"


def test_a_message_naming_the_policy_is_the_desks_policy_category():
    # Set K: "qual é o número da minha apólice?" split between the policy, the card and out of scope, and fell back.
    policy = _classified("qual é o número da minha apólice estou a tentar preencher um formulário",
                         ("tele_apolice", 0.31), ("fora_de_escopo", 0.30))
    card = _classified("qual o número da minha carteirinha?", ("numero_cartao", 0.9), ("tele_apolice", 0.05))
    IdentifierExtractor().process([policy, card])
    assert policy.get("intent") == {"name": "tele_apolice", "confidence": 1.0}
    assert card.get("intent")["name"] == "numero_cartao"


def test_a_request_to_delete_ones_personal_data_goes_to_a_person():
    from bot.nlu.components import IdentifierExtractor

    # "apaguem meus dados pessoais do cadastro (LGPD)" was the question "why do you need my CPF?" (1.0), answered
    # with why the bot asks for it; a person registers such a request.
    delete = _classified("não sou cliente, quero que vocês apaguem meus dados pessoais do cadastro (LGPD)",
                         ("fora_de_escopo", 0.34), ("sair", 0.18))
    why = _classified("pra que vc quer meus dados? isso é LGPD", ("menu", 0.5), ("sair", 0.2))
    IdentifierExtractor().process([delete, why])
    assert delete.get("intent") == {"name": "falar_atendente", "confidence": 1.0}
    assert why.get("intent")["name"] == "duvida_identificacao"


def test_praise_or_a_suggestion_is_for_the_ombudsman_whatever_it_is_about():
    # "queria parabenizar a médica do pronto atendimento online" was PA Online (0.88).
    praise = _classified("queria parabenizar a médica do pronto atendimento online",
                         ("pronto_atendimento_online", 0.88), ("ouvidoria", 0.1))
    thanks = _classified("parabéns!", ("agradecimento", 0.9), ("ouvidoria", 0.1))
    IdentifierExtractor().process([praise, thanks])
    assert praise.get("intent") == {"name": "ouvidoria", "confidence": 1.0}
    assert thanks.get("intent")["name"] == "agradecimento"


def test_asking_for_a_doctor_is_not_asking_for_an_agent():
    # "quero falar com um médico agora, é urgente" (falar_atendente, 0.81) went to the service desk's queue.
    doctor = _classified("quero falar com um médico agora", ("falar_atendente", 0.6),
                         ("pronto_atendimento_online", 0.3), ("fora_de_escopo", 0.1))
    agent = _classified("quero falar com um atendente", ("falar_atendente", 0.9), ("menu", 0.1))
    IdentifierExtractor().process([doctor, agent])
    assert doctor.get("intent")["name"] == "pronto_atendimento_online"
    assert agent.get("intent")["name"] == "falar_atendente"


def test_starting_over_from_zero_is_the_menu_not_an_agent():
    # "recomeçar do zero" was talking to an agent (0.47): 0 is the agent's digit and "zero" drew the classifier.
    restart = _classified("quero recomeçar do zero", ("falar_atendente", 0.47), ("menu", 0.23))
    treatment = _classified("vou recomeçar a fisioterapia do zero", ("utilizacao", 0.6), ("autorizacao", 0.2))
    IdentifierExtractor().process([restart, treatment])
    assert restart.get("intent") == {"name": "menu", "confidence": 1.0}
    assert treatment.get("intent")["name"] == "utilizacao"


@pytest.mark.parametrize("text", ["como tiro a segunda via?", "como pego a 2ª via pelo app?"])
def test_a_second_copy_of_nothing_named_is_asked_about_when_the_classifier_is_lost(text):
    # "como tiro a segunda via?" was "só consigo ajudar com assuntos do seu plano" (out of scope, 0.49).
    message = _process(text, intent="fora_de_escopo")
    ranking = [(r["name"], r["confidence"]) for r in message.get("intent_ranking")[:2]]
    assert ranking == [("financeiro", 0.5), ("numero_cartao", 0.5)]


def test_a_second_copy_the_classifier_placed_or_that_names_its_document_is_left_alone():
    assert _process("segunda via", intent="financeiro").get("intent")["name"] == "financeiro"
    assert _process("preciso da segunda via do informe", intent="imposto_renda").get("intent")["name"] == \
        "imposto_renda"
