"""Where the plan covers (Art. 7º): outside Minas Gerais, abroad, and each plan's area.

A question about the coverage area may draw any option's intent; nobody's data answers it, so it is answered before
any CPF is asked (``actions.cobertura.orientacao_sem_cadastro``).
"""

from __future__ import annotations

import re
from typing import Any, List

from actions.sinais import SINAIS_DE_EMERGENCIA
from bot.canais import TELEFONE_24H
from bot.nlu.parsing import strip_accents
from bot.nlu.symptoms import is_urgent, tells_a_symptom

# "o plano cobre no Rio?", "vou viajar pra Salvador, tenho cobertura lá?": the coverage area (Art. 7º), which
# differs for urgency. A place outside Minas Gerais, or travelling, with a question about the plan or care.
_FORA_DA_AREA = re.compile(
    r"\b(?:rio de janeiro|rio|rj|sao paulo|sp|espirito santo|vitoria|bahia|salvador|porto seguro|brasilia|df|"
    r"goias|goiania|parana|curitiba|santa catarina|florianopolis|floripa|rio grande do sul|porto alegre|"
    r"nordeste|recife|fortaleza|maceio|joao pessoa|aracaju|manaus|belem|cabo frio|guarapari|"
    r"outros? estados?|fora (?:de minas|de mg|do estado|de bh|de belo horizonte|do brasil|do pais)|"
    r"viag\w*|viaj\w*|ferias|exterior|outro pais|estados unidos|portugal|europa|argentina|"
    r"litoral|praia|nacional|abrangencia|area de cobertura)\b"
)
_SOBRE_O_PLANO = re.compile(
    r"\b(?:cobre|cobrem|cobrir|cobert[oa]s?|cobertura|atend\w*|vale|valido|funciona|us[oa]r?|serve|aceit\w*|plano|medic[oa]|"
    r"hospita\w*|pronto.?socorro|ps|passar mal|passei mal|doen\w*|urgen\w*|emergen\w*|consulta\w*|exame\w*)\b"
)
# A request of a topic that names a place ("reembolso da consulta em SP", "uma consulta em SP que não fiz", "médico
# online, estou viajando", "plano novo com cobertura nacional") is that topic's.
_PEDIDO_COM_LUGAR = re.compile(
    r"\b(?:reembols\w*|ressarc\w*|devolv\w*|boleto\w*|mensalidade|protocolo|guia|cancel\w*|exclu\w*|suspen\w*|"
    r"cartao nacional|cns|dinheiro|paguei|pagamos|cobranc\w*|cobrar\w*|coparticipa\w*|nao fiz|nem saiu|"
    r"online|por video|teleconsulta|plano novo|novo plano|planos novos|contratar|aderir)\b"
)
_EXTERIOR = re.compile(
    r"\b(?:exterior|fora do (?:brasil|pais)|outro pais|eua|usa|estados unidos|miami|orlando|nova york|portugal|"
    r"lisboa|coimbra|europa|espanha|madri|franca|paris|italia|inglaterra|londres|alemanha|argentina|buenos aires|"
    r"chile|uruguai|paraguai|canada|japao)\b"
)

ABRANGENCIA = "\n".join(
    [
        "*Cobertura fora de Minas Gerais*",
        "• Consultas, exames, terapias e internações são cobertos dentro da área de abrangência do plano: no "
        "Clássico, todo o estado de Minas Gerais (Art. 7º, §1º, do Regulamento); a área de cada plano aparece em "
        "*novos planos*. Fora dela, esse atendimento não é coberto, mesmo marcado com antecedência (Art. 7º, §2º).",
        "• Urgência e emergência são cobertas em todo o Brasil (Art. 7º, §3º, e Art. 88). Procure o pronto-socorro; "
        f"para saber de um hospital da rede no lugar onde você está, a Central informa: {TELEFONE_24H}.",
        "• Se precisar pagar o atendimento de urgência, peça o reembolso com a conta, os recibos e o relatório "
        "médico: o pagamento sai em até 30 dias depois dos documentos (Arts. 71 e 72). Escreva *como pedir "
        "reembolso* para ver a lista de documentos.",
        "• O Pronto Atendimento Online é pela internet, 24 horas: escreva *PA Online* para saber como entrar.",
    ]
)
SEGURO_VIAGEM = (
    "Atendimento fora do Brasil não é coberto nem reembolsado pelo plano: a cobertura, mesmo a de urgência e "
    "emergência, vale só no território nacional (Art. 7º, §§2º e 3º, do Regulamento). Para gastos médicos no "
    "exterior existe o seguro viagem, contratado à parte com uma seguradora; a Cemig Saúde não o vende."
)
_SEGURO_VIAGEM = re.compile(r"\bseguro (?:de )?viagem\b")
# u25: "moro em Portugal, como peço reembolso de uma consulta particular?" got the Brazilian network and the CPS.
_PAGO = re.compile(r"\b(?:reembols\w*|ressarc\w*|paguei|pagar|pago|devolv\w*)\b")
# A client of the teleconsultation desk, often in Portugal, asking back what a cancelled teleconsultation cost.
_DA_MESA = re.compile(r"\b(?:teleconsulta\w*|consulta online|video\w*|videochamada|plataforma|apolice|cancelad\w*)\b")


def pago_no_exterior(texto: str) -> bool:
    """Whether a message asks to be paid back for care abroad, or names travel insurance (Art. 7º, §§2º-3º).

    >>> pago_no_exterior("moro em Portugal e fui a uma consulta particular, como faço para ser reembolsado?")
    True
    >>> pago_no_exterior("e se eu pagar lá nos EUA e pedir reembolso?"), pago_no_exterior("preciso de seguro viagem?")
    (True, True)
    >>> pago_no_exterior("estou em Lisboa e paguei uma teleconsulta que foi cancelada, quero o reembolso")
    False
    >>> pago_no_exterior("fiz uma consulta em SP, como peço reembolso?")
    False
    """
    folded = strip_accents(texto).lower()
    if _SEGURO_VIAGEM.search(folded):
        return True
    return bool(_EXTERIOR.search(folded) and _PAGO.search(folded) and not _DA_MESA.search(folded))
NO_EXTERIOR = (
    "Fora do Brasil o plano não cobre atendimento: a cobertura de urgência e emergência fora de Minas Gerais "
    "vale só no território nacional (Art. 7º, §§2º e 3º, do Regulamento)."
)


# u27: after a quote, "e qual deles tem a maior area de cobertura?" was asked for a CPF, and "qual cobre mais
# cidades?" got the ANS list of procedures.
_COMPARA_AREA = re.compile(
    r"\b(?:maior|mais ampla|menor|melhor) (?:area|abrangencia|cobertura)|(?:area de cobertura|abrangencia) (?:de cada|"
    r"dos planos|deles)|cobre mais (?:cidades|lugares|municipios)|qual (?:deles |dos planos )?(?:cobre|vale) (?:em )?"
    r"(?:mais|todo o estado|minas)"
)


def compara_abrangencia(texto: str | None) -> bool:
    """Whether a message compares where the plans on sale cover.

    >>> compara_abrangencia("e qual deles tem a maior area de cobertura?")
    True
    >>> compara_abrangencia("qual cobre mais cidades?")
    True
    >>> compara_abrangencia("o plano cobre no Rio?")
    False
    """
    return bool(_COMPARA_AREA.search(strip_accents(texto or "").lower()))


def abrangencia_dos_planos(planos: List[Any]) -> str:
    """Each plan on sale with its coverage area, as its registration describes it (Art. 7º)."""
    linhas = ["Área de abrangência de cada plano (Art. 7º do Regulamento):"]
    for plano in planos:
        area = re.search(r"abrang[eê]ncia ([^;]+)", plano.coverage or "")
        linhas.append(f"• {plano.name}: {area.group(1).strip().rstrip('.') if area else 'ver o contrato'}")
    linhas.append("Fora da área do plano, só urgência e emergência são cobertas, em todo o Brasil (Art. 7º, §3º).")
    return "\n".join(linhas)


def pergunta_abrangencia(texto: str) -> bool:
    """Whether a message asks if the plan covers care outside its area (another state, a trip, abroad).

    >>> pergunta_abrangencia("o plano cobre no Rio?"), pergunta_abrangencia("vou viajar pra SP, tenho cobertura lá?")
    (True, True)
    >>> pergunta_abrangencia("to em salvador e passei mal"), pergunta_abrangencia("meu plano é nacional?")
    (True, True)
    >>> pergunta_abrangencia("fiz uma consulta em SP, como peço reembolso?"), pergunta_abrangencia("o rio transbordou")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    if _PEDIDO_COM_LUGAR.search(folded) or not _FORA_DA_AREA.search(folded):
        return False
    sem_lugar = _FORA_DA_AREA.sub(" ", folded)
    return bool(_SOBRE_O_PLANO.search(sem_lugar)) or bool(re.search(r"\b(?:nacional|abrangencia)\b", folded))


def abrangencia(texto: str) -> str:
    """The answer about the coverage area, with the emergency number first when the message tells a symptom.

    Implements Art. 7º §§1º-3º and Art. 88 (urgency anywhere in Brazil) and points to Arts. 71-72 (reimbursement).

    >>> abrangencia("vou pra Portugal, o plano cobre lá?").startswith(NO_EXTERIOR)
    True
    >>> abrangencia("tô em Salvador com falta de ar, o plano cobre?").startswith("⚠️")
    True
    """
    partes = [ABRANGENCIA]
    if _EXTERIOR.search(strip_accents(texto).lower()):
        partes.insert(0, NO_EXTERIOR)
    if is_urgent(texto) or tells_a_symptom(texto):
        partes.insert(0, SINAIS_DE_EMERGENCIA)
    return "\n\n".join(partes)
