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

# The signs of a stroke (AVC) as people tell them, which name no symptom word: the answer names them too.
_STROKE = (
    r"boca (?:\w+ )?tort[ao]|(?:rosto|cara) (?:\w+ )?tort[oa]|"
    r"(?:fala|falando|lingua|voz) (?:\w+ )?(?:enrolad\w*|embolad\w*|arrastad\w*|estranh\w*|pastos\w*)|"
    r"nao (?:consigo|consegue) (?:mexer|levantar|sentir|mover) (?:o |a |um |uma )?(?:braco|perna|lado|mao)|"
    r"(?:braco|perna|mao|lado do corpo|metade do corpo|lado do rosto) (?:\w+ )?(?:paralisad\w*|dormente|"
    r"adormecid\w*|sem forca|sem movimento)|perdeu (?:a )?(?:forca|fala|visao)|"
    r"(?:confus[oa]|desorientad[oa]) de repente|(?:muito|bem|toda|todo|meio) (?:confus[oa]|desorientad[oa])|"
    r"(?:nao (?:fala|diz)|falando) coisa com coisa|fala sem sentido"
)
_STROKE_RE = re.compile(rf"\b(?:{_STROKE})\b")

# Signs that cannot wait for a video call (the answer then starts with the emergency number).
_URGENT = (
    r"falta de ar|dificuldade (?:de|para|pra) respirar|nao (?:consigo|consegue) respirar|"
    # u20: "dor forte no peito", "infartando", "desacordada" got the video clinic or "não entendi".
    r"dor(?:es)? (?:\w+ ){0,2}no peito|dor (?:\w+ )?(?:forte )?(?:no|do) coracao|"
    r"desmai\w*|desacordad\w*|convuls\w*|sangramento|sangrando|sangrou|infart\w*|enfart\w*|avc|derrame|"
    r"inconsciente|nao acorda|"
    r"(?:mae|pai|filh[oa]|marido|esposa|esposo|mulher|avo|vo|bebe|crianca|sogr[oa]|irm[aã]o?|ele|ela) "
    r"(?:\w+ ){0,4}nao (?:ta |esta |tá )?(?:respond\w*|reag\w*)|"
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
    r"sai\w*|passa\w*)|muito mol[ea]|molinh[oa]|inconscien\w*|enfarte|"
    # A stroke as a relative tells it (u19): "a boca torta", "falando enrolado", "não consegue mexer o braço".
    + _STROKE
    + r"|"
    # The head hit and then drowsy or vomiting: the emergency room now.
    r"(?:bat\w*|pancada) (?:com )?(?:a |na )?cabeca\b.{0,80}\b(?:sonolent\w*|muito sono|vomit\w*|confus\w*|"
    r"desorientad\w*|apag\w*|nao (?:acorda|responde|lembra))"
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
# After a fall, what needs the emergency room now: unable to get up or walk, the hip, a broken bone, not answering.
_AFTER_A_BAD_FALL = re.compile(
    r"\b(?:nao (?:se )?(?:consegue|consigo) (?:se )?(?:levantar|ficar de pe|andar|mexer|apoiar)|quadril|fratur\w*|"
    r"quebr\w*|femur|osso|nao (?:ta |esta )?respond\w*|confus\w*|bat\w* (?:com )?(?:a |na )?cabeca)\b"
)
# Fever with spots on the skin: purple ones in anyone, any in a child, are the emergency the child's warning names
# (u20: "meu bebê tá com febre e umas manchas roxas" got the video clinic's sign-up steps).
_FEVER = re.compile(r"\bfebr\w*")
_SPOTS = re.compile(r"\b(?:manch\w*|pint\w*|bolinh\w*|petequi\w*)\b")
_PURPLE = re.compile(r"\b(?:rox\w*|arroxead\w*)\b")
_CHILD = re.compile(
    r"\b(?:filh[oa]s?|bebes?|crianca\w*|nenem|recem.nascid\w*|menin[oa]|(?:[1-9]|1[0-2]) anos?|\d+ mes\w*)\b"
)
# Someone fell: a person's fall, never a call, a boleto or the internet ("a chamada caiu", "caiu no spam").
_FALL_RE = re.compile(
    r"\b(?:levou (?:um )?tombo|tombou|sofreu (?:uma )?queda|teve uma queda|escorregou|"
    r"(?:caiu|cai|caimos) (?:(?:da|do|das|dos|de) (?!novo\b)|nos? (?:chao|banheiro|box|quintal|meio|quarto|piso|"
    r"degraus?)|nas? (?:rua|escadas?|calcada|banheira|cozinha|sala|cama)|em casa|sozinh[oa]|"
    r"e (?:bateu|bati|machuc\w*|quebr\w*|torceu|nao (?:consegue|consigo) (?:se )?(?:levantar|andar|ficar de pe))))"
)


def about_a_child(text: str) -> bool:
    """Whether the message speaks of a child ("meu filho de 2 anos", "a bebê", "minha menina").

    >>> about_a_child("meu filho de 2 anos ta com febre"), about_a_child("minha mãe está com febre")
    (True, False)
    """
    return _CHILD.search(normalize(text or "")) is not None


def tells_stroke_signs(text: str) -> bool:
    """Whether ``text`` tells the signs of a stroke.

    >>> tells_stroke_signs("minha mae ta com o braco dormente e a boca torta"), tells_stroke_signs("dor no braço")
    (True, False)
    >>> tells_stroke_signs("minha mae de 85 anos ta muito confusa, nao fala coisa com coisa desde hoje a noite")
    True
    """
    return _STROKE_RE.search(normalize(text or "")) is not None


def tells_a_fall(text: str) -> bool:
    """Whether ``text`` tells that someone fell (not a call or a boleto that "caiu").

    >>> tells_a_fall("meu pai caiu da escada"), tells_a_fall("minha avó levou um tombo no banheiro")
    (True, True)
    >>> tells_a_fall("a chamada caiu"), tells_a_fall("o boleto caiu no spam"), tells_a_fall("caiu de novo a ligação")
    (False, False, False)
    >>> tells_a_fall("a chamada caiu e não consigo entrar de novo")
    False
    """
    return _FALL_RE.search(normalize(text or "")) is not None


def tells_a_symptom(text: str) -> bool:
    """Whether ``text`` tells of a symptom.

    >>> tells_a_symptom("to passando mal"), tells_a_symptom("meu bebê está com DIARREIA 😢")
    (True, True)
    >>> tells_a_symptom("quero o resultado do exame de sangue"), tells_a_symptom("o boleto caiu no spam")
    (False, False)
    """
    return _SYMPTOM.search(normalize(text or "")) is not None or tells_a_fall(text)


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
    >>> is_urgent("meu marido tem 80 anos ta falando enrolado e com a boca torta de repente")
    True
    >>> is_urgent("meu pai de 82 anos caiu e bateu a cabeca, agora ta muito sonolento e vomitou")
    True
    >>> is_urgent("minha mae de 90 anos caiu e nao consegue levantar, ta com muita dor no quadril")
    True
    >>> is_urgent("a chamada caiu e não consigo entrar de novo"), is_urgent("meu filho bateu a cabeça na mesa")
    (False, False)
    >>> [is_urgent(m) for m in ("meu bebê tá com febre e umas manchas roxas",
    ...                         "meu marido ta com uma dor forte no peito", "acho que meu pai ta infartando",
    ...                         "minha mãe ta desacordada",
    ...                         "minha mae caiu da escada e nao ta respondendo direito",
    ...                         "a minha mãe caiu nas escadas e não se consegue levantar")]
    [True, True, True, True, True, True]
    >>> is_urgent("estou com febre e manchas vermelhas de alergia"), is_urgent("o site não está respondendo")
    (False, False)
    """
    folded = normalize(text or "")
    if _URGENT_RE.search(folded) is not None or (tells_a_fall(folded) and bool(_AFTER_A_BAD_FALL.search(folded))):
        return True
    return bool(_FEVER.search(folded) and _SPOTS.search(folded) and (_PURPLE.search(folded) or _CHILD.search(folded)))


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
