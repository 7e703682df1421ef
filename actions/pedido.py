"""The message that asked for an option, read again after a question (identification, "de quem?").

After a titular answers "de quem?" or identifies, the latest message is "2" or a birth date; what the user asked
(a month, a year, a protocol, a payment day) is in an earlier message. Kept apart from :mod:`actions.base` so that
every option reads its request the same way. A request that asks for two options at once gets the first answered
and the other offered by its digit (:func:`outro_pedido`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, Iterable, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import enumerar
from bot.menu import POR_INTENT, Opcao
from bot.nlu.corrections import is_correction
from bot.nlu.parsing import MONTH_NAMES, find_identifiers, menu_digit_intent, strip_accents

# The forms that ask "de quem?" and the identification (domain.yml); what is typed while they ask may add a
# detail to the request: a period to "de quem?", a protocol number to the identification.
FORM_ESCOLHA = "escolha_pessoa_form"
FORM_IDENTIFICACAO = "identificacao_form"
# "o do ano passado", "o de 2023", "só o de março": a period typed in answer to "de quem?" refines the request.
DETALHE_DO_PEDIDO = re.compile(
    r"\b(?:(?:19|20)\d{2}|ano passado|ano retrasado|(?:este|esse|deste|desse) (?:ano|mes)|mes passado|"
    rf"semana passada|{MONTH_NAMES})\b"
)


def detalhe_do_pedido(texto: str) -> bool:
    """Whether an answer to "de quem?" names a period, which refines the request rather than answering.

    >>> detalhe_do_pedido("o do ano passado"), detalhe_do_pedido("só de março"), detalhe_do_pedido("a 2")
    (True, True, False)
    >>> detalhe_do_pedido("12/03/1975")  # a birth date is an identification, not a period
    False
    """
    return bool(DETALHE_DO_PEDIDO.search(strip_accents(texto).lower())) and not find_identifiers(texto)


def tem_protocolo(texto: str) -> bool:
    """Whether a message carries a protocol number (20 digits, bot.nlu.parsing).

    >>> tem_protocolo("4175 0202 6120 6000 0001"), tem_protocolo("529.982.247-25")
    (True, False)
    """
    return any(item.entity == "protocolo" for item in find_identifiers(texto))


def datas_do_pedido(entidades: Iterable[Dict[str, Any]]) -> List[date]:
    """The days the request named: its ``data`` entities with an ISO value, in order ("amanhã", "dia 20").

    >>> datas_do_pedido([{"entity": "data", "value": "2026-12-20"}, {"entity": "cpf", "value": "1"}])
    [datetime.date(2026, 12, 20)]
    """
    dias = []
    for entidade in entidades:
        if entidade.get("entity") != "data":
            continue
        try:
            dias.append(date.fromisoformat(str(entidade.get("value"))))
        except ValueError:
            continue
    return dias


def mensagem_do_pedido(tracker: Tracker, intent: str) -> Dict[str, Any]:
    """Return the user message that asked for an option, with the details added while choosing the person.

    After a titular answers "de quem?" (or after identification), the latest
    message is "2" or a birth date; what the user asked (a month, a year, a
    protocol) is in the last message classified with the option's intent. A menu digit counts as that
    message unless it was typed while a form was asking (then it answered the form). A period typed in answer
    to "de quem?" after it ("o de 2023"), or a protocol number typed during the identification, is added to its
    text, so the answer covers it.

    Returns:
        ``{"text": ..., "entities": [...]}`` of that message, or of the latest one.
    """
    ultima = tracker.latest_message or {}
    texto = ultima.get("text") or ""
    if (ultima.get("intent") or {}).get("name") == intent and not menu_digit_intent(texto):
        return {"text": texto, "entities": ultima.get("entities") or []}
    mensagens: List[tuple[Dict[str, Any], str | None]] = []
    formulario = None
    for evento in tracker.events or []:
        if evento.get("event") == "active_loop":
            formulario = evento.get("name")
        elif evento.get("event") == "user":
            mensagens.append(({"text": evento.get("text") or "", **(evento.get("parse_data") or {})}, formulario))
    for posicao in range(len(mensagens) - 1, -1, -1):
        mensagem, perguntando = mensagens[posicao]
        if (mensagem.get("intent") or {}).get("name") != intent:
            continue
        # A bare digit typed while a form asked answered it ("de quem?" → "2"), whatever NLU read.
        if perguntando and menu_digit_intent(mensagem["text"]):
            continue
        detalhes = []
        for depois, formulario in mensagens[posicao + 1:]:
            if formulario == FORM_ESCOLHA and detalhe_do_pedido(depois["text"]):
                # u24: "o de 2024", then "não, o de 2025": both years were shown; a correction replaces.
                detalhes = [*([] if is_correction(depois["text"]) else detalhes), depois["text"]]
            elif formulario == FORM_IDENTIFICACAO and tem_protocolo(depois["text"]):
                detalhes.append(depois["text"])
        return {"text": " ".join([mensagem["text"], *detalhes]), "entities": mensagem.get("entities") or []}
    return {"text": texto, "entities": ultima.get("entities") or []}


# Words that name one option of the menu beyond doubt, for a message that asks for two things at once
# ("quero a 2ª via do boleto e ver meu reembolso"): the option answered first, then an offer of the other.
_NOMEIA: Dict[str, re.Pattern[str]] = {
    "reembolso": re.compile(r"\breembols\w*"),
    "utilizacao": re.compile(r"\b(?:extrato de (?:uso|utilizacao)|utilizacao|coparticipac\w*)"),
    "numero_cartao": re.compile(r"\b(?:carteirinha|numero do (?:meu )?cartao|cartao do plano)"),
    "financeiro": re.compile(r"\b(?:boletos?|2 ?a? via|segunda via|mensalidade|fatura)\b"),
    "autorizacao": re.compile(r"\bautoriza\w*"),
    "imposto_renda": re.compile(r"\b(?:imposto de renda|informe(?: de rendimentos?| (?:de |do )?ir)?|irpf)\b"),
    "falar_atendente": re.compile(r"\b(?:atendente|falar com (?:alguem|uma pessoa|um humano)|humano)\b"),
}
# "quero ver o status do meu pedido": a request that names no option, only "o pedido".
_PEDIDO_GENERICO = re.compile(r"\b(?:(?:o|do|meu|minha|esse|desse|da) (?:pedido|solicitacao)|status|andamento)\b")


def pedido_sem_opcao(texto: str) -> bool:
    """Whether a message asks about "o pedido" without naming which option it is (a reimbursement, a guide).

    >>> pedido_sem_opcao("quero ver o status do meu pedido"), pedido_sem_opcao("status da minha autorização")
    (True, False)
    >>> pedido_sem_opcao("meu boleto")
    False
    """
    folded = strip_accents(texto).lower()
    return bool(_PEDIDO_GENERICO.search(folded)) and not any(p.search(folded) for p in _NOMEIA.values())


# Where one request ends and the next begins.
_ORACOES = re.compile(r"[.,;?!\n]+|\s(?:e|tambem|tbm|tb|e tambem|e tbm|alem disso|outra coisa|depois)\s")


def outros_pedidos(texto: str, atendido: str) -> List[Opcao]:
    """The other options a message asked for, besides the one answered, each named in a phrase of its own.

    The answered option must be named too, in a phrase of its own, so that "o reembolso da coparticipação" (one
    request that mentions two words) offers nothing.

    >>> [o.digito for o in outros_pedidos("quero a segunda via do boleto e ver meu reembolso", "financeiro")]
    ['1']
    >>> [o.rotulo for o in outros_pedidos("oi. preciso do informe de rendimentos, e a carteirinha da minha filha",
    ...                                   "imposto_renda")]
    ['Número de cartão']
    >>> [o.digito for o in outros_pedidos("e o boleto? e o informe?", "financeiro")]
    ['6']
    >>> [o.digito for o in outros_pedidos("meu reembolso ta atrasado. o boleto veio mais alto. e o informe do ir?",
    ...                                   "reembolso")]
    ['4', '6']
    >>> outros_pedidos("o reembolso da coparticipação", "reembolso"), outros_pedidos("boleto", "financeiro")
    ([], [])
    """
    proprio = _NOMEIA.get(atendido)
    if proprio is None:
        return []
    oracoes = [o for o in _ORACOES.split(strip_accents(texto).lower()) if o.strip()]
    if not any(proprio.search(oracao) for oracao in oracoes):
        return []
    outros: List[Opcao] = []
    for oracao in oracoes:
        if proprio.search(oracao):
            continue
        for intent, nomeia in _NOMEIA.items():
            if intent != atendido and nomeia.search(oracao) and POR_INTENT[intent] not in outros:
                outros.append(POR_INTENT[intent])
    return outros


def primeiro_pedido(texto: str) -> str | None:
    """The option a message names first, for a message that is mostly something else (an identification).

    >>> primeiro_pedido("sou a maria cpf 52998224725 nasc 12/03/1975. queria saber qnd vence o proximo boleto e tb "
    ...                 "se ja saiu o reembolso")
    'financeiro'
    >>> primeiro_pedido("meu cpf é 529.982.247-25"), primeiro_pedido("nasci em 12/03/1975, falar com atendente")
    (None, None)
    """
    folded = strip_accents(texto).lower()
    achados = [(m.start(), intent) for intent, nomeia in _NOMEIA.items()
               if intent != "falar_atendente" and (m := nomeia.search(folded))]
    return min(achados)[1] if achados else None


# "espera, antes me passa o número do meu cartão": a request that sets aside what the form is asking.
_ANTES = re.compile(r"^\W*(?:espera|peraí|perai|pera|antes|primeiro|calma|um momento)\b")


def outra_opcao_no_lugar(texto: str) -> Opcao | None:
    """The option of the plan a message asks for instead of answering a form's question, if it does.

    >>> outra_opcao_no_lugar("espera, antes me passa o número do meu cartão").rotulo
    'Número de cartão'
    >>> outra_opcao_no_lugar("o médico disse que preciso da cirurgia, o plano cobre o cartão de dor") is None
    True
    """
    folded = strip_accents(texto).lower()
    intent = primeiro_pedido(texto)
    if intent is None or intent == "falar_atendente" or not _ANTES.search(folded):
        return None
    return POR_INTENT[intent]


def oferecer_outros_pedidos(dispatcher: CollectingDispatcher, opcoes: List[Opcao]) -> None:
    """Offer the other options the message asked for, just before "Posso ajudar em algo mais?".

    Args:
        dispatcher: Holding the answer just given.
        opcoes: The options the message also asked for (:func:`outros_pedidos`).
    """
    partes = [
        f"falar com um atendente (digite {o.digito})" if o.intent == "falar_atendente"
        else f"*{o.rotulo}* (digite {o.digito})"
        for o in opcoes
    ]
    lista = enumerar(partes)
    dispatcher.utter_message(text=f"Você também perguntou sobre {lista}.")
    oferta = dispatcher.messages.pop()
    mensagens = dispatcher.messages
    fim = next((i for i in range(len(mensagens) - 1, -1, -1) if mensagens[i].get("response") == "utter_algo_mais"),
               len(mensagens))
    mensagens.insert(fim, oferta)


# Someone leaving the request ("cancelar", "desisto", "esqueça", "não pedi isso"): a form ends
# without a ticket (the teleconsultation desk, the Ombudsman).
_DESISTE = re.compile(
    r"\b(?:cancel\w*|desist\w*|esquec\w*|esquece|deixa (?:pra la|quieto|para la)|nao (?:pedi|quero|preciso)|"
    r"nao tenho(?: (?:nif|cpf|nenhum))?\W*$)"
)


# Filled in a form's slots when the person gives up: the form ends and its last action sends nothing.
DESISTIU = "desistiu"

# Nothing but a greeting (Telegram's /start arrives as "oi"): someone starting over, not answering the question.
_SO_CUMPRIMENTO = re.compile(
    r"^(?:\W*(?:o+i+|ola+|oie|bo[ma] (?:dia|tarde|noite)|e a[ií]|eai|opa|hello|hi|start|comecar|recomecar|"
    r"tudo (?:bem|bom|certo))\W*)+$"
)


def so_cumprimento(texto: str) -> bool:
    """Whether a message is only a greeting, which at a form's question starts the conversation over.

    "Olá, Sofia Martins" answers the name question and is no greeting for this purpose.

    >>> so_cumprimento("oi"), so_cumprimento("Olá! Bom dia 👋"), so_cumprimento("oi, tudo bem?")
    (True, True, True)
    >>> so_cumprimento("Olá, Sofia Martins"), so_cumprimento("bom dia, não tenho"), so_cumprimento("")
    (False, False, False)
    """
    return bool(_SO_CUMPRIMENTO.match(strip_accents(texto or "").lower().strip()))


def desiste(texto: str) -> bool:
    """Whether an answer to the name or NIF question gives up the request.

    >>> desiste("cancelar"), desiste("que teleconsulta? nao pedi isso"), desiste("esqueça, obrigado")
    (True, True, True)
    >>> desiste("não tenho"), desiste("Sofia Martins"), desiste("não sei o meu NIF de cor")
    (True, False, False)
    """
    return bool(_DESISTE.search(strip_accents(texto or "").lower()))


# "não entendi", "não sei o que fazer": someone who needs the step explained, not a "no".
_NAO_ENTENDEU = re.compile(
    # u22: "ah não sei bem", "hã... non sei" on the phone: a hesitation before it, or "non" as it is heard.
    r"^\W*(?:(?:mas|ah|ahn|ha|hum|hmm|eh|bom|olha|entao|pois)\W+)*(?:nao|n|num|non)\s+"
    r"(?:entendi|entendo|compreendi|sei|consegui|consigo|to entendendo|estou entendendo|achei|ficou claro)\b"
)


# "já tentei e não foi", "não funcionou", "olhei lá e não tem nada": what was suggested did not solve it.
_NAO_RESOLVEU = re.compile(
    r"\b(?:ja (?:tentei|fiz|olhei|vi|procurei|testei)\b.*\bna[oa]\b|nao (?:foi|funcion\w*|deu(?: certo)?|resolveu|"
    r"adiantou|apareceu|aparece|chegou)\b|continua (?:sem|nao|igual|do mesmo jeito)|"
    r"(?:ainda|mesmo assim) (?:nao|sem)\b)"
)


def nao_resolveu(texto: str) -> bool:
    """Whether a "no" says that what the bot suggested did not solve the problem: help, not a goodbye.

    >>> nao_resolveu("ja tentei e nao foi"), nao_resolveu("já olhei lá e não tem nada"), nao_resolveu("não")
    (True, True, False)
    >>> nao_resolveu("nao funcionou"), nao_resolveu("não, obrigada"), nao_resolveu("nao, so isso")
    (True, False, False)
    """
    return bool(_NAO_RESOLVEU.search(strip_accents(texto or "").lower()))


def nao_entendeu(texto: str) -> bool:
    """Whether a "no" is someone saying they did not understand or do not know what to do.

    >>> nao_entendeu("nao entendi"), nao_entendeu("Não sei o que fazer"), nao_entendeu("não, só isso")
    (True, True, False)
    >>> nao_entendeu("não"), nao_entendeu("n consegui achar")
    (False, True)
    >>> nao_entendeu("ah não sei bem"), nao_entendeu("hã... non sei"), nao_entendeu("não, sei sim")
    (True, True, False)
    """
    return bool(_NAO_ENTENDEU.search(strip_accents(texto).lower()))
