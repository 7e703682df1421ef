"""Questions about the identification itself: why the bot wants a CPF, whether it is safe, "I won't give it".

Asked for a CPF and a birth date by a chatbot, many people first ask why, or whether it is a scam. None of the
topic intents fits these questions, so the classifier gave them whatever shared their words: "por que vocês
precisam do meu cpf?" was ``menu`` and "é seguro passar meu cpf aqui?" was ``sair``, and either one ended the
identification with an answer that did not reply to the question. They are a closed family of phrasings, so they
are recognised by pattern, like the short replies, without moving any decision of the classifier; the dialogue
answers why the data is needed and asks again, so nothing typed so far is lost (``utter_duvida_identificacao``).

Only a message without a run of three digits can match: one that carries a CPF or a date is an answer, whatever it
also asks.
"""

from __future__ import annotations

import re

from bot.nlu.handoff import asks_for_a_person
from bot.nlu.short_replies import normalize

# The intent of such a question (domain.yml); the pattern below is its only source, there are no training examples.
DUVIDA_IDENTIFICACAO = "duvida_identificacao"

# A long message that mentions the CPF is about something else (a complaint, a story), not a question about it.
_MAX_WORDS = 20

_WHY = (
    r"(?:por ?que|porque|pq|pra que|para que|qual (?:e )?(?:o|a) (?:motivo|necessidade|finalidade)|"
    r"com que finalidade)"
)
_ASK = (
    r"(?:precis\w*|quer\w*|ped\w*|exig\w*|solicit\w*|tenho que|tem que|devo|deveria|sera que|passar|informar|"
    r"dar|fornecer|digitar|mandar|enviar|serve)"
)
_DATA = (
    r"(?:cpf|dados|data de nascimento|nascimento|identifica\w*|documentos?|rg|carteirinha|numero do cartao|"
    r"informacoes pessoais)"
)
_OWN = r"(?:(?:o|a|os|as|meu|minha|meus|minhas|seu|sua) )?"
_GIVE = r"(?:passar|informar|dar|fornecer|digitar|mandar|enviar|colocar|falar|compartilhar|expor)"
_SAFE = r"(?:seguro|segura|confiavel|sigiloso)"

_PATTERNS = [
    # "por que vocês precisam do meu cpf?", "pra que vc quer minha data de nascimento", "pq tenho que me identificar"
    rf"\b{_WHY}\b.{{0,40}}\b{_ASK}\b.{{0,40}}\b{_DATA}\b",
    # "pra que meu cpf?": the why and the data and nothing after it.
    rf"\b{_WHY} {_OWN}{_DATA}\W*$",
    # "isso é confiável?", "é seguro esse chat?", not "o plano é seguro saúde?" nor "é seguro fazer teleconsulta?"
    rf"\b(?:e|eh|isso e|sera que e|ta|esta|aqui e) {_SAFE}(?: (?:isso|aqui|mesmo|ne|(?:esse|este|essa|esta) \w+))*$",
    # "é seguro passar meu cpf aqui?"
    rf"\b{_SAFE} {_GIVE}\b",
    rf"\b{_GIVE} {_OWN}{_DATA} (?:aqui|por aqui|pelo whats\w*|no whats\w*|nesse chat|neste chat|pra voces)\W*$",
    # "isso é golpe?", "não é golpe né?", not "sofri um golpe com um boleto falso".
    r"^(?:\w+ ){0,3}(?:e|eh|seria|sera) (?:um )?golpe\b",
    r"\blgpd\b|\blei (?:geral )?de protecao de dados\b",
    # "vocês vão guardar meus dados?", not "para de usar meus dados, quero sair".
    rf"\b(?:vao|vai|como|onde|quem)\b(?: \w+){{0,2}} (?:guardar|armazenar|salvar|compartilhar|vender|repassar|"
    rf"fazer com|usar|usam|usa|guardam|armazenam) {_OWN}"
    rf"(?:dados|cpf|informacoes)\b",
    rf"\b{_OWN}dados (?:estao|ficam|ficarao|vao ficar|serao) (?:seguros|protegidos|guardados|em sigilo)\b",
    # "não vou passar meu cpf", "prefiro não me identificar"
    rf"\bn(?:ao)? (?:vou|quero|posso|gostaria de|pretendo|confio em|me sinto seguro em|me sinto segura em) "
    rf"(?:te |lhe |pra voces |para voces )?{_GIVE} {_OWN}(?:numero do |numero da )?{_DATA}\b",
    rf"\bprefiro (?:nao|n) (?:{_GIVE}|me identificar)\b",
    r"\bn(?:ao)? (?:quero|vou) me identificar\b",
    # "o que é cpf 11 dígitos?", "onde eu acho o cpf?", "tá na identidade?", "não sei meu cpf de cabeça": what it
    # is and where to find it, asked by whoever is not used to the word.
    r"\bo que (?:e|eh|significa|quer dizer) (?:o |um |esse )?cpf\b",
    r"\b(?:onde|como) (?:e que )?(?:eu )?(?:acho|encontro|vejo|descubro|consigo|pego|fica|sei|olho)\b.{0,20}"
    r"\b(?:cpf|numero da carteirinha|numero do cartao)\b",
    r"^(?:\w+ ){0,2}(?:ta|esta|fica|e) (?:na|no) (?:identidade|rg|cnh|carteira de motorista|documento)\W*$",
    r"\bn(?:ao)? (?:sei|lembro|tenho|acho) (?:o |meu |o meu )?(?:cpf|numero da carteirinha|numero do cartao)\b",
]
_QUESTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


# "quero que apaguem meus dados", "solicito a eliminação dos meus dados pessoais (LGPD)", "corrijam meu cadastro":
# a data subject's request, which a person registers; it is not a question about identifying oneself.
_RIGHTS = re.compile(
    r"\b(?:apag\w*|exclu\w*|elimin\w*|delet\w*|remov\w*|corrig\w*|corrij\w*|retific\w*|anonimiz\w*|"
    r"portabilidade|copia|acesso)\b(?: \w+){0,6} (?:dados|cadastro)\b(?! (?:do|de) (?:cartao|pagamento|boleto))|"
    r"\b(?:rgpd|lgpd)\b.{0,60}\b(?:apag\w*|exclu\w*|elimin\w*|delet\w*|remov\w*|esquec\w*)\b|"
    r"\b(?:dados|cadastro)\b(?: \w+){0,3} (?:apagad\w*|excluid\w*|eliminad\w*|removid\w*|deletad\w*)\b"
)


def is_data_rights_request(text: str) -> bool:
    """Whether ``text`` asks to delete, correct or see one's personal data (the LGPD's rights of the data subject).

    >>> is_data_rights_request("não sou cliente, quero que vocês apaguem meus dados pessoais do cadastro (LGPD)")
    True
    >>> is_data_rights_request("solicito a eliminação dos meus dados pessoais conforme a LGPD")
    True
    >>> is_data_rights_request("quero meus dados excluídos do sistema"), is_data_rights_request("por que o cpf?")
    (True, False)
    >>> is_data_rights_request("quero excluir meu filho do plano"), is_data_rights_request("a LGPD permite?")
    (False, False)
    >>> is_data_rights_request("Ao abrigo do RGPD quero que eliminem o meu NIF e os dados que dei no pedido")
    True
    """
    folded = normalize(text or "")
    return bool(folded) and len(folded.split()) <= 40 and _RIGHTS.search(folded) is not None


def is_identification_question(text: str) -> bool:
    """Whether ``text`` asks why or whether it is safe to identify oneself, or refuses to.

    >>> is_identification_question("Por que vocês precisam do meu CPF?")
    True
    >>> is_identification_question("o que e cpf 11 digitos? eu tenho 70 anos")
    True
    >>> is_identification_question("onde eu acho o cpf?"), is_identification_question("ta na identidade?")
    (True, True)
    >>> is_identification_question("é seguro passar meu cpf aqui?"), is_identification_question("isso é golpe?")
    (True, True)
    >>> is_identification_question("não vou passar meu cpf"), is_identification_question("pra que meu cpf?")
    (True, True)
    >>> is_identification_question("o plano é seguro saúde?")
    False
    >>> is_identification_question("é seguro fazer teleconsulta?")
    False
    >>> is_identification_question("por que meu reembolso foi negado?")
    False
    >>> is_identification_question("por que preciso do cpf? 529.982.247-25")
    False
    >>> is_identification_question("nasci 12/3/75, pra que vc quer meu cpf?")
    False
    >>> is_identification_question("não sei meu cpf de cabeça, quero falar com uma pessoa")
    False
    """
    # Short numbers ("11 dígitos", "tenho 70 anos") are no answer; three digits in a row or a date may be one.
    if not text or re.search(r"\d{3}|\d{1,2}\s*[/.-]\s*\d{1,2}", text):
        return False
    folded = normalize(text)
    if not folded or len(folded.split()) > _MAX_WORDS or asks_for_a_person(text):
        return False  # u16: "não sei meu cpf de cabeça, quero falar com uma pessoa" is a request for a person
    return _QUESTION.search(folded) is not None
