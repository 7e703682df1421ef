import doctest

import pytest

from bot.channels import render
from bot.channels.render import (
    button_tag,
    mask_for_log,
    menu_options,
    read_button,
    render_for_ear,
    render_telegram,
    render_whatsapp,
    split_text,
    utf16_length,
)

MENU = """Escolha uma opção (digite o número ou escreva o que precisa):
1 - Reembolso
2 - Utilização
3 - Número de cartão
4 - Financeiro
5 - Autorização
6 - Imposto de renda
7 - Novos planos
0 - Falar com um atendente"""


def test_docstring_examples():
    result = doctest.testmod(render)
    assert result.failed == 0 and result.attempted >= 3


def test_short_text_is_one_piece():
    assert split_text("oi") == ["oi"]
    assert split_text("   ") == []


def test_long_text_is_cut_at_line_breaks_within_the_limit():
    lines = [f"• Boleto {i:03d}: vencimento 10/05/2026, R$ 1.234,50, em aberto" for i in range(100)]
    pieces = split_text("\n".join(lines), 1600)
    assert len(pieces) > 1
    assert all(utf16_length(piece) <= 1600 for piece in pieces)
    # No line is broken: joining the pieces gives the lines back, in order.
    assert "\n".join(pieces).split("\n") == lines


def test_a_single_line_longer_than_the_limit_is_cut_at_spaces():
    line = " ".join(["palavra"] * 500)
    pieces = split_text(line, 1600)
    assert all(utf16_length(piece) <= 1600 for piece in pieces)
    assert " ".join(pieces) == line


def test_a_word_longer_than_the_limit_is_still_cut():
    pieces = split_text("x" * 5000, 1600)
    assert "".join(pieces) == "x" * 5000 and all(len(p) <= 1600 for p in pieces)


def test_emojis_count_twice_like_twilio_counts_them():
    text = "😀" * 900  # 900 code points, 1800 UTF-16 units
    pieces = split_text(text, 1600)
    assert len(pieces) == 2 and all(utf16_length(p) <= 1600 for p in pieces)


def test_whatsapp_turn_shares_messages_while_they_fit():
    messages = [{"text": "Obrigado, Maria! Identificação confirmada."}, {"text": MENU}]
    assert render_whatsapp(messages) == [f"Obrigado, Maria! Identificação confirmada.\n\n{MENU}"]


def test_whatsapp_keeps_menus_as_numbered_text_and_bold():
    [chunk] = render_whatsapp([{"text": "Digite *menu*", "buttons": [{"title": "Reembolso", "payload": "1"}]}])
    assert chunk == "Digite *menu*\n1 - Reembolso"


def test_whatsapp_long_turn_is_split():
    big = "\n".join(f"linha {i} " + "x" * 60 for i in range(60))
    chunks = render_whatsapp([{"text": big}, {"text": "Posso ajudar em algo mais?"}])
    assert len(chunks) >= 3 and all(utf16_length(c) <= 1600 for c in chunks)
    assert chunks[-1].endswith("Posso ajudar em algo mais?")


def test_menu_options_need_two_lines():
    assert menu_options(MENU)[0] == ("1", "Reembolso")
    assert menu_options("1 - sozinho") == []


def test_telegram_menu_becomes_buttons_and_bold_becomes_html():
    [message] = render_telegram([{"text": MENU + "\nDigite *menu* <já>"}])
    assert message.buttons[0] == ("1 - Reembolso", "1") and message.buttons[-1] == ("0 - Falar com um atendente", "0")
    assert "1 - Reembolso" not in message.html
    assert "<b>menu</b>" in message.html and "&lt;já&gt;" in message.html


def test_telegram_long_message_keeps_buttons_on_the_last_piece():
    text = "\n".join("y" * 100 for _ in range(100)) + "\n1 - Sim\n2 - Não"
    rendered = render_telegram([{"text": text}])
    assert len(rendered) > 1 and all(len(m.html) <= 4096 for m in rendered)
    assert all(m.buttons == [] for m in rendered[:-1])
    tag = button_tag(text)
    assert rendered[-1].buttons == [("1 - Sim", f"1:{tag}"), ("2 - Não", f"2:{tag}")]


def test_only_the_main_menus_buttons_are_plain_digits_valid_at_any_moment():
    # u16: "2" pressed on an old list of people was read as the menu's option 2; such buttons name their question.
    [menu] = render_telegram([{"text": MENU}])
    assert [data for _, data in menu.buttons] == ["1", "2", "3", "4", "5", "6", "7", "0"]
    pessoas = "De quem você quer ver?\n1 - Maria (titular)\n2 - José (cônjuge)"
    [lista] = render_telegram([{"text": pessoas}])
    assert [read_button(data) for _, data in lista.buttons] == [("1", button_tag(pessoas)), ("2", button_tag(pessoas))]
    [outra] = render_telegram([{"text": pessoas.replace("José", "Ana")}])
    assert outra.buttons[1][1] != lista.buttons[1][1]


@pytest.mark.parametrize(
    "written, spoken",
    [
        ("1 - Reembolso", "Para reembolso, digite 1."),
        ("0 - Falar com um atendente", "Para falar com um atendente, digite 0."),
        ("2 - José Carlos Souza (cônjuge)", "Para José Carlos Souza, cônjuge, digite 2."),
        ("Olá! 👋 Tudo bem? 😀", "Olá! Tudo bem?"),
        ("Digite *menu* para ver as opções", "Diga menu para ver as opções."),
        ("CPF 529.982.247-25", "CPF 5 2 9, 9 8 2, 2 4 7, 2 5."),
        ("Cartão 4175050000001004", "Cartão 4 1 7 5, 0 5 0 0, 0 0 0 0, 1 0 0 4."),
        ("Protocolo 41750520260301100001", "Protocolo 4 1 7 5, 0 5 2 0, 2 6 0 3, 0 1 1 0, 0 0 0 1."),
        ("Ligue 0800 030 9009", "Ligue 0 8 0 0, 0 3 0, 9 0 0 9."),
        ("Valor R$ 1.234,50", "Valor 1234 reais e 50 centavos."),
        ("Vence em 10/05/2026 R$ 45,00", "Vence em 10 de maio de 2026 45 reais."),
        ("Das 8h às 17h30", "Das 8 horas às 17 horas e 30."),
        ("Veja www.cemigsaude.org.br/portal.", "Veja o site da Cemig Saúde."),
        ("Acesse https://exemplo.com/x?y=1 agora", "Acesse o site indicado pela Cemig Saúde agora."),
        ("Escreva para centrodepromocao@cemigsaude.org.br", "Diga para o e-mail indicado no site da Cemig Saúde."),
        ("CPF: ***.982.247-**", "CPF: com os dígitos do meio 9 8 2, 2 4 7."),
        ("• Central: 0800 030 9009 (de celular: (31) 3429-5200)",
         "Central: 0 8 0 0, 0 3 0, 9 0 0 9, de celular: 31, 3 4 2 9, 5 2 0 0."),
        ("Conforme o Art. 50 do Regulamento", "Conforme o artigo 50 do Regulamento."),
        # What callers heard spelt out or as symbols (u16): items of an article, ordinals, separators, "ex.:".
        ("o cartão não pode mais ser usado (Art. 17, II)", "o cartão não pode mais ser usado, artigo 17, inciso 2."),
        ("do responsável legal (Art. 17, IX e X).", "do responsável legal, artigo 17, inciso 9 e inciso 10."),
        ("Arts. 2º e 6º, II, do Regulamento", "artigos segundo e sexto, inciso 2, do Regulamento."),
        ("Só em Minas Gerais (Art. 7º, §§1º-2º)", "Só em Minas Gerais, artigo sétimo, parágrafos primeiro a segundo."),
        ("Boleto de Ana | Competência 11/2026", "Boleto de Ana. Competência novembro de 2026."),
        ('Diga a idade, ex.: "tenho 45 anos"', "Diga a idade, por exemplo, tenho 45 anos."),
        ("Pague a 2ª via", "Pague a segunda via."),
        # u17: what the new plans sounded like on the phone.
        ("Clássico Apartamento, registro ANS 492.893/22-8", "Clássico Apartamento."),
        ("abrangência estadual (Minas Gerais); coparticipação", "abrangência estadual, Minas Gerais; coparticipação."),
        ("A partir de R$ 189,90/mês", "A partir de 189 reais e 90 centavos por mês."),
        ("aposentado/assistido; cônjuge ou companheiro(a)", "aposentado ou assistido; cônjuge ou companheiro."),
        ("ligue 192 (SAMU; em Portugal, 112) ou vá ao pronto-socorro", "ligue 192, o SAMU ou vá ao pronto-socorro."),
        ("a Central informa: 0800 030 9009 (24 horas; de celular, (31) 3429-5200).",
         "a Central informa: digite 0 para falar com um atendente da Central."),
        ("*Documentos*\nI. Solicitação\nIV. Nota fiscal", "Documentos. 1. Solicitação. 4. Nota fiscal."),
        ("Preencha no site www.cemigsaude.org.br e envie", "Preencha no site da Cemig Saúde e envie."),
        ("Olá, I love it, A, B, C", "Olá, I love it, A, B, C."),
    ],
)
def test_ear_rendering(written, spoken):
    assert render_for_ear(written) == spoken


def test_ear_rendering_of_the_menu_has_no_symbols_left():
    spoken = render_for_ear(MENU)
    assert "Para número de cartão, digite 3." in spoken
    assert not any(symbol in spoken for symbol in "*•()-–\n")


def test_identification_questions_say_how_to_finish_on_the_keypad():
    assert render_for_ear("Informe seu CPF (11 dígitos) ou o número da sua carteirinha (16 dígitos).").endswith(
        "termine com a tecla jogo da velha."
    )
    date = render_for_ear("Agora, informe sua data de nascimento (dd/mm/aaaa).")
    assert "dia, mês e ano, com oito dígitos" in date and "jogo da velha" in date
    assert "jogo da velha" not in render_for_ear("Clique em Esqueci minha senha e informe a carteirinha.")


def test_logs_never_show_whole_identifiers():
    line = mask_for_log("cpf 52998224725 / 529.982.247-25, cartão 4175 0500 0000 1004, protocolo 41750520260301100001")
    assert "52998224725" not in line and "529.982.247-25" not in line
    assert "0500 0000" not in line and "4175050520" not in line
    assert "***.982.247-**" in line and "4175 **** **** 1004" in line and "4175************0001" in line
    # The birth date is the proof of identity: never in a log either.
    assert mask_for_log("nasci em 12031975, opção 3") == "nasci em **/**/****, opção 3"


def test_masked_cpf_is_not_taken_for_bold_on_telegram():
    from bot.channels.render import render_telegram

    (message,) = render_telegram([{"text": "CPF: ***.444.777-**\nTotal: *R$ 10,00*"}])
    assert "***.444.777-**" in message.html
    assert "<b>R$ 10,00</b>" in message.html
