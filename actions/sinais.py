"""The emergency warning: the signs that cannot wait for a video call or a CPF, and the number to call.

Said first to anyone telling a sign, before any question of a form, on every channel. The general list names the
adult's signs; a message about a child, a stroke or a fall also gets the signs of that case, since a relative who
reads only "falta de ar, dor no peito…" may think the warning is not for them (u17, u19).
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from bot.canais import EMERGENCIA_PORTUGAL, EMERGENCIA_TELEFONE, pais_do_remetente
from bot.nlu.parsing import strip_accents
from bot.nlu.symptoms import about_a_child, is_urgent, tells_a_fall, tells_stroke_signs

# Someone writing from Portugal reads 112 and the hospital's "urgência" first.
SINAIS_DE_EMERGENCIA = (
    "⚠️ Falta de ar, dor no peito, desmaio, convulsão, inchaço no rosto ou na garganta ou sangramento que não para "
    f"são emergência: ligue {EMERGENCIA_TELEFONE} ou vá agora ao pronto-socorro mais próximo."
)
SINAIS_DE_EMERGENCIA_PT = (
    "⚠️ Falta de ar, dor no peito, desmaio, convulsão, inchaço na cara ou na garganta ou sangramento que não pára "
    f"são emergência: ligue {EMERGENCIA_PORTUGAL} ou vá já à urgência do hospital mais próximo (no Brasil, 192)."
)
# The signs again, after "⚠️ Ligue 192 agora…" said what to do: u24 read two warnings in a row, both "ligue 192".
_OS_SINAIS = {
    SINAIS_DE_EMERGENCIA: "Também são emergência: falta de ar, dor no peito, desmaio, convulsão, inchaço no rosto ou "
    "na garganta e sangramento que não para.",
    SINAIS_DE_EMERGENCIA_PT: "Também são emergência: falta de ar, dor no peito, desmaio, convulsão, inchaço na cara "
    "ou na garganta e sangramento que não pára.",
}
# Words only someone in Portugal writes ("telemóvel", "estou a tentar", "NIF", "Lisboa"); not "Porto", which
# Porto Alegre and Porto Seguro share. A wrong guess still reads the other country's number.
_DE_PORTUGAL = re.compile(
    r"\b(?:portugal|lisboa|coimbra|braga|setubal|aveiro|acores|nif|telemovel|ecra|miudo|miuda|pieira|autocarro|"
    r"sns|centro de saude|baixa medica|custa-lhe|custa-me|sinto-me|(?:estou|esta|estamos|estao) a \w+(?:ar|er|ir))\b"
)
# The case's own signs, said before the general list: a stroke's minutes count.
SINAIS_DE_AVC = (
    "⚠️ Boca torta, fala enrolada, fraqueza ou dormência de um lado do corpo, ou confusão que começa de repente, são "
    "sinais de AVC (derrame): ligue {numero} agora, sem esperar passar, e anote a hora em que começaram."
)
DEPOIS_DA_QUEDA = (
    "⚠️ Depois de uma queda, sonolência, vômito ou confusão de quem bateu a cabeça, ou dor forte que não deixa "
    "levantar ou andar, são emergência: ligue {numero} e não levante a pessoa à força."
)
LIGUE_AGORA = "⚠️ Ligue {numero} agora ou vá ao pronto-socorro mais próximo: o que você conta é sinal de emergência."
LIGUE_AGORA_PT = (
    f"⚠️ Ligue {EMERGENCIA_PORTUGAL} agora ou vá já à urgência do hospital mais próximo: é sinal de emergência."
)
SINAIS_EM_CRIANCA = (
    "Em criança, também são emergência: febre com manchas roxas ou vermelhas na pele, moleza ou sonolência fora do "
    "normal, gemido ao respirar, lábios roxos ou convulsão."
)


def escreve_de_portugal(texto: str) -> bool:
    """Whether the message reads as written from Portugal.

    >>> escreve_de_portugal("O meu pai está a ficar roxo, estamos em Lisboa"), escreve_de_portugal("to passando mal")
    (True, False)
    >>> escreve_de_portugal("estou em Porto Alegre com dor no peito")
    False
    """
    return bool(_DE_PORTUGAL.search(strip_accents(texto).lower()))


def de_portugal(tracker: Tracker) -> bool:
    """Whether the person writes from Portugal: a Portuguese phone, or words only someone there writes.

    u20: "+351… a minha avó caiu" read "ligue 192" first, and the written words alone missed "estou no Porto".
    """
    return pais_do_telefone(tracker) == "PT" or escreve_de_portugal(str(tracker.latest_message.get("text") or ""))


def pais_do_telefone(tracker: Tracker) -> str | None:
    """The country of the phone the conversation comes from: a call's number, or the WhatsApp sender's."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return pais_do_remetente(metadata.get("telefone")) or pais_do_remetente(tracker.sender_id)


def com_sinais_do_caso(aviso: str, texto: str, portugal: bool | None = None) -> str:
    """The warning ``aviso`` with the signs of the case the message tells: a stroke, a fall, a child.

    >>> com_sinais_do_caso("AVISO", "meu marido ta com a boca torta").splitlines()[1]
    'AVISO'
    >>> print(com_sinais_do_caso("AVISO", "meu pai caiu e bateu a cabeça, agora está sonolento"))  # doctest: +ELLIPSIS
    ⚠️ Depois de uma queda, ... ligue 192 (SAMU; em Portugal, 112) e não levante a pessoa à força.
    AVISO
    >>> com_sinais_do_caso("AVISO", "meu filho de 2 anos ta com febre de 40").endswith(SINAIS_EM_CRIANCA)
    True
    >>> com_sinais_do_caso("AVISO", "meu marido ta com dor forte no peito").splitlines()[0].split(" ou ")[0]
    '⚠️ Ligue 192 (SAMU; em Portugal, 112) agora'
    >>> com_sinais_do_caso("AVISO", "onde levo minha mãe com febre?")
    'AVISO'
    >>> linhas = com_sinais_do_caso(SINAIS_DE_EMERGENCIA + " E mais.", "minha esposa desmaiou agora").splitlines()
    >>> [linha.count("192") for linha in linhas], linhas[1].startswith("Também são emergência: falta de ar")
    ([1, 0], True)
    """
    portugal = escreve_de_portugal(texto) if portugal is None else portugal
    numero = EMERGENCIA_PORTUGAL if portugal else EMERGENCIA_TELEFONE
    antes = [
        modelo.format(numero=numero)
        for modelo, diz in ((DEPOIS_DA_QUEDA, tells_a_fall), (SINAIS_DE_AVC, tells_stroke_signs))
        if diz(texto)
    ]
    if is_urgent(texto) and not antes:
        # u20: the number came after a list of signs, seconds of speech on the phone: what to do comes first.
        antes = [LIGUE_AGORA_PT if numero == EMERGENCIA_PORTUGAL else LIGUE_AGORA.format(numero=numero)]
    depois = [SINAIS_EM_CRIANCA] if about_a_child(texto) else []
    if antes:
        for sinais, tambem in _OS_SINAIS.items():
            aviso = aviso.replace(sinais, tambem)
    return "\n".join([*antes, aviso, *depois])


def sinais_de_emergencia(texto: str, portugal: bool | None = None) -> str:
    """The emergency warning for ``texto``: Portugal's number first from there, and the case's own signs.

    ``portugal`` says where the person is when the conversation knows (:func:`de_portugal`); else the words do.
    """
    portugal = escreve_de_portugal(texto) if portugal is None else portugal
    return com_sinais_do_caso(SINAIS_DE_EMERGENCIA_PT if portugal else SINAIS_DE_EMERGENCIA, texto, portugal)
