"""Someone telling how they feel ("to passando mal", "meu bebê está com diarreia") needs a doctor: PA Online.

The training phrases of ``pronto_atendimento_online`` all ask for the service ("tem médico online agora? estou
com febre"); a bare report of a symptom shares no word with them, so the classifier gave "estou com dor de cabeça
forte desde ontem" to ``fora_de_escopo``, "to passando mal" to ``afirmar``, and asked whether "meu filho tá com
febre e vomitando, o que eu faço?" was about PA Online or about disputing a bill. Symptoms are a closed vocabulary,
so they are recognised by pattern (issue 12: "needing a doctor now is PA Online, not out of scope").

The pattern only settles a message the classifier could not place: one whose likeliest intent is PA Online already,
or an intent that is no topic at all (out of scope, yes, no, a greeting). A symptom inside a topic's own request
("reembolso da consulta da minha filha que passou mal", "o médico da teleconsulta não viu a minha febre") is left
to the topic.
"""

from __future__ import annotations

import re

from bot.nlu.manifestations import OUVIDORIA
from bot.nlu.short_replies import normalize

PRONTO_ATENDIMENTO = "pronto_atendimento_online"

# What the classifier says of a message it could not place among the topics.
_NO_TOPIC = frozenset(
    {"fora_de_escopo", "afirmar", "negar", "saudacao", "despedida", "agradecimento", "sair", "menu", "mais"}
)

# Signs that cannot wait for a video call (the answer then starts with the emergency number).
_URGENT = (
    r"falta de ar|dificuldade (?:de|para|pra) respirar|nao (?:consigo|consegue) respirar|dor no peito|"
    r"desmai\w*|convuls\w*|sangramento|sangrando|sangrou|infarto|avc|derrame|inconsciente|nao acorda|"
    r"engasgad\w*|envenen\w*|overdose|"
    # pt-PT and a reaction to a medicine: "custa-lhe respirar", "a cara inchada", "a garganta a fechar"
    r"custa (?:lhe |me )?(?:a )?respirar|respir\w* com dificuldade|aperto no peito|"
    r"(?:cara|rosto|labios?|boca|lingua|garganta|olhos?) (?:toda |todo |muito )?inchad\w*|"
    r"inchaco (?:n[oa]s? )?(?:cara|rosto|labios?|boca|lingua|garganta)|garganta (?:fechando|a fechar)|"
    r"reacao alergica|choque anafilatico|anafila\w*|nao (?:consigo|consegue) engolir|"
    # An asthma attack, a blue lip, a baby's red flags: "não consegue completar uma frase", "pieira", "muito mole"
    r"chiado no peito|pieira|sibil\w*|crise de asma (?:forte|grave)|bombinha nao (?:resolve|funciona|ta resolvendo)\w*|"
    r"nao (?:consigo|consegue) (?:falar|completar (?:uma )?frase)|labios? (?:\w+ )?(?:roxos?|azuis?|arroxeados?)|"
    r"(?:ficando|ficou|esta|ta|a ficar) (?:roxo|roxa|azul)|manchas? (?:\w+ ){0,4}que nao (?:desaparece\w*|some\w*|"
    r"sai\w*|passa\w*)|muito mol[ea]|molinh[oa]|inconscien\w*|enfarte"
)
_SYMPTOM = re.compile(
    r"\b(?:"
    + _URGENT
    + r"|febre|febril|vomit\w*|enjoo|enjoad\w*|nausea\w*|diarreia|tosse|tossindo|dor|dores|doendo|passando mal|"
    r"passou mal|passei mal|mal estar|tontura|tont[oa]|gripe|gripad[oa]|resfriad[oa]|virose|dengue|covid|"
    r"garganta inflamada|colica|crise de asma|asma|alergia|manchas? no corpo|pressao alta|pressao baixa|"
    r"queimadura|machucad[oa]|machuquei|torci|torceu|picad[oa]|mordid[oa]"
    r")\b"
)
_URGENT_RE = re.compile(rf"\b(?:{_URGENT})\b")


def tells_a_symptom(text: str) -> bool:
    """Whether ``text`` tells of a symptom.

    >>> tells_a_symptom("to passando mal"), tells_a_symptom("meu bebê está com DIARREIA 😢")
    (True, True)
    >>> tells_a_symptom("quero o resultado do exame de sangue"), tells_a_symptom("o boleto caiu no spam")
    (False, False)
    """
    return _SYMPTOM.search(normalize(text or "")) is not None


def is_urgent(text: str) -> bool:
    """Whether ``text`` tells of a sign that needs the emergency number rather than a video call.

    >>> is_urgent("minha mãe está com falta de ar"), is_urgent("meu filho está com febre")
    (True, False)
    >>> is_urgent("O meu filho de 2 anos está com febre de 40 e custa-lhe respirar, o que faço?")
    True
    >>> is_urgent("fiquei com manchas vermelhas no corpo todo e a cara inchada depois do antibiótico")
    True
    >>> is_urgent("minha filha asmática tá com chiado no peito e não consegue completar uma frase")
    True
    >>> is_urgent("A minha filha de 8 meses tem febre, está muito mole e tem manchas na pele que não desaparecem")
    True
    """
    return _URGENT_RE.search(normalize(text or "")) is not None


# What a topic's own request names: a symptom beside one of these is part of that request ("o reembolso da consulta
# de quando ela teve febre"), not someone asking what to do.
_TOPIC_REQUEST = re.compile(
    r"\b(?:reembols\w*|autoriza\w*|boletos?|fatura|mensalidade|cartao|carteirinha|imposto|informe|guia|protocolo|"
    r"extrato|coparticipa\w*|cobr\w*|pag\w*|dinheiro de volta|ressarc\w*|receita|atestado|laudo|teleconsulta|"
    r"videochamada|video|chamada|plataforma|aplicativo|app|reclama\w*|ouvidoria|plano novo|novos planos|carencia)\b"
)
# "o que eu faço?", "socorro", "agora": someone asking what to do about it now.
_WHAT_TO_DO = re.compile(
    r"\b(?:o que (?:eu )?(?:faco|fazer|faz|devo fazer)|(?<!pronto )socorro|ajuda|agora|madrugada|urgente|emergencia|"
    r"onde (?:levo|vou|ir|levar))\b"
)


# A complaint about care already given ("fui ao pronto-socorro com falta de ar anteontem e me mandaram embora sem
# exame, um absurdo"): the symptom is past, the message is the complaint, unless it says the symptom goes on.
_PAST = re.compile(
    r"\b(?:ontem|anteontem|semana passada|mes passado|outro dia|(?:ha|faz) (?:\d+|uns|umas|dois|duas|tres) "
    r"(?:dias|semanas|meses)|no (?:sabado|domingo)|na (?:segunda|terca|quarta|quinta|sexta)(?:-feira)?)\b"
)
_COMPLAINT = re.compile(
    r"\b(?:absurdo|descaso|reclam\w*|mal atendid\w*|(?:me |nos |o |a )?trat(?:ou|aram) (?:muito )?mal|"
    r"mandaram (?:\w+ )?embora|negligen\w*|desrespeit\w*|pessim\w*|horrivel|vergonha|falta de respeito|"
    r"(?:fiquei|ficou|ficamos) \d+ horas|esperei \d+|nao (?:me |nos |o |a )?atend\w*)\b"
)
_STILL = re.compile(
    r"\b(?:agora|ainda|continua\w*|de novo|voltou|piorou|esta com|ta com|to com|estou com|estamos com|"
    r"o que (?:eu )?(?:faco|fazer|devo fazer))\b"
)


def complains_of_past_care(text: str) -> bool:
    """Whether a message that tells a symptom complains about care already given, the symptom over.

    >>> complains_of_past_care("fui ao pronto-socorro com falta de ar anteontem e me mandaram embora sem exame")
    True
    >>> complains_of_past_care("ontem tive dor no peito e hoje ainda estou com falta de ar, um absurdo")
    False
    >>> complains_of_past_care("meu pai está com dor no peito")
    False
    """
    folded = normalize(text or "")
    return bool(_PAST.search(folded) and _COMPLAINT.search(folded) and not _STILL.search(folded))


# A message this short that tells a symptom and names no topic is the symptom and nothing else.
_SO_O_SINTOMA = 5


def symptom_intent(text: str, likeliest: str | None) -> str | None:
    """PA Online for someone telling a symptom; None to keep the classifier's guess.

    The classifier's guess stands when it is a topic and the message asks for something of that topic. Otherwise a
    symptom is PA Online when the classifier could not place the message, and also over a topic it guessed when
    the message tells an emergency sign or asks what to do: "meu marido tá com dor no peito, o que eu faço?" asked
    for the CPF of an identified option before anything else.

    Args:
        text: The message.
        likeliest: The classifier's likeliest intent.

    >>> symptom_intent("estou com dor de cabeça forte desde ontem", "fora_de_escopo")
    'pronto_atendimento_online'
    >>> symptom_intent("meu marido ta com dor no peito forte, o que eu faço?", "autorizacao")
    'pronto_atendimento_online'
    >>> symptom_intent("minha filha passou mal e paguei a consulta, quero o reembolso", "reembolso") is None
    True
    >>> symptom_intent("minha filha teve febre semana passada", "utilizacao") is None
    True
    >>> symptom_intent("to passando mal", "falar_atendente")
    'pronto_atendimento_online'
    >>> symptom_intent("fui ao PS com falta de ar anteontem e me mandaram embora sem exame. um absurdo", "afirmar")
    'ouvidoria'

    """
    if not tells_a_symptom(text):
        return None
    if complains_of_past_care(text):
        return OUVIDORIA
    if likeliest == PRONTO_ATENDIMENTO or likeliest in _NO_TOPIC:
        return PRONTO_ATENDIMENTO
    folded = normalize(text or "")
    if _TOPIC_REQUEST.search(folded):
        return None
    if len(folded.split()) <= _SO_O_SINTOMA:
        return PRONTO_ATENDIMENTO  # "to passando mal" is all the message says, whatever the classifier leaned to
    return PRONTO_ATENDIMENTO if is_urgent(text) or _WHAT_TO_DO.search(folded) else None
