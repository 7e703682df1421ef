"""The 2ª via of a boleto as a PDF: its text, and the bar code rebuilt from the digitable line."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.boleto_pdf import boleto_pdf, codigo_de_barras
from actions.boletos import a_pagar
from actions.financeiro import SEM_ARQUIVO, ActionConsultarFinanceiro
from actions.formatting import format_date, format_money, linha_digitavel
from bot.arquivos import caminho
from bot.db import repository, seed
from bot.db.session import make_engine, make_session_factory
from bot.identifiers import _CARD_IN_TEXT, _CPF_IN_TEXT, _mod11_barcode, due_date_factor, make_digitable_line
from bot.settings import get_settings
from tests.actions.conftest import make_tracker

BANCO = "001"
VENCIMENTO = date(2026, 5, 15)
VALOR = Decimal("1234.56")
CAMPO_LIVRE = "1234567890123456789012345"
LINHA = make_digitable_line(BANCO, VENCIMENTO, VALOR, CAMPO_LIVRE)
PAGADOR = "José da Conceição Teste"


def _pdf() -> bytes:
    return boleto_pdf(
        competencia=date(2026, 5, 1),
        vencimento=VENCIMENTO,
        valor=VALOR,
        linha=LINHA,
        pagador=PAGADOR,
        emitido=date(2026, 5, 20),
    )


def _texto(pdf: bytes) -> str:
    """The strings the uncompressed PDF shows (core fonts write them in latin-1, parentheses escaped)."""
    strings = re.findall(rb"\(((?:[^()\\]|\\.)*)\) ?Tj", pdf)
    return "\n".join(re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in strings)


def _barras(pdf: bytes) -> str:
    """Read the Interleaved 2 of 5 bar code drawn as filled rectangles back into its digits."""
    retangulos = [tuple(map(float, m)) for m in re.findall(rb"([\d.]+) [\d.]+ ([\d.]+) -?[\d.]+ re f", pdf)]
    larguras = []
    for (x, w), (proximo, _) in pairwise(retangulos):
        larguras += [w, proximo - x - w]  # a bar, then the space up to the next one
    larguras.append(retangulos[-1][1])
    estreita = min(larguras)
    larga = ["w" if largura > 2 * estreita else "n" for largura in larguras]
    assert "".join(larga[:4]) == "nnnn" and "".join(larga[-3:]) == "wnn"  # start and stop
    padroes = {"nnwwn": "0", "wnnnw": "1", "nwnnw": "2", "wwnnn": "3", "nnwnw": "4"}
    padroes |= {"wnwnn": "5", "nwwnn": "6", "nnnww": "7", "wnnwn": "8", "nwnwn": "9"}
    corpo = larga[4:-3]
    digitos = []
    for i in range(0, len(corpo), 10):
        par = corpo[i : i + 10]
        digitos += [padroes["".join(par[0::2])], padroes["".join(par[1::2])]]
    return "".join(digitos)


def test_the_pdf_shows_the_invoice_figures_and_the_grouped_line():
    pdf = _pdf()
    texto = _texto(pdf)
    assert pdf.startswith(b"%PDF")
    assert "2ª via de boleto - Cemig Saúde" in texto
    assert "12.055.813/0001-68" in texto and "Recebedora dos pagamentos" not in texto
    assert "05/2026" in texto and format_date(VENCIMENTO) in texto
    assert format_money(VALOR) in texto and format_money(VALOR).encode("latin-1") in pdf
    assert linha_digitavel(LINHA) in texto
    assert "Após o vencimento: multa de 2% e juros de 1% ao mês (Art. 44, §1º do Regulamento)" in texto
    assert "Emitido em 20/05/2026 pelo atendimento automático" in texto


def test_the_pdf_names_the_payer_and_shows_no_cpf_or_card_number():
    texto = _texto(_pdf())
    assert PAGADOR in texto
    # The digitable line itself has CPF-shaped stretches ("123457 67890"); everything else must have none.
    resto = texto.replace(linha_digitavel(LINHA), "")
    assert not _CPF_IN_TEXT.search(resto) and not _CARD_IN_TEXT.search(resto)
    assert "CPF" not in texto and "Cartão" not in texto and "Nascimento" not in texto


def test_the_drawn_bar_code_is_the_one_of_the_line():
    assert _barras(_pdf()) == codigo_de_barras(LINHA)


def test_the_bar_code_puts_the_parts_of_the_line_in_febraban_order():
    codigo = codigo_de_barras(LINHA)
    assert len(codigo) == 44
    fator_e_valor = f"{due_date_factor(VENCIMENTO):04d}{int(VALOR * 100):010d}"
    assert codigo[:4] == f"{BANCO}9"
    assert codigo[5:19] == fator_e_valor
    assert codigo[19:] == CAMPO_LIVRE
    assert int(codigo[4]) == _mod11_barcode(codigo[:4] + codigo[5:])


def test_a_line_that_is_not_47_digits_is_refused():
    with pytest.raises(ValueError):
        codigo_de_barras(LINHA[:-1])
    with pytest.raises(ValueError):
        codigo_de_barras(linha_digitavel(LINHA))
    with pytest.raises(ValueError):
        codigo_de_barras("x" * 47)


def test_a_line_with_a_wrong_check_digit_is_refused():
    errada = LINHA[:32] + str((int(LINHA[32]) + 1) % 10) + LINHA[33:]
    with pytest.raises(ValueError):
        codigo_de_barras(errada)
    with pytest.raises(ValueError):
        boleto_pdf(
            competencia=date(2026, 5, 1),
            vencimento=VENCIMENTO,
            valor=VALOR,
            linha=errada,
            pagador=PAGADOR,
            emitido=date(2026, 5, 20),
        )


# -- the option over the demo data: "manda o pdf" -----------------------------------------------------


def _maria_and_open_boletos():
    engine = make_engine(get_settings())
    with make_session_factory(engine)() as session:
        maria = repository.find_beneficiary_by_cpf(seed.DEMO_TITULAR_CPF, session=session)
        abertas = [
            (f.competence, a_pagar(f), f.digitable_line)
            for f in repository.list_invoices([maria.id], session=session, statuses=["aberto"])
            if a_pagar(f) and f.digitable_line
        ]
        maria_id = maria.id
    engine.dispose()
    return maria_id, sorted(abertas)


def _tracker(maria_id, text, channel=None):
    events = None
    if channel:
        events = [{"event": "user", "text": text, "input_channel": channel, "parse_data": {"intent": {"name": "x"}}}]
    tracker = make_tracker({"identificado": True, "beneficiario_id": str(maria_id)}, text=text, intent="financeiro",
                           events=events)
    tracker.latest_message["entities"] = []
    return tracker


async def test_manda_o_pdf_sends_one_document_per_open_boleto():
    maria_id, abertas = _maria_and_open_boletos()
    assert abertas, "the seed leaves the demo family's boletos of this month and last month open"
    dispatcher = CollectingDispatcher()
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria_id, "manda o pdf do boleto"), {})
    links = [m["attachment"] for m in dispatcher.messages if m.get("attachment")]
    assert len(links) == len(abertas)
    for (competence, amount, line), link in zip(abertas, links, strict=True):
        pdf = caminho(link.rsplit("/", 1)[1]).read_bytes()
        assert pdf.startswith(b"%PDF") and b"Maria Aparecida Souza" in pdf
        assert competence.strftime("%m/%Y").encode() in pdf and format_money(amount).encode("latin-1") in pdf
        assert linha_digitavel(line).encode() in pdf
    shown = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    # The documents, without the paid history below them.
    assert "Últimos boletos pagos" not in shown and "link válido por 7 dias" in shown


async def test_the_list_offers_the_pdf_and_the_phone_gets_the_line_only():
    maria_id, _ = _maria_and_open_boletos()
    listing = CollectingDispatcher()
    await ActionConsultarFinanceiro().run(listing, _tracker(maria_id, "4"), {})
    assert 'escreva "pdf"' in listing.messages[0]["text"]
    phone = CollectingDispatcher()
    await ActionConsultarFinanceiro().run(phone, _tracker(maria_id, "quero o boleto em pdf", channel="ura"), {})
    assert not [m for m in phone.messages if m.get("attachment")]
    said = [m.get("text") for m in phone.messages]
    assert SEM_ARQUIVO in said and not any('escreva "pdf"' in (t or "") for t in said)
    assert "Aplicativo e no Portal do beneficiário" in SEM_ARQUIVO  # u22: where the caller gets it
    whatsapp = CollectingDispatcher()
    await ActionConsultarFinanceiro().run(whatsapp, _tracker(maria_id, "pode mandar o boleto no meu whatsapp?",
                                                             channel="ura"), {})
    assert SEM_ARQUIVO in [m.get("text") for m in whatsapp.messages]


async def test_a_month_named_sends_that_boleto_only():
    # "manda so o pdf do de dezembro" was "não entendi"; now it is a follow-up, and only December is sent.
    maria_id, abertas = _maria_and_open_boletos()
    assert len(abertas) >= 2, "the seed leaves this month's and last month's boletos of the demo family open"
    ultima = abertas[-1][0]
    nome = {11: "novembro", 12: "dezembro"}[ultima.month]
    dispatcher = CollectingDispatcher()
    await ActionConsultarFinanceiro().run(dispatcher, _tracker(maria_id, f"manda so o pdf do de {nome}"), {})
    links = [m for m in dispatcher.messages if m.get("attachment")]
    assert len(links) == 1 and f"competência {ultima:%m/%Y}" in links[0]["text"]
    assert f"Competência {abertas[0][0]:%m/%Y}" not in dispatcher.messages[0]["text"]
