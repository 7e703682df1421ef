"""Option 6: annual statement of what was paid to the plan, for the income-tax return.

The figures go in the chat, and as a PDF link (fpdf2, served for a few days by bot.arquivos) on every channel
but the phone.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import AcaoIdentificada, beneficiario_identificado, enviar_lista, hoje, mensagem_do_pedido
from actions.contexto import anteriores_no_assunto, assunto_atual
from actions.familia import Pessoa
from actions.formatting import first_name, format_date, format_money
from bot.arquivos import CANAIS_SEM_ARQUIVO, ONDE_PEGAR_O_PDF, VALIDADE_DIAS, guardar_pdf, url_publica
from bot.db import repository
from bot.db.models import TaxStatement
from bot.identifiers import mask_cpf
from bot.nlu.parsing import SENT_ELSEWHERE, SMS, find_identifiers, strip_accents

# Four digits 2000-2099 standing alone: digits inside a CPF or card number do not count.
_ANO = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
INTENT = "imposto_renda"
# The payer's data the tax return asks for (regulation Art. 1).
# u27: "Fonte pagadora" is the label of income received; on a statement of payments to a health plan, the plan is who
# received them, as the tax return asks it (CNPJ of the operator).
OPERADORA_DADOS = "Cemig Saúde - CNPJ 12.055.813/0001-68 - registro ANS 41.750-5"
OPERADORA = f"Recebedora dos pagamentos (operadora do plano): {OPERADORA_DADOS}"
DECLARACAO = "Na declaração, informe os valores na ficha Pagamentos Efetuados, código 26 (Planos de saúde no Brasil)."


def ano_da_mensagem(texto: str, hoje_: date) -> int:
    """Read the calendar year a user asked for; the previous year by default.

    Args:
        texto: The user's message.
        hoje_: Today's date.

    Returns:
        The year named in the message (2000-2099), else last year.

    >>> ano_da_mensagem("imposto de renda 2024", date(2026, 3, 1))
    2024
    >>> ano_da_mensagem("6", date(2026, 3, 1))
    2025
    >>> ano_da_mensagem("meu cpf 52998224725", date(2026, 3, 1))
    2025
    """
    achado = _ANO.search(texto or "")
    return int(achado.group(1)) if achado else hoje_.year - 1


_ULTIMOS_ANOS = re.compile(r"\bultimos (\d|dois|tres|quatro|cinco) anos\b")
_NUMEROS = {"dois": 2, "tres": 3, "quatro": 4, "cinco": 5}
MAX_ANOS = 5
_RETRASADO = re.compile(r"\b(?:ano )?retrasado\b")
_ANO_PASSADO = re.compile(r"\b(?:ano passado|ultimo ano)\b")


def nomeia_ano(texto: str) -> bool:
    """Whether a message says which year(s) it wants.

    >>> nomeia_ano("e de 2023 tbm"), nomeia_ano("e o do ano passado?"), nomeia_ano("dos ultimos 3 anos")
    (True, True, True)
    >>> nomeia_ano("e o da minha filha?"), nomeia_ano("nasci em 12/03/1975")
    (False, False)
    """
    folded = strip_accents(texto or "").lower()
    return bool(_ANO.search(folded) or _RETRASADO.search(folded) or _ANO_PASSADO.search(folded)
                or _ULTIMOS_ANOS.search(folded))


def anos_do_assunto(tracker: Tracker, texto: str, hoje_: date) -> List[int]:
    """The years asked: those of ``texto``, or, for a follow-up that names none, those asked before in the topic.

    "2024", then "e o da minha filha?" is Ana's statement of 2024, not last year's: the user is filling in one
    declaration. A message with an identifier (a birth date in 2001) names no year of statement.
    """
    if nomeia_ano(texto) or assunto_atual(tracker.events or []) != INTENT:
        return anos_da_mensagem(texto, hoje_)
    for anterior in anteriores_no_assunto(tracker.events or [], INTENT):
        if nomeia_ano(anterior) and not find_identifiers(anterior):
            return anos_da_mensagem(anterior, hoje_)
    return anos_da_mensagem(texto, hoje_)


def anos_da_mensagem(texto: str, hoje_: date) -> List[int]:
    """Every calendar year a user asked for, oldest first: those named, or "os últimos 3 anos"; else last year.

    >>> anos_da_mensagem("imposto de renda 2024 e 2025 da familia toda", date(2026, 12, 6))
    [2024, 2025]
    >>> anos_da_mensagem("preciso do informe do ir dos ultimos 3 anos", date(2026, 12, 6))
    [2023, 2024, 2025]
    >>> anos_da_mensagem("6", date(2026, 12, 6)), anos_da_mensagem("e o do ano retrasado?", date(2026, 12, 6))
    ([2025], [2024])
    """
    nomeados = sorted({int(ano) for ano in _ANO.findall(texto or "")})
    if nomeados:
        return nomeados[-MAX_ANOS:]
    if _RETRASADO.search(strip_accents(texto or "").lower()):
        return [hoje_.year - 2]
    ultimos = _ULTIMOS_ANOS.search(strip_accents(texto or "").lower())
    if ultimos:
        quantos = min(int(_NUMEROS.get(ultimos.group(1), ultimos.group(1))), MAX_ANOS)
        return list(range(hoje_.year - quantos, hoje_.year))
    return [ano_da_mensagem(texto, hoje_)]


def ano_calendario(anos: List[int], texto: str, hoje_: date) -> tuple[List[int], str | None]:
    """The calendar years of the statements asked for, and the note that says so when they differ from the words.

    People name a declaration by the year it is filed in: "o demonstrativo para a declaração do imposto de renda
    de 2026" is the statement of 2025 (u19: it got "ainda não há demonstrativo de 2026"). A year with no
    statement yet is read that way, unless the message says "ano-calendário" or "ano-base".

    >>> ano_calendario([2026], "DEMONSTRATIVO PARA DECLARACAO DO IMPOSTO DE RENDA DE 2026", date(2026, 12, 7))
    ([2025], 'A declaração do imposto de renda de 2026 usa o ano-calendário 2025.')
    >>> ano_calendario([2024, 2025], "ir 2024 e 2025", date(2026, 12, 7))
    ([2024, 2025], None)
    >>> ano_calendario([2026], "ano-calendário 2026", date(2026, 12, 7))
    ([2026], None)
    """
    if _ANO_BASE.search(strip_accents(texto or "").lower()) or all(ano < hoje_.year for ano in anos):
        return anos, None
    declarados = [ano for ano in anos if ano >= hoje_.year]
    notas = [f"A declaração do imposto de renda de {ano} usa o ano-calendário {ano - 1}." for ano in declarados]
    return sorted({ano - 1 if ano >= hoje_.year else ano for ano in anos}), " ".join(notas)


_ANO_BASE = re.compile(r"\bano.?(?:calendario|base)\b")


def descrever_demonstrativo(demonstrativo: TaxStatement) -> str:
    """A few lines with one person's figures for the year.

    Args:
        demonstrativo: The person's statement (its ``beneficiary`` loaded).

    Returns:
        Name, masked CPF, contributions, co-payments and total.
    """
    pessoa = demonstrativo.beneficiary
    cpf = mask_cpf(pessoa.cpf) if pessoa.cpf else "não cadastrado"
    total = demonstrativo.contributions_paid + demonstrativo.copay_paid
    return "\n".join(
        [
            f"*{pessoa.name}*",
            f"CPF: {cpf}",
            f"Mensalidades pagas: {format_money(demonstrativo.contributions_paid)}",
            f"Coparticipações pagas: {format_money(demonstrativo.copay_paid)}",
            f"Total: {format_money(total)}",
        ]
    )


def demonstrativo_pdf(ano: int, demonstrativos: List[TaxStatement], emitido: date) -> bytes:
    """The statement as a one-page PDF: payer data for the tax return, one row per person, the total.

    Args:
        ano: Calendar year.
        demonstrativos: One statement per person (``beneficiary`` loaded).
        emitido: Issue date printed on the document.

    Returns:
        The PDF file's bytes.
    """
    from fpdf import FPDF

    pdf = FPDF()
    # Uncompressed: small anyway, and the text stays checkable by tests and by eye.
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    titulo = f"Demonstrativo para o Imposto de Renda - ano-calendário {ano}"
    pdf.cell(0, 10, titulo, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for linha in (OPERADORA, f"Emitido em {format_date(emitido)} pelo atendimento automático."):
        pdf.multi_cell(0, 6, linha, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    larguras = (70, 32, 30, 30, 28)
    pdf.set_font("Helvetica", "B", 9)
    colunas = ("Beneficiário", "CPF", "Contribuições", "Coparticipações", "Total")
    for largura, coluna in zip(larguras, colunas, strict=True):
        pdf.cell(largura, 7, coluna, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    total = Decimal("0.00")
    for demonstrativo in demonstrativos:
        soma = demonstrativo.contributions_paid + demonstrativo.copay_paid
        total += soma
        cpf = mask_cpf(demonstrativo.beneficiary.cpf) if demonstrativo.beneficiary.cpf else "não cadastrado"
        valores = (
            demonstrativo.beneficiary.name,
            cpf,
            format_money(demonstrativo.contributions_paid),
            format_money(demonstrativo.copay_paid),
            format_money(soma),
        )
        for largura, valor in zip(larguras, valores, strict=True):
            pdf.cell(largura, 7, valor, border=1)
        pdf.ln()
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(sum(larguras[:4]), 7, "Total pago no ano", border=1)
    pdf.cell(larguras[4], 7, format_money(total), border=1)
    pdf.ln(12)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 5, DECLARACAO.replace("*", ""))
    return bytes(pdf.output())


class ActionConsultarImpostoRenda(AcaoIdentificada):
    """Shows the income-tax statement of a year per person and the family total."""

    intent = INTENT
    acao = "action_consultar_imposto_renda"
    assunto = "o demonstrativo de imposto de renda"

    def responder(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        *,
        session: Session,
    ) -> List[EventType]:
        """Send the statement of each year named in the request (last year by default)."""
        texto = strip_accents(tracker.latest_message.get("text") or "").lower()
        if tracker.get_latest_input_channel() in CANAIS_SEM_ARQUIVO and re.search(rf"{SMS}|{SENT_ELSEWHERE}", texto):
            # u27: "manda por SMS", "pode mandar por email entao" on the phone replayed the whole statement.
            dispatcher.utter_message(text=f"Por SMS ou e-mail eu não envio o demonstrativo. {ONDE_PEGAR_O_PDF}")
            dispatcher.utter_message(response="utter_algo_mais")
            return []
        hoje_ = hoje()
        pedido = mensagem_do_pedido(tracker, self.intent)["text"]
        anos, nota = ano_calendario(anos_do_assunto(tracker, pedido, hoje_), pedido, hoje_)
        if nota:
            dispatcher.utter_message(text=nota)
        eventos: List[EventType] = [SlotSet("paginas", None)]
        for ano in anos:
            # One year pages its list; several are sent whole, one message each, so no page is lost between them.
            eventos = self._um_ano(dispatcher, tracker, pessoas, ano, hoje_, paginar=len(anos) == 1, session=session)
        dispatcher.utter_message(response="utter_algo_mais")
        return eventos

    def _um_ano(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        pessoas: List[Pessoa],
        ano: int,
        hoje_: date,
        *,
        paginar: bool,
        session: Session,
    ) -> List[EventType]:
        """Send one year's statement (text and PDF), or say there is none."""
        demonstrativos = repository.get_tax_statements([p.id for p in pessoas], ano, session=session)
        if not demonstrativos:
            anos = repository.tax_statement_years([p.id for p in pessoas], session=session)
            dispatcher.utter_message(text=self._sem_demonstrativo(pessoas, ano, hoje_, anos))
            return [SlotSet("paginas", None)]
        itens = [descrever_demonstrativo(d) for d in demonstrativos]
        rodape = []
        if len(demonstrativos) > 1:
            familia = sum((d.contributions_paid + d.copay_paid for d in demonstrativos), Decimal("0.00"))
            rodape.append(f"Total da família em {ano}: *{format_money(familia)}*")
        com_demonstrativo = {d.beneficiary_id for d in demonstrativos}
        sem = [first_name(p.nome) for p in pessoas if p.id not in com_demonstrativo]
        if sem:
            rodape.append(f"Sem pagamentos registrados em {ano}: {', '.join(sem)}.")
        rodape.append(self._quem_deduz(pessoas, beneficiario_identificado(tracker), session=session) or DECLARACAO)
        titulo = f"Demonstrativo para o imposto de renda, ano-calendário {ano}:"
        if paginar:
            eventos = enviar_lista(dispatcher, titulo, itens, "\n".join(rodape))
        else:
            dispatcher.utter_message(text="\n\n".join([titulo, *itens, "\n".join(rodape)]))
            eventos = [SlotSet("paginas", None)]
        if tracker.get_latest_input_channel() in CANAIS_SEM_ARQUIVO:
            dispatcher.utter_message(text=f"O demonstrativo de {ano}: {ONDE_PEGAR_O_PDF}")
        else:
            pdf = demonstrativo_pdf(ano, demonstrativos, hoje_)
            dispatcher.utter_message(
                text=f"O demonstrativo de {ano} em PDF (disponível por {VALIDADE_DIAS} dias):",
                attachment=url_publica(guardar_pdf(pdf)),
            )
        return eventos

    @staticmethod
    def _quem_deduz(pessoas: List[Pessoa], leitor: int | None, *, session: Session) -> str | None:
        """For a direct dependant, who may deduct: the titular pays their boleto (Art. 30), so not they.

        The titular is not named: a dependant sees no one else's data, not even whose name is on the boleto. The
        titular reading a dependant's statement is told it is theirs to deduct.
        """
        if len(pessoas) != 1 or pessoas[0].titular:
            return None
        dependente = repository.get_beneficiary(pessoas[0].id, session=session)
        if dependente is None or dependente.kind == "dependente_especial":
            return None  # a special dependant pays their own boleto, and deducts it as anyone who pays
        if leitor is not None and leitor != pessoas[0].id:
            nome = first_name(pessoas[0].nome)
            return (
                f"Os valores de {nome} são pagos no seu boleto, de titular (Art. 30 do Regulamento): se {nome} "
                "consta como dependente na sua declaração, lance-os nela, na ficha Pagamentos Efetuados, código 26, "
                "informando o dependente."
            )
        return (
            "Esses valores são pagos no boleto de quem é titular do plano, o responsável financeiro (Art. 30 do "
            "Regulamento), e só quem pagou pode deduzi-los: se você é dependente na declaração do titular, eles "
            "entram na declaração dele (ficha Pagamentos Efetuados, código 26); se você declara separado, não os "
            "lance na sua."
        )

    @staticmethod
    def _sem_demonstrativo(pessoas: List[Pessoa], ano: int, hoje_: date, anos: List[int]) -> str:
        """Say there is no statement for ``ano`` and which years there are (``anos``, oldest first)."""
        ultimo = anos[-1] if anos else hoje_.year - 1
        if ano >= hoje_.year:
            texto = f"Ainda não há demonstrativo de imposto de renda de {ano}: ele é emitido depois que o ano termina."
        else:
            quem = "da sua família" if len(pessoas) > 1 else f"de {first_name(pessoas[0].nome)}"
            texto = f"Não há demonstrativo de imposto de renda {quem} para o ano de {ano}."
        if len(anos) > 1:
            lista = f"{', '.join(map(str, anos[:-1]))} e {anos[-1]}"
            texto += f' Há demonstrativos de {lista}: escreva, por exemplo, "imposto de renda {ultimo}".'
        elif anos:
            texto += f' Há o de {ultimo}: escreva "imposto de renda {ultimo}".'
        return texto
