"""Whole conversations through the REST webhook, with the real servers and demo data."""

from __future__ import annotations

import re

import pytest

from actions.formatting import format_card
from bot.db import seed

pytestmark = pytest.mark.servers

ENGLISH = re.compile(r"\b(sorry|the|please|error|exception|traceback)\b", re.IGNORECASE)
MENU_LINES = ["1 - Reembolso", "2 - Utilização", "3 - Número de cartão", "4 - Financeiro", "5 - Autorização",
              "6 - Imposto de renda", "7 - Novos planos", "0 - Falar com um atendente"]


def joined(answers):
    text = "\n".join(answers)
    assert answers, "o bot ficou calado"
    assert not ENGLISH.search(text), text
    return text


def identify(conversa, document, birth):
    asked = joined(conversa(document))
    assert "data de nascimento" in asked
    return joined(conversa(birth))


def test_greeting_shows_welcome_and_menu(conversa):
    text = joined(conversa("oi"))
    assert "atendimento automático" in text and "24 horas" in text
    for line in MENU_LINES:
        assert line in text


def test_digit_three_identifies_then_lists_the_family_cards(conversa):
    text = joined(conversa("3"))
    assert "CPF" in text and "4175" not in text
    text = identify(conversa, "529.982.247-25", "12/03/1975")
    assert "Identificação confirmada" in text
    for card in (seed.DEMO_TITULAR_CARD, seed.DEMO_SPOUSE_CARD, seed.DEMO_DAUGHTER_CARD):
        assert format_card(card) in text
    # Identified for the rest of the session: no second identification.
    again = joined(conversa("qual o numero da minha carteirinha?"))
    assert format_card(seed.DEMO_TITULAR_CARD) in again


def test_free_text_and_card_number_identification_for_a_dependant(conversa):
    joined(conversa("perdi minha carteirinha"))
    text = identify(conversa, format_card(seed.DEMO_SPOUSE_CARD), "30/08/1972")
    assert format_card(seed.DEMO_SPOUSE_CARD) in text
    assert format_card(seed.DEMO_TITULAR_CARD) not in text
    assert format_card(seed.DEMO_DAUGHTER_CARD) not in text


def test_wrong_checksum_then_not_found_then_give_up(conversa):
    joined(conversa("3"))
    wrong = joined(conversa("529.982.247-26"))
    assert "dígitos verificadores" in wrong
    # A CPF that is not a member's is not told apart: the date is asked, then "os dados não conferem".
    assert "data de nascimento" in joined(conversa("111.222.333-96"))
    missing = joined(conversa("12/03/1975"))
    assert missing.startswith("Os dados informados não conferem com o nosso cadastro. Você ainda tem 1 tentativa.")
    assert "Informe seu CPF" in missing  # both asked again
    # A short number ("000") is no guess at a CPF and spends nothing; a part of a CPF is waited for ("Recebi 9
    # dígitos"); a CPF with a wrong check digit is a guess.
    assert "tentativa" not in joined(conversa("000"))
    assert "Recebi 9 dígitos; o CPF tem 11" in joined(conversa("529.982.247"))
    final = joined(conversa("529.982.247-26"))
    assert "atendente" in final and "0800 030 9009" in final
    # The form is over: a date is not taken as an answer any more, and nothing personal was shown.
    after = joined(conversa("12/03/1975"))
    assert "4175" not in after


def test_wrong_birth_date_counts_as_an_attempt(conversa):
    joined(conversa("3"))
    joined(conversa(seed.DEMO_TITULAR_CPF))
    text = joined(conversa("01/01/1990"))
    assert text.startswith("Os dados informados não conferem com o nosso cadastro. Você ainda tem 2 tentativas.")


def test_menu_and_zero_leave_identification(conversa):
    joined(conversa("3"))
    text = joined(conversa("menu"))
    assert "1 - Reembolso" in text
    joined(conversa("3"))
    text = joined(conversa("0"))
    # The suite's clock is a Wednesday at 10:00 (tests/fixed_clock.py): in hours, a person takes over at once.
    assert "Vou transferir você para um atendente" in text
    assert re.search(r"Seu protocolo é 41750\d{15}", text)
    assert "de segunda a sexta" not in text


def test_an_option_typed_as_the_menu_names_it_is_that_option(conversa):
    # "opção 0" was the menu again, for every digit.
    text = joined(conversa("opção 7"))
    assert "Planos da Cemig Saúde abertos a novas adesões" in text and "1 - Reembolso" not in text
    text = joined(conversa("quero a opção 0"))
    assert "Vou transferir você para um atendente" in text


def test_sair_clears_identification(conversa):
    joined(conversa("3"))
    identify(conversa, seed.DEMO_TITULAR_CPF, "12031975")
    assert "encerrada" in joined(conversa("sair"))
    text = joined(conversa("3"))
    assert "CPF" in text and "4175" not in text


def test_identifiers_in_one_message(conversa):
    text = joined(conversa("meu cpf é 529.982.247-25 e nasci em 12/03/1975"))
    assert "Identificação confirmada" in text
    text = joined(conversa("3"))
    assert format_card(seed.DEMO_TITULAR_CARD) in text


def test_not_understood_twice_gives_menu_and_person(conversa):
    first = joined(conversa("xzkq wpvb trrm"))
    assert "outra forma" in first
    second = joined(conversa("blorf gnark zuum"))
    assert "atendente" in second and "1 - Reembolso" in second


@pytest.mark.parametrize(
    ("message", "answer"),
    [
        # Each fell back ("não consegui entender") or went to the invoices before the short-replies lexicon.
        ("Deus lhe pague", "De nada!"),
        ("até a próxima, obrigada!", "Até logo!"),
        ("de jeito nenhum", "Até logo!"),
        ("bom diaaa 😊", "1 - Reembolso"),
    ],
)
def test_short_replies_in_any_form_are_understood(conversa, message, answer):
    text = joined(conversa(message))
    assert answer in text and "outra forma" not in text


@pytest.mark.parametrize("message", ["", "   ", "😀😀😀", "a" * 5000, "<script>alert(1)</script>"])
def test_odd_messages_get_a_portuguese_answer(conversa, message):
    joined(conversa(message))


def test_titular_chooses_a_dependant_for_reimbursements(conversa):
    joined(conversa("1"))
    text = identify(conversa, seed.DEMO_TITULAR_CPF, "12/03/1975")
    assert "De quem você quer ver os reembolsos?" in text
    assert "José Carlos Souza" in text and "Todos" in text
    answer = joined(conversa("2"))
    # One person's list carries no names; the others' must not appear.
    assert "reembolso" in answer.lower()
    assert "Maria" not in answer and "Ana" not in answer


def test_every_option_answers_from_the_data(conversa):
    joined(conversa(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975"))
    boletos = joined(conversa("4"))
    assert "R$" in boletos and "boleto" in boletos.lower()
    for option, expected in [("2", "Utilização"), ("5", "autoriza"), ("6", "imposto de renda")]:
        question = joined(conversa(option))
        assert "De quem" in question
        answer = joined(conversa("todos"))
        assert expected.lower() in answer.lower(), (option, answer)


def test_dependant_never_sees_the_family(conversa):
    joined(conversa(f"cpf {seed.DEMO_SPOUSE_CPF} nascimento 30/08/1972"))
    for option in ["1", "2", "5", "6"]:
        answer = joined(conversa(option))
        assert "De quem" not in answer
        assert "Maria" not in answer and "Ana Luiza" not in answer, (option, answer)


def test_a_dependant_asking_for_the_titulars_data_is_told_why_he_sees_his_own(conversa):
    joined(conversa(f"cpf {seed.DEMO_SPOUSE_CPF} nascimento 30/08/1972"))
    # Before: José got his own reimbursements, unlabelled, and took them for his wife's.
    text = joined(conversa("quero ver os reembolsos da minha esposa"))
    assert "cada dependente vê só os próprios dados" in text and "Maria" not in text
    text = joined(conversa("e o cartão dela?"))
    assert "cada dependente vê só os próprios dados" in text and format_card(seed.DEMO_TITULAR_CARD) not in text
    assert format_card(seed.DEMO_SPOUSE_CARD) in text
    # His own request gets no warning.
    assert "cada dependente" not in joined(conversa("meu cartão"))


def test_a_husband_giving_his_wifes_cpf_is_asked_for_his_own_and_a_father_stays_himself(conversa):
    # u19: "sou o marido da maria, o cpf dela é … e ela nasceu em …" entered as Maria and showed her family's data.
    text = joined(conversa(f"sou o marido da maria, o cpf dela é {seed.DEMO_TITULAR_CPF} e ela nasceu em 12/03/1975, "
                           "quero a segunda via do boleto dela"))
    assert "Cada pessoa se identifica com o próprio CPF" in text and "Identificação confirmada" not in text, text
    assert "linha digitável" not in text.lower()
    text = joined(conversa(f"ok, o meu é {seed.DEMO_SPOUSE_CPF}"))
    assert "data de nascimento" in text and "tentativa" not in text, text
    assert "Identificação confirmada" in joined(conversa("30/08/1972"))
    # u19: José, identified, saying he is Ana's father was logged out as "another person writing".
    text = joined(conversa("quero ver a utilizacao da ana, sou pai dela"))
    assert "encerrei a identificação" not in text and "cada dependente vê só os próprios dados" in text, text
    assert "peça ao titular ou ligue para a Central de Relacionamento" in text


def test_new_plans_need_no_identification(conversa):
    text = joined(conversa("7"))
    assert "Clássico Apartamento" in text and "R$" in text
    priced = joined(conversa("quanto custa o plano pra minha mãe de 67 anos?"))
    assert "67 anos" in priced


def test_long_lists_are_paged(conversa):
    joined(conversa(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975"))
    joined(conversa("2"))
    first = joined(conversa("todos"))
    assert "Digite *mais*" in first, "a família de demonstração tem mais de 5 atendimentos no trimestre"
    more = joined(conversa("mais"))
    assert more.splitlines()[0] not in first
    while "Digite *mais*" in more:
        more = joined(conversa("mais"))
    assert "Não há mais itens" in joined(conversa("mais"))


def test_income_tax_statement_pdf_downloads_from_the_server(rasa_url):
    import json
    import urllib.error
    import urllib.request
    import uuid

    sender = f"teste-{uuid.uuid4().hex[:8]}"

    def send(text):
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(rasa_url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    send(f"cpf {seed.DEMO_SPOUSE_CPF} nascimento 30/08/1972")
    answers = send("6")
    links = [a["attachment"] for a in answers if a.get("attachment")]
    assert len(links) == 1, answers
    with urllib.request.urlopen(links[0], timeout=10) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        pdf = response.read()
    assert pdf.startswith(b"%PDF") and "José Carlos Souza".encode("latin-1") in pdf
    forged = links[0].rsplit("/", 1)[0] + "/" + "0" * 32 + ".pdf"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=10)
    assert refused.value.code == 404


def test_a_follow_up_question_stays_in_the_topic_for_the_family_member_it_names(conversa):
    joined(conversa("quero ver meus reembolsos"))
    asked = identify(conversa, "529.982.247-25", "12/03/1975")
    assert "De quem você quer ver os reembolsos?" in asked
    joined(conversa("1"))
    # "e o da minha filha?" names no topic: it continues the reimbursements, for the daughter, without "de quem?".
    hers = joined(conversa("e o da minha filha?"))
    assert "Atendimento de urgência pediátrica com raio-x" in hers and "R$ 890,00" in hers
    assert "De quem" not in hers
    for others in ("pronto-socorro fora da rede", "sutura", "exames de imagem", "cardiologista"):
        assert others not in hers
    # A follow-up that names nobody stays with her: before, "e o prazo?" asked "de quem?" all over again.
    again = joined(conversa("e o prazo?"))
    assert "De quem" not in again and "Atendimento de urgência pediátrica com raio-x" in again
    assert "pagamento até" in again and "cardiologista" not in again


def test_asked_whose_data_the_titular_may_answer_in_words_or_change_the_subject(conversa):
    joined(conversa("quero ver meus reembolsos"))
    asked = identify(conversa, "529.982.247-25", "12/03/1975")
    assert "De quem você quer ver os reembolsos?" in asked
    # Another request instead of a person: its question is asked, about the new subject.
    again = joined(conversa("na verdade quero ver a minha utilização"))
    assert "De quem você quer ver a utilização?" in again and "Não entendi" not in again
    # A relationship answers it.
    hers = joined(conversa("da minha filha"))
    assert "Utilização do plano de Ana" in hers
    assert "Maria" not in hers and "José" not in hers
    # A request that needs no choice is answered at once, even in the middle of a question.
    joined(conversa("1"))
    invoices = joined(conversa("quero a segunda via do boleto"))
    assert "linha digitável" in invoices and "De quem" not in invoices


def test_questions_during_identification_spend_no_attempt_and_a_new_request_is_kept(conversa):
    joined(conversa("quero ver meus reembolsos"))
    # Three replies without a number: before, the third ended the identification.
    for question in ("peraí, vou pegar o documento", "não tenho aqui agora", "hmm 🤔"):
        text = joined(conversa(question))
        assert "tentativa" not in text and "Informe seu CPF" in text, question
    assert "vejo isso assim que você se identificar" in joined(conversa("e o boleto?"))
    text = identify(conversa, "529.982.247-25", "12/03/1975")
    assert "Identificação confirmada" in text and "linha digitável" in text
    assert "De quem você quer ver os reembolsos?" not in text


def test_the_birth_date_before_the_document_spends_no_attempt(conversa):
    joined(conversa("quero ver minha carteirinha"))
    text = joined(conversa("20/05/1978"))
    assert "Essa parece ser a data de nascimento" in text and "tentativa" not in text
    assert "Identificação confirmada" in identify(conversa, "529.982.247-25", "12/03/1975")


def test_why_the_cpf_is_needed_is_answered_and_the_identification_goes_on(conversa):
    joined(conversa("quero ver meus reembolsos"))
    # Before, this parsed as the menu and ended the identification; "é seguro...?" ended it as "sair".
    for question in ("por que vocês precisam do meu cpf?", "é seguro passar meu cpf aqui?"):
        text = joined(conversa(question))
        assert "LGPD" in text and "Não peço senha" in text, question
        assert "Informe seu CPF" in text and "Escolha uma opção" not in text, question
    assert "data de nascimento" in joined(conversa("529.982.247-25"))
    text = joined(conversa("pra que a data de nascimento?"))
    assert "LGPD" in text and "informe sua data de nascimento" in text
    text = joined(conversa("12/03/1975"))
    assert "Identificação confirmada" in text and "De quem você quer ver os reembolsos?" in text


def test_someone_feeling_ill_is_sent_to_pa_online_and_told_when_to_call_192(conversa):
    # Before: "to passando mal" was read as "sim", and a headache as out of scope.
    for message in ("to passando mal", "estou com dor de cabeça forte desde ontem"):
        text = joined(conversa(message))
        assert "Pronto Atendimento Online, 24 horas" in text and "192 (SAMU" in text, message
        assert "não entendi" not in text.lower(), message
    text = joined(conversa("minha mãe está com falta de ar"))
    assert "192 (SAMU" in text and "Pronto Atendimento Online, 24 horas" not in text  # the number, no tutorial


def test_short_questions_after_the_pa_online_answer_are_about_pa_online(conversa):
    joined(conversa("preciso de um médico agora, minha filha está com febre"))
    # Before: "tem pediatra?" was not understood, "como entro?" listed the plans on sale and "funciona no
    # celular?" was out of scope.
    text = joined(conversa("tem pediatra?"))
    assert "clínico ou pediatra" in text and "não entendi" not in text.lower()
    text = joined(conversa("como entro?"))
    assert "Primeiro acesso" in text and "abertos a novas adesões" not in text
    text = joined(conversa("funciona no celular?"))
    assert "navegador do computador ou do celular" in text and "só consigo ajudar" not in text
    # Something plainly out of scope is still out of scope there.
    text = joined(conversa("qual a previsão do tempo pra amanhã?"))
    assert "só consigo ajudar com assuntos do seu plano" in text and "1 - Reembolso" in text


def test_asking_to_cancel_the_plan_gets_the_rules_and_a_person_not_the_plans_on_sale(conversa):
    text = joined(conversa("quero cancelar meu plano de saúde"))
    assert "Art. 26" in text and "digite 0" in text and "abertos a novas adesões" not in text
    # During the identification the same question comes back afterwards.
    joined(conversa("3"))
    text = joined(conversa("na verdade não quero mais o plano"))
    assert "Art. 26" in text and "CPF" in text
    text = joined(conversa("0"))
    assert re.search(r"protocolo (é )?41750\d{15}", text)


def test_questions_after_the_authorizations_stay_with_the_authorizations(conversa):
    joined(conversa("oi, preciso da autorização de uma ressonância"))
    assert "De quem você quer ver as autorizações?" in identify(conversa, "52998224725", "12031975")
    assert "Pedidos de autorização" in joined(conversa("1"))
    # Before: "quanto tempo demora?" was out of scope, and "e se for urgente?" showed the reimbursements, because
    # the "1" that answered "de quem?" counted as menu option 1.
    for question, answer in (("quanto tempo demora?", "Prazo de resposta: até 5 dias úteis"),
                             ("e se for urgente?", "Em urgência ou emergência não precisa pedir autorização antes")):
        text = joined(conversa(question))
        assert answer in text, question
        assert "reembolso" not in text.lower() and "só consigo ajudar" not in text, question


def test_asking_for_the_pdf_after_an_answer_does_not_end_the_conversation(conversa):
    joined(conversa("quero o informe de rendimentos pro imposto de renda"))
    identify(conversa, "529.982.247-25", "12/03/1975")
    assert "Demonstrativo para o imposto de renda" in joined(conversa("1"))
    # Before: "tem em pdf?" was read as a goodbye ("Até logo!").
    text = joined(conversa("tem em pdf?"))
    assert "Até logo" not in text and "Demonstrativo para o imposto de renda" in text and "PDF" in text


def test_a_year_typed_instead_of_the_person_is_acknowledged_and_used(conversa):
    from bot import clock

    joined(conversa("6"))
    identify(conversa, "529.982.247-25", "12/03/1975")
    year = clock.today().year - 2  # not the default (last year)
    # Before: the list came back as if nothing had been said, and the answer was for last year.
    text = joined(conversa(f"o de {year}"))
    assert f"Certo, o de {year}. E de quem?" in text and "1 - Maria" in text
    text = joined(conversa("o da minha filha"))
    assert "Ana" in text, text
    # The answer is for the year asked, not last year's.
    assert f"ano-calendário {year}" in text and f"ano-calendário {year + 1}" not in text, text


def test_the_payment_day_asked_before_identifying_is_the_day_computed(conversa):
    from datetime import timedelta

    from actions.formatting import format_date
    from bot import clock

    # Before: after the CPF and the birth date, the answer was only "Se pagar hoje".
    joined(conversa("quanto fica a multa se eu pagar o boleto amanhã?"))
    text = identify(conversa, "529.982.247-25", "12/03/1975")
    assert f"Se pagar em {format_date(clock.today() + timedelta(days=1))}" in text, text
    # "e depois de amanhã?" was a goodbye.
    text = joined(conversa("e depois de amanhã?"))
    assert "Até logo" not in text and f"Se pagar em {format_date(clock.today() + timedelta(days=2))}" in text


def test_general_questions_are_answered_without_the_cpf(conversa):
    # Before: "quais documentos?" and "como funciona a autorização?" asked for the CPF first.
    text = joined(conversa("quais documentos preciso pra pedir reembolso?"))
    assert "Documentos (Art. 72" in text and "Informe seu CPF" not in text
    text = joined(conversa("precisa de autorização pra fazer tomografia?"))
    assert "Prazo de resposta" in text and "Informe seu CPF" not in text
    text = joined(conversa("e se atrasar o boleto, quanto é a multa?"))
    assert "multa de 2% e juros de 1% ao mês" in text and "Informe seu CPF" not in text
    # Their own requests still need the identification, and the request is served after it.
    text = joined(conversa("quero ver meus pedidos de reembolso"))
    assert "CPF" in text
    text = identify(conversa, "529.982.247-25", "12/03/1975")
    assert "Identificação confirmada" in text and "Documentos (Art. 72" not in text


def test_a_short_question_about_the_reimbursements_is_not_sent_to_the_teleconsultation_desk(conversa):
    joined(conversa(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975"))
    joined(conversa("quero ver o meu reembolso"))
    joined(conversa("1"))
    # Before: "ele foi negado pq?" asked for a name and a NIF for the teleconsultation desk.
    text = joined(conversa("ele foi negado pq?"))
    assert "NIF" not in text and "teleconsulta" not in text.lower(), text
    assert "reembolso" in text.lower(), text


def test_a_member_adding_a_baby_gets_the_inclusion_rules_not_the_plans_on_sale(conversa):
    text = joined(conversa("tive um bebê semana passada, como incluo ele no plano?"))
    assert "Incluir um dependente no seu plano" in text and "Art. 56" in text and "digite 0" in text
    assert "abertos a novas adesões" not in text


def test_answering_whose_data_with_minha_shows_it_instead_of_logging_out(conversa):
    joined(conversa("quero ver a utilização"))
    text = identify(conversa, "529.982.247-25", "12/03/1975")
    assert "De quem você quer ver" in text
    # Before: "minha" (and "eu", "meu marido") was read as "não sou eu" and ended the identification.
    text = joined(conversa("minha"))
    assert "identificação foi encerrada" not in text and "Maria" in text, text


def test_a_doubtful_message_in_the_middle_of_a_request_does_not_end_the_conversation(conversa):
    joined(conversa("o hospital ta pedindo autorização pra internar meu pai"))
    # Before: "é urgente!!" was a goodbye ("Até logo!") in the middle of the identification.
    text = joined(conversa("é urgente!!"))
    assert "Até logo" not in text and "CPF" in text, text


def test_the_titular_naming_her_husband_sees_his_data_without_the_dependants_notice(conversa):
    joined(conversa(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975"))
    text = joined(conversa("o cartão do meu marido"))
    assert "cada dependente" not in text and format_card(seed.DEMO_SPOUSE_CARD) in text, text


def test_a_goodbye_ends_the_identification_for_whoever_picks_up_the_phone_next(conversa):
    joined(conversa(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975"))
    text = joined(conversa("obrigada, tchau"))
    assert "encerrei sua identificação" in text
    # Before: "2" after the goodbye still showed Maria's utilization.
    text = joined(conversa("2"))
    assert "CPF" in text and "Maria" not in text


def test_a_guide_number_typed_after_the_authorizations_list_is_looked_up(conversa):
    joined(conversa(f"cpf {seed.DEMO_TITULAR_CPF} nascimento 12/03/1975"))
    joined(conversa("5"))
    listed = joined(conversa("todos"))
    guide = re.search(r"\*Guia (\d{11})\*", listed).group(1)
    # Before: the 11 digits were read as a CPF: "Você já está identificado".
    text = joined(conversa(guide))
    assert "já está identificado" not in text and f"Guia {guide}" in text, text
    # A CPF typed again still gets the usual answer.
    assert "já está identificado" in joined(conversa(seed.DEMO_TITULAR_CPF))


def test_asking_for_the_phone_gets_the_channels_and_after_pa_online_its_support_line(conversa):
    # Before: "qual o telefone de vocês?" was "só consigo ajudar com assuntos do seu plano".
    text = joined(conversa("qual o telefone de vocês?"))
    assert "0800 030 9009" in text and "só consigo ajudar" not in text
    joined(conversa("como entro no pronto atendimento online?"))
    text = joined(conversa("qual o telefone do suporte?"))
    assert "4000-1896" in text, text


def test_cpf_and_birth_date_in_one_answer_to_the_cpf_question_identify_at_once(conversa):
    joined(conversa("utilização"))
    # Before: the date in the same message was ignored and asked for again.
    text = joined(conversa("cpf 52998224725 nasc 12/03/1975"))
    assert "Identificação confirmada" in text and "informe sua data de nascimento" not in text


def test_until_what_age_a_child_stays_a_dependant_is_answered_not_the_catalogue(conversa):
    text = joined(conversa("ate que idade minha filha pode ficar como dependente?"))
    assert "23 anos, 11 meses e 29 dias" in text and "abertos a novas adesões" not in text


def test_finance_questions_that_are_not_the_boleto_list_get_their_own_answer(conversa):
    # Before, each of these got the whole list of boletos.
    assert "CPF" in joined(conversa("minha mensalidade vai aumentar no aniversário?"))
    text = identify(conversa, "529.982.247-25", "12/03/1975")
    assert "Art. 40" in text and "Aos 54 anos" in text and "04/2029" in text and "Boletos em aberto" not in text
    text = joined(conversa("4"))
    assert "Boletos em aberto" in text and 'escreva "pdf"' in text
    text = joined(conversa("manda o pdf"))
    assert "2ª via em PDF" in text and "Últimos boletos pagos" not in text
    text = joined(conversa("paguei ontem, já baixou?"))
    assert "Ainda consta em aberto" in text and "deve aparecer até" in text


def test_changing_plans_and_coming_back_after_cancelling(conversa):
    text = joined(conversa("quero mudar meu plano pra enfermaria"))
    assert "Mudar de plano dentro da Cemig Saúde" in text and "Art. 107" in text and "Acomodação: enfermaria" in text
    # Before: "e se eu cancelar..." continued the plans on sale.
    text = joined(conversa("e se eu cancelar posso voltar depois?"))
    assert "Cancelar o plano" in text and "Art. 20" in text and "Art. 62" in text


def test_a_bare_urgency_gets_the_ways_to_urgent_help(conversa):
    joined(conversa("oi"))
    # Before: "não entendi".
    text = joined(conversa("é urgente!!"))
    assert "192" in text and "Pronto Atendimento Online" in text and "0800 030 9009" in text, text


def test_an_emergency_gets_the_emergency_number_before_any_cpf(conversa):
    # Before: "Para sua segurança, preciso confirmar quem é você. Informe seu CPF".
    text = joined(conversa("meu marido ta com dor no peito forte, o que eu faço?"))
    assert "192" in text and "Informe seu CPF" not in text, text
    # In the middle of an identification too, which then goes on.
    joined(conversa("1"))
    text = joined(conversa("espera, minha filha ta com febre alta e vomitando, o que eu faço?"))
    assert "Pronto Atendimento Online" in text and "CPF" in text, text


def test_someone_else_writing_ends_the_identification_whatever_they_ask(conversa):
    # The check runs in the action server before any action: the plans on sale, which show no data and never
    # checked, answered José on Maria's identification, and his next message showed her family's usage.
    identify(conversa, seed.DEMO_TITULAR_CPF, "12/03/1975")
    text = joined(conversa("oi aqui é o josé agora, marido dela. quero saber dos planos novos"))
    assert "encerrei a identificação anterior" in text and "Clássico Apartamento" not in text
    asked = joined(conversa("minha utilização"))
    assert "CPF" in asked and "Utilização do plano" not in asked


def test_the_cps_answer_says_where_to_ask_its_address_and_hours(conversa):
    # "qual o endereço do CPS? abre sabado?" got how to book, and nothing about the address or the hours.
    text = joined(conversa("qual o endereço do CPS? abre sabado?"))
    assert "endereço e o horário de atendimento do CPS" in text and "(31) 3253-4888" in text


def test_identifying_and_asking_in_one_message_answers_what_was_asked(conversa):
    # u11: "sou a maria cpf ... nasc ... queria saber qnd vence o proximo boleto e tb se ja saiu o reembolso" got
    # "Identificação confirmada" and the bare menu.
    text = joined(conversa(f"oi boa noite, sou a maria cpf {seed.DEMO_TITULAR_CPF} nasc 12/03/1975. queria saber qnd "
                           "vence o proximo boleto e tb se ja saiu o reembolso da sutura"))
    assert "Identificação confirmada" in text and "vencimento" in text
    assert "Você também perguntou sobre *Reembolso* (digite 1)" in text


@pytest.mark.parametrize("then", ["cobrança", "4", "Quanto tempo demora a devolução do dinheiro?"])
def test_after_a_desk_request_every_message_gets_an_answer(conversa, then):
    # u14: after a request to the teleconsultation desk, "cobrança" or "4" got no reply at all: the desk sent the
    # message back to the plan's topic, which sent it back to the desk, until the channel timed out.
    joined(conversa("fui cobrado por uma teleconsulta cancelada"))
    joined(conversa("Rui Sousa"))
    assert "protocolo" in joined(conversa("123456789"))
    assert joined(conversa(then))


def test_someone_else_answering_whose_data_sees_nothing(conversa):
    # u13: "oi aqui é o jose agora, marido dela" at "De quem você quer ver a utilização?" answered it, and the next
    # message showed Maria's usage.
    identify(conversa, seed.DEMO_TITULAR_CPF, "12/03/1975")
    assert "De quem" in joined(conversa("2"))
    assert "encerrei a identificação anterior" in joined(conversa("oi aqui é o jose agora, marido dela"))
    asked = joined(conversa("quero ver a utilização da maria tb"))
    assert "Utilização do plano" not in asked and "CPF" in asked


def test_a_camera_error_after_the_pa_online_gets_its_steps_not_the_desk_in_portugal(conversa):
    # u22: after the PA Online's camera steps and the menu, "não consigo entrar na consulta online, dá erro de
    # câmera" asked for "seu nome completo e do seu CPF (em Portugal, o NIF)" and opened a desk request due in 9 days.
    first = joined(conversa("no pronto atendimento online a câmera não funciona, estou no iphone"))
    assert "4000-1896" in first
    joined(conversa("menu"))
    text = joined(conversa("não consigo entrar na consulta online, dá erro de câmera"))
    assert "nome completo" not in text and "NIF" not in text and "Protocolo" not in text, text
    assert "câmera" in text or "navegador" in text, text


def test_short_questions_inside_a_topic_are_answered_in_it(conversa):
    # u22: "quais documentos preciso?" after how to ask for a reimbursement asked whose income-tax statement; "e
    # agora o que eu faço?" after a denial was "não entendi"; "qual é o meu número mesmo?" after the card was the menu.
    joined(conversa("como pedir reembolso"))
    documents = joined(conversa("quais documentos preciso?"))
    assert "Documentos (Art. 72" in documents and "imposto" not in documents.lower(), documents
    joined(conversa("menu"))
    joined(conversa("minha autorização"))
    identify(conversa, seed.DEMO_SPOUSE_CPF, "30/08/1972")
    now = joined(conversa("e agora o que eu faço?"))
    assert "quero reanálise" in now and "não entendi" not in now.lower(), now
    joined(conversa("3"))
    again = joined(conversa("qual é o meu número mesmo?"))
    assert format_card(seed.DEMO_SPOUSE_CARD) in again and "1 - Reembolso" not in again, again


def test_identifying_and_asking_for_the_daughters_card_in_one_message_is_not_refused(conversa):
    # u23: "…529.982.247-25 nascida em 12/03/1975, quero o numero da carteirinha da minha filha…" got "não entro com
    # os dados de outra pessoa, mesmo da família": the CPF was Maria's own.
    text = joined(conversa(f"oi bom dia, {seed.DEMO_TITULAR_CPF} nascida em 12/03/1975, quero o numero da "
                           "carteirinha da minha filha"))
    assert "Identificação confirmada" in text and "outra pessoa" not in text, text
    assert format_card(seed.DEMO_DAUGHTER_CARD) in text, text


def test_a_boleto_corrected_to_another_month_is_that_month_and_a_paid_month_is_said_paid(conversa):
    # u23: after November's boleto, "não, era o de outubro" was a goodbye that ended the identification; and "a
    # segunda via do boleto de outubro" (paid) got every open boleto without a word about October.
    identify(conversa, seed.DEMO_TITULAR_CPF, "12/03/1975")
    december = joined(conversa("quero o boleto de dezembro"))
    assert "Competência 12/2026" in december and "Competência 11/2026, vencimento" not in december, december
    november = joined(conversa("não, era o de novembro"))
    assert "Competência 11/2026, vencimento" in november and "Até logo" not in november, november
    assert "Competência 12/2026" not in november, november
    october = joined(conversa("quero a segunda via do boleto de outubro"))
    assert "Esse boleto já está pago" in october and "Competência 10/2026: pago" in october, october
    assert "Últimos boletos pagos" not in october, october


def test_a_person_corrected_after_an_answer_gets_that_persons_data(conversa):
    # u24: after the daughter's reimbursements "não, era do meu marido" was "não entendi" (read as a goodbye), and
    # "agora o do José" was out of scope.
    identify(conversa, seed.DEMO_TITULAR_CPF, "12/03/1975")
    assert "Pedidos de reembolso de Ana" in joined(conversa("reembolsos da minha filha"))
    husband = joined(conversa("não, era do meu marido"))
    assert "Pedidos de reembolso de José" in husband and "não entendi" not in husband, husband
    again = joined(conversa("agora o da Maria"))
    assert "Pedidos de reembolso de Maria" in again, again
