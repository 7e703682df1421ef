"""What the agent reads of a conversation (painel/entrega.py)."""

from __future__ import annotations

from painel.entrega import transcricao


def test_a_follow_up_question_is_shown_once_and_personal_data_masked():
    eventos = [
        {"event": "user", "text": "meu cpf é 529.982.247-25, quero ver o reembolso", "timestamp": 1},
        {"event": "bot", "text": "Seus reembolsos: ...", "timestamp": 2},
        {"event": "user", "text": "e o prazo?", "timestamp": 3},
        {"event": "rewind", "timestamp": 4},
        {"event": "action", "name": "action_listen", "timestamp": 4},
        # The same message, put back by action_continuar_assunto as a question about the topic.
        {"event": "user", "text": "e o prazo?", "timestamp": 4, "metadata": {"continuacao": True}},
        {"event": "bot", "text": "Pagamento em até 30 dias.", "timestamp": 5},
    ]
    linhas = [(m.quem, m.texto) for m in transcricao(eventos)]
    assert linhas == [
        ("beneficiario", "meu cpf é ***.982.247-**, quero ver o reembolso"),
        ("bot", "Seus reembolsos: ..."),
        ("beneficiario", "e o prazo?"),
        ("bot", "Pagamento em até 30 dias."),
    ]


def test_the_bot_and_agent_dates_stay_readable_and_the_beneficiarys_are_masked():
    # u15: "Registrei que você não reconhece o item de **/**/****" and the agent's own "item de 05/10/2026" masked:
    # the agent could not tell which item was disputed nor read the deadline.
    eventos = [
        {"event": "user", "text": "nasci em 12/03/1975, cpf 52998224725", "timestamp": 1},
        {"event": "bot", "text": "Registrei que você não reconhece o item de 05/10/2026. Prazo: até 15/12/2026.",
         "timestamp": 2},
        {"event": "bot", "text": "Sobre o item de 05/10/2026: cartão 4175 0500 0000 1004", "timestamp": 3,
         "metadata": {"origem": "painel", "agente": "Ana"}},
    ]
    linhas = [(m.quem, m.texto) for m in transcricao(eventos)]
    assert linhas == [
        ("beneficiario", "nasci em **/**/****, cpf ***.982.247-**"),
        ("bot", "Registrei que você não reconhece o item de 05/10/2026. Prazo: até 15/12/2026."),
        ("atendente", "Sobre o item de 05/10/2026: cartão 4175 **** **** 1004"),
    ]


def test_a_clinical_request_and_the_clinical_areas_exchange_are_one_hidden_line():
    # u18: the first line read "Tenho depressão e não queria que aparecesse" on the person's next ticket.
    from painel.entrega import OMITIDO

    clinico, comum = "41750520261207000014", "41750520261207000018"

    def tele(texto, instante):
        return {"event": "user", "text": texto, "timestamp": instante,
                "parse_data": {"intent": {"name": "tele_clinica"}}}

    def atendente(texto, instante, protocolo):
        return {"event": "bot", "text": texto, "timestamp": instante,
                "metadata": {"origem": "painel", "agente": "Dra. Clara", "protocolo": protocolo}}

    eventos = [
        {"event": "user", "text": "qual o meu boleto?", "timestamp": 100},
        {"event": "bot", "text": "Informe seu CPF", "timestamp": 101},
        tele("o médico me deu um atestado com o CID errado. Tenho depressão e não queria que aparecesse", 200),
        {"event": "bot", "text": "Qual é o seu nome completo?", "timestamp": 201},
        {"event": "user", "text": "Ana Luiza Souza", "timestamp": 210},
        {"event": "bot", "text": f"Seu protocolo é {clinico}", "timestamp": 221},
        {"event": "bot", "text": "A equipe clínica responde por aqui.", "timestamp": 222},
        {"event": "user", "text": "0", "timestamp": 300},
        {"event": "bot", "text": f"Seu protocolo é {comum}", "timestamp": 301},
        atendente("Qual era o CID?", 400, clinico),
        {"event": "user", "text": "F32, depressão", "timestamp": 410},
        atendente("Olá, sobre o boleto: já está pago.", 500, comum),
        {"event": "user", "text": "obrigada", "timestamp": 510},
    ]
    linhas = [m.texto for m in transcricao(eventos, [clinico])]
    assert linhas == [
        "qual o meu boleto?", "Informe seu CPF", OMITIDO, "0", f"Seu protocolo é {comum}", OMITIDO,
        "Olá, sobre o boleto: já está pago.", "obrigada",
    ]
    assert "depressão" in " ".join(m.texto for m in transcricao(eventos))  # the clinical area reads it all


def test_the_beneficiarys_payment_and_care_dates_stay_readable_and_birth_dates_in_any_shape_are_masked():
    # u18: "paguei no dia **/**/****" left the agent unable to work the case, while "nascida em 12 de março de
    # 1975" and "120375" were shown in clear.
    eventos = [
        {"event": "user", "text": "o boleto venceu em 15/11/2026 e eu paguei no dia 20/11/2026, a consulta de "
                                  "urgência foi em 03/12/2026", "timestamp": 1},
        {"event": "user", "text": "Data de nascimento dele: 30 de agosto de 1972", "timestamp": 2},
        {"event": "user", "text": "sou a Maria, nascida em 12 de março de 1975", "timestamp": 3},
        {"event": "user", "text": "120375", "timestamp": 4},
        {"event": "user", "text": "12/03/1975", "timestamp": 5},
        # u21: the second date, after "mandei os recibos", and payments after an amount were still masked.
        {"event": "user", "text": "paguei o pronto-socorro dia 05/11/2026 e mandei os recibos dia 10/11/2026",
         "timestamp": 6},
        {"event": "user", "text": "Foram R$ 850,00 em 15/10/2026 e R$ 850,00 em 16/10/2026", "timestamp": 7},
        # The bot quoting the person's own words keeps their birth date masked.
        {"event": "bot", "text": "Registrei: nascido em 30/08/1972. Paguei a mensalidade em 15/10/2026.",
         "timestamp": 8},
    ]
    assert [m.texto for m in transcricao(eventos)] == [
        "o boleto venceu em 15/11/2026 e eu paguei no dia 20/11/2026, a consulta de urgência foi em 03/12/2026",
        "Data de nascimento dele: **/**/****",
        "sou a Maria, nascida em **/**/****",
        "**/**/****",
        "**/**/****",
        "paguei o pronto-socorro dia 05/11/2026 e mandei os recibos dia 10/11/2026",
        "Foram R$ 850,00 em 15/10/2026 e R$ 850,00 em 16/10/2026",
        "Registrei: nascido em **/**/****. Paguei a mensalidade em 15/10/2026.",
    ]


def test_an_emergency_in_the_persons_words_is_marked_for_the_agent():
    # u23: "tomei um comprimido e agora estou com a garganta a fechar e falta de ar" was one more "Nova mensagem".
    eventos = [
        {"event": "user", "text": "0", "timestamp": 1},
        {"event": "bot", "text": "Vou transferir você para um atendente.", "timestamp": 2},
        {"event": "user", "text": "estou com a garganta a fechar e falta de ar", "timestamp": 3},
        {"event": "user", "text": "e o boleto?", "timestamp": 4},
    ]
    assert [m.urgente for m in transcricao(eventos)] == [False, False, True, False]
