"""The channels a beneficiary reaches the bot by: one name each, imported everywhere a channel is named.

The name is the Rasa input channel's own (``tracker.get_latest_input_channel()``), so a routing rule with
``channel: [ura]`` matches a real phone call, and a ticket e-mail prints the label, never the raw name.
"""

from __future__ import annotations

from enum import Enum

import phonenumbers

# The Central de Relacionamento, the 24-hour phone line of source 000: every message that sends someone to a
# person by phone quotes it from here.
CENTRAL_TELEFONE = "0800 030 9009"
CENTRAL_CELULAR = "(31) 3429-5200"
TELEFONE_24H = f"{CENTRAL_TELEFONE} (24 horas; de celular, {CENTRAL_CELULAR})"
# The emergency number, for Brazil and for the teleconsultation desk's clients in Portugal: every message that
# sends someone to it quotes it from here.
EMERGENCIA_TELEFONE = "192 (SAMU; em Portugal, 112)"
# For someone writing from Portugal: the emergency number first, and the health line for advice.
EMERGENCIA_PORTUGAL = "112"
SNS_24 = "SNS 24 (808 24 24 24)"
# Where documents go: the bot reads only text, on every channel (a photo gets this too).
ENVIO_DE_DOCUMENTOS = "Documentos, como recibos de reembolso, são enviados pelo aplicativo ou pelo Portal Cemig Saúde."


# An action's custom message asking the phone line to text the caller (bot/channels/sms.py): the text to send, and
# what the call says once it went.
SMS_KEY = "sms"
SMS_SAID_KEY = "dito"


class Canal(str, Enum):
    """Input channels; the value is the name Rasa records for a message."""

    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    URA = "ura"  # the phone line's IVR (Twilio Voice)
    REST = "rest"  # terminal chat and tests
    TERMINAL = "cmdline"  # Rasa's own `rasa shell`

    @property
    def rotulo(self) -> str:
        """How the channel is named to a person (ticket e-mails, the agents' console)."""
        return ROTULOS[self]


ROTULOS = {
    Canal.WHATSAPP: "WhatsApp",
    Canal.TELEGRAM: "Telegram",
    Canal.URA: "telefone (URA)",
    Canal.REST: "chat (REST)",
    Canal.TERMINAL: "terminal",
}

# Metadata "origem" of a bot message an agent wrote in the console (painel/): the channels' local modes and the
# transcript tell it from the bot's own answers by this mark.
ORIGEM_PAINEL = "painel"
# What the channel itself told a person waiting for an agent (bot/channels/waiting.py), kept in the conversation.
ORIGEM_SISTEMA = "sistema"

# The channels a routing rule or `atende route` may name (the terminal is Rasa's shell, not a channel of ours).
NOMES = tuple(canal.value for canal in Canal if canal is not Canal.TERMINAL)


def rotulo(nome: str | None) -> str:
    """The label of a channel name, or the name itself when it is not one of ours.

    >>> rotulo("ura"), rotulo("whatsapp"), rotulo("fax"), rotulo(None)
    ('telefone (URA)', 'WhatsApp', 'fax', 'não informado')
    """
    if not nome:
        return "não informado"
    try:
        return Canal(nome).rotulo
    except ValueError:
        return nome


def pais_do_remetente(numero: str | None) -> str | None:
    """The country of a phone number as a channel names it ("whatsapp:+55...", "+351..."), or None.

    >>> pais_do_remetente("whatsapp:+5531991180001"), pais_do_remetente("+351912345678")
    ('BR', 'PT')
    >>> pais_do_remetente("918000001") is None, pais_do_remetente("ura:CA1234") is None, pais_do_remetente(None)
    (True, True, None)
    """
    analisado = _telefone(numero)
    return phonenumbers.region_code_for_number(analisado) if analisado is not None else None


def _telefone(numero: str | None) -> "phonenumbers.PhoneNumber | None":
    """The international number a channel names ("whatsapp:+55...", "+351..."); None for a chat or a call's id."""
    texto = str(numero or "").rsplit(":", 1)[-1].strip()
    if not texto.startswith("+"):
        return None
    try:
        return phonenumbers.parse(texto, None)
    except phonenumbers.NumberParseException:
        return None


def telefone_legivel(numero: str | None) -> str:
    """A caller's number as an agent dials it back: national format for Brazil, international otherwise.

    The raw value is the channel's (E.164 from Twilio); an agent reading "+5531991180001" miscounts digits.

    >>> telefone_legivel("+5531991180001"), telefone_legivel("whatsapp:+351912345678")
    ('(31) 99118-0001', '+351 912 345 678')
    >>> telefone_legivel("anonymous"), telefone_legivel(""), telefone_legivel(None)
    ('anonymous', '', '')
    """
    texto = str(numero or "").rsplit(":", 1)[-1].strip()
    analisado = _telefone(texto)
    if analisado is None or not phonenumbers.is_possible_number(analisado):
        return texto
    formato = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(analisado) == "BR"
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(analisado, formato)
