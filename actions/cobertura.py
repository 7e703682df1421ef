"""Where the plan covers: the accredited network and the coverage area (Arts. 7º and 88 of the Regulation).

Questions that nobody's data answers, so they are answered before any CPF is asked, whichever option's intent
the classifier gave them ("rede credenciada", "o plano cobre no Rio?").
"""

from __future__ import annotations

import re

from actions.abrangencia import SEGURO_VIAGEM, abrangencia, pago_no_exterior, pergunta_abrangencia
from actions.obito import sobre_obito
from actions.ouvidoria_leitura import RECLAMAR_NA_ANS, pergunta_ans
from actions.sinais import SINAIS_DE_EMERGENCIA
from bot.canais import EMERGENCIA_TELEFONE, TELEFONE_24H
from bot.nlu.parsing import strip_accents
from bot.regulation.copay import COPAY_EXEMPTIONS
from bot.regulation.waiting_periods import WAITING_PERIODS, CoverageKind
from routing.decision import RoutingRequest
from routing.engine import decide

# "qual hospital credenciado atende 24h?", "a clínica X aceita meu plano?": the network, which the bot has no list of.
_REDE = re.compile(
    r"\b(?:hospita\w*|pronto.?socorro|clinicas?|laboratorios?|medicos?|prestador\w*|rede|\w+istas?|\w+log[oa]s?|"
    r"pediatras?)\b.{0,60}"
    r"\b(?:credenciad\w*|conveniad\w*|atende\w* (?:o |meu |pelo )?(?:plano|cemig)|aceita\w* (?:o |meu )?plano|"
    r"(?:do|pelo) (?:meu )?plano)|"
    r"\b(?:rede credenciada|guia medico|lista de (?:hospitais|medicos|clinicas))\b|"
    # "quais maternidades em bh?", "qual hospital em uberlandia?": places to go, which the Central names.
    r"\b(?:quais|qual|que) (?:hospita\w*|maternidades?|clinicas?|laboratorios?|pronto.?socorros?)\b|"
    # u17: "onde tem hospital do plano perto de contagem?" at night, after the emergency warning, was not understood.
    r"\bonde (?:tem|fica|acho|encontro|levo)\b.{0,30}\b(?:hospita\w*|maternidades?|clinicas?|pronto.?socorros?)\b"
)
REDE_CREDENCIADA = "\n".join(
    [
        "Por aqui eu não consulto a rede credenciada. Hospitais, clínicas, laboratórios e médicos credenciados, a "
        f"Central de Relacionamento informa: {TELEFONE_24H}.",
        SINAIS_DE_EMERGENCIA,
    ]
)


# A request of a topic that names the network ("reembolso de médico não credenciado", "denúncia sobre um prestador
# credenciado") is that topic's.
_PEDIDO_DE_ASSUNTO = re.compile(
    r"\b(?:denunci\w*|reclam\w*|reembols\w*|devolv\w*|devoluc\w*|de volta|dinheiro|pag\w*|cobr\w*|ressarc\w*|"
    r"negou|negad\w*|autoriza\w*|elogi\w*|sugest\w*|sugir\w*)"
)


def so_pergunta_rede(texto: str) -> bool:
    """Whether a message asks about the network and nothing a menu option answers ("rede credenciada").

    >>> so_pergunta_rede("rede credenciada"), so_pergunta_rede("vcs devolvem consulta com médico nao credenciado?")
    (True, False)
    """
    return pergunta_rede(texto) and not _PEDIDO_DE_ASSUNTO.search(strip_accents(texto).lower())


def pergunta_rede(texto: str) -> bool:
    """Whether a message asks which hospitals, clinics or doctors take the plan.

    >>> pergunta_rede("qual hospital credenciado atende 24h em bh?")
    True
    >>> pergunta_rede("a clinica sao lucas aceita meu plano?")
    True
    >>> pergunta_rede("qual a previsão do tempo?"), pergunta_rede("onde tem cardiologista credenciado em contagem?")
    (False, True)
    """
    return bool(_REDE.search(strip_accents(texto).lower()))




ODONTO = (
    "O Pronto Atendimento Online é com médico clínico ou pediatra, não com dentista. A segmentação do plano é "
    "ambulatorial e hospitalar com obstetrícia (Art. 7º, II, do Regulamento), sem a odontológica: para saber "
    f"onde ser atendido por um dentista, fale com a Central de Relacionamento: {TELEFONE_24H}.\n"
    f"Rosto inchado com febre, ou dificuldade para engolir ou respirar, é emergência: ligue {EMERGENCIA_TELEFONE} ou "
    "vá ao pronto-socorro mais próximo."
)
DENTE = re.compile(r"\b(?:dentes?|dentista\w*|odontolog\w*|siso|gengiva\w*|dentari[oa]|dental)\b")
TERAPIAS = (
    "Sim: consultas e sessões com psicólogo, fonoaudiólogo, fisioterapeuta, terapeuta ocupacional e nutricionista "
    "são cobertas com indicação do médico assistente, no número de sessões do Rol de Procedimentos da ANS (Art. 64, "
    "V, do Regulamento), com coparticipação em cada sessão (Art. 48). Para um tratamento já pedido, escreva "
    "*minhas autorizações*."
)
OBSTETRICIA = (
    "Sim: o plano é ambulatorial e hospitalar com obstetrícia (Art. 7º, II, do Regulamento): pré-natal, parto e "
    "pós-parto, com direito a um acompanhante indicado pela mulher no pré-parto, no parto e nos 10 dias depois "
    f"(Art. 8º, §1º, IV). O parto a termo tem carência de {WAITING_PERIODS[CoverageKind.TERM_DELIVERY][0]} dias "
    "contados da adesão (Art. 51); para ver as suas carências, escreva *minhas carências*."
)
COBERTURA_ROL = (
    "O plano cobre os procedimentos do Rol de Procedimentos e Eventos em Saúde da ANS em vigor, para as doenças "
    "da Classificação Internacional de Doenças (Arts. 2º e 6º, II, do Regulamento); o Rol está em www.ans.gov.br, "
    "em \"Planos e Operadoras\" > \"Espaço do Consumidor\". Cirurgias, internações e exames dependem de "
    "autorização prévia (Art. 77): o médico faz o pedido, e a resposta diz se está coberto no seu caso. Para "
    f"perguntar sobre um procedimento antes do pedido, ligue para a Central de Relacionamento, {TELEFONE_24H}."
)
# "o plano cobre cirurgia de catarata?", "tem cobertura pra ressonância?": asked the CPF and then showed the
# authorizations, and "não, perguntei se cobre catarata" showed them again.
_COBRE_PROCEDIMENTO = re.compile(
    r"\b(?:cobre|cobrem|tem cobertura|da cobertura|e coberto|e coberta|esta coberto|esta coberta)\b"
)
_COBRE = re.compile(
    r"\b(?:cobre|cobrem|cobertura|cobert[oa]|tem direito|da direito|paga|pagam|inclui|incluso)\b"
)
# "minha fisio foi negada", "o reembolso do psicólogo", "quantas sessões ele já fez": a request of a topic, answered
# with the person's data; the teleconsultation desk's insurance policy (Médis, "apólice") is not this plan.
_PEDIDO_DE_COBERTURA = re.compile(
    r"\b(?:negad\w*|negou|recus\w*|reembols\w*|guia|protocolo|autoriza\w*|coparticipa\w*|cobrad\w*|cobraram|"
    r"valor|quanto|ja fez|ja fiz|usou|usei|utiliz\w*|medis|seguro|apolice|online|video)\b"
)
_TERAPIA = re.compile(
    r"\b(?:psicolog\w*|psicoterap\w*|terapia|fono\w*|fisioterap\w*|fisio|terapeuta ocupacional|nutricionista)\b"
)
_OBSTETRICIA = re.compile(r"\b(?:parto|cesarea|cesariana|pre.?natal|gravidez|gestacao|obstetr\w*)\b")


def cobertura_de(texto: str) -> str | None:
    """The answer to "o plano cobre X?" for dentists, therapies and childbirth, the coverage people ask most.

    >>> cobertura_de("o plano cobre dentista?") == ODONTO, cobertura_de("cobre psicologo? quantas sessoes") == TERAPIAS
    (True, True)
    >>> cobertura_de("o plano cobre parto?") == OBSTETRICIA, cobertura_de("a cobertura do meu parto foi negada")
    (True, None)
    >>> cobertura_de("o plano cobre cirurgia de catarata?") == COBERTURA_ROL
    True
    """
    folded = strip_accents(texto).lower()
    if _PEDIDO_DE_COBERTURA.search(folded):
        return None
    if not _COBRE.search(folded) and not re.search(r"\b(?:quantas sessoes|tem (?:dentista|psicologo))\b", folded):
        return None
    if DENTE.search(folded):
        return ODONTO
    if _TERAPIA.search(folded):
        return TERAPIAS
    if _OBSTETRICIA.search(folded):
        return OBSTETRICIA
    if _COBRE_PROCEDIMENTO.search(folded):
        # u27: "o plano cobre cirurgia bariatrica? entrei faz 3 meses, qual a carencia pra mim?" got the Rol alone.
        return f"{COBERTURA_ROL}\n{CARENCIA_E_CPT}" if re.search(r"\bcarencias?\b", folded) else COBERTURA_ROL
    return None


CARENCIA_E_CPT = (
    f"Carência para cirurgias e internações: {WAITING_PERIODS[CoverageKind.OTHER_SURGERIES][0]} dias da adesão "
    "(Art. 51). Se na adesão foi declarada uma doença preexistente, as cirurgias e os procedimentos de alta "
    "complexidade ligados a ela podem ficar suspensos por até 24 meses (cobertura parcial temporária, Arts. 57 a "
    "59). Para ver quanto falta das suas carências, escreva *minhas carências*: aí peço o seu CPF."
)


# "pa online tem coparticipação?", "e é preciso pagar alguma coisa?": nothing to pay (Art. 82 §4º, II).
PA_SEM_CUSTO = "Não há nada a pagar: " + COPAY_EXEMPTIONS["online_emergency_care"][0].lower() + COPAY_EXEMPTIONS[
    "online_emergency_care"
][1:]
_PA_ONLINE = re.compile(r"\b(?:pa online|pronto.?atendimento online|pa virtual|consulta de urgencia online)\b")
_CUSTO = re.compile(
    r"\b(?:pag\w*|custa\w*|custo|cobra\w*|cobrad[oa]|coparticip\w*|copart|gratis|gratuit\w*|de graca|taxa)\b"
)


# "Quanto custa uma teleconsulta no Médico Online?": the desk's service in Portugal, priced by each client's Médis
# policy, which got the PA Online's "nothing to pay".
_DO_BALCAO = re.compile(r"\b(?:medico online|medis|apolice|seguro de saude)\b")
# A question about the price, not a charge to dispute ("fui cobrado por uma consulta cancelada").
_CUSTO_PERGUNTA = re.compile(
    r"\b(?:quanto (?:custa|e|fica|pago|vou pagar|tenho de pagar|tenho que pagar|se paga|cobram)|"
    r"qual (?:e )?o (?:valor|preco|custo)|e (?:gratis|gratuit\w*|de graca)|tem (?:custo|coparticipacao)|"
    r"(?:preciso|tenho de|tenho que|e preciso) pagar)\b"
)


# u27: "Então qual é o número de telefone da Médis?" opened a second request to the desk.
_CONTATO = re.compile(r"\b(?:telefone|contacto|contato|e-?mail|numero de (?:telefone|contacto|contato)|ligar)\b")


def contato_da_medis(texto: str) -> str | None:
    """The Médis contacts (the footer of the desk's policy answers, procedure 004) when a message asks for them.

    >>> contato_da_medis("Então qual é o número de telefone da Médis?").startswith("Para informações adicionais")
    True
    >>> contato_da_medis("a app da Médis não abre") is None
    True
    """
    folded = strip_accents(texto).lower()
    if not (re.search(r"\bmedis\b", folded) and _CONTATO.search(folded)):
        return None
    from actions.chamados import regras  # the rules engine is built once, by the module that routes tickets

    return decide(RoutingRequest(category="tele_apolice", text=texto), regras()).footer


def custo_no_medico_online(texto: str) -> str | None:
    """The answer to what a Médico Online teleconsultation costs, or None when the message does not ask it.

    The Médis contacts are the footer the routing rules give the desk's policy questions (procedure 004).

    >>> custo_no_medico_online("Quanto custa uma teleconsulta no Médico Online?").startswith("O Médico Online da Médis")
    True
    >>> custo_no_medico_online("fui cobrado por uma teleconsulta cancelada no Médico Online"), custo_no_medico_online(
    ...     "quanto custa o pa online?")
    (None, None)
    """
    folded = strip_accents(texto).lower()
    if not (_DO_BALCAO.search(folded) and _CUSTO_PERGUNTA.search(folded)):
        return None
    from actions.chamados import regras  # the rules engine is built once, by the module that routes tickets

    rodape = decide(RoutingRequest(category="tele_apolice", text=texto), regras()).footer or ""
    return (
        "O Médico Online da Médis (Portugal) não é o Pronto Atendimento Online da Cemig Saúde: o que se paga por uma "
        f"teleconsulta depende da apólice de cada cliente, que eu não vejo daqui. {rodape} Se foi cobrado por uma "
        "consulta cancelada, conte o que aconteceu e eu encaminho à equipe."
    ).replace("  ", " ")


# "posso usar o pa online pagando particular?": the service is the members'.
_SEM_PLANO = re.compile(
    r"\b(?:particular|sem (?:ter )?(?:o )?plano|nao (?:sou|tenho) (?:cliente|plano|o plano)|"
    r"nao sou (?:do plano|associad\w*))"
)
PA_SO_BENEFICIARIOS = (
    "O Pronto Atendimento Online é para quem tem o plano da Cemig Saúde: entra-se com o número da carteira do plano, e "
    "não há atendimento particular pago. Para conhecer os planos, digite 7. Numa emergência, ligue "
    f"{EMERGENCIA_TELEFONE}."
)


def pergunta_custo(texto: str) -> bool:
    """Whether a message asks what something costs ("é preciso pagar?", "tem coparticipação?", "é de graça?").

    >>> pergunta_custo("e é preciso pagar alguma coisa?"), pergunta_custo("pa online tem coparticipação?")
    (True, True)
    >>> pergunta_custo("como faço para aceder?")
    False
    """
    return bool(_CUSTO.search(strip_accents(texto).lower()))


def orientacao_sem_cadastro(texto: str) -> str | None:
    """The answer to a question about the plan that nobody's data answers (coverage area, network), if it is one.

    Such a question may draw any option's intent; it is answered before any CPF is asked.

    >>> orientacao_sem_cadastro("rede credenciada") == REDE_CREDENCIADA
    True
    >>> orientacao_sem_cadastro("meus reembolsos") is None
    True
    >>> orientacao_sem_cadastro("entao preciso de seguro viagem ne") == SEGURO_VIAGEM
    True
    >>> orientacao_sem_cadastro("pa online tem coparticipação?").startswith("Não há nada a pagar: consultas no pronto")
    True
    >>> orientacao_sem_cadastro("posso usar o pa online pagando particular? quanto custa?") == PA_SO_BENEFICIARIOS
    True
    """
    if pergunta_ans(texto):
        return RECLAMAR_NA_ANS
    if obito := sobre_obito(texto):
        # u17: "meu marido faleceu, ele era o titular, o que eu faço com o plano" got "informe seu CPF" only.
        return obito
    if medico_online := custo_no_medico_online(texto) or contato_da_medis(texto):
        return medico_online
    if _PA_ONLINE.search(strip_accents(texto).lower()) and _SEM_PLANO.search(strip_accents(texto).lower()):
        return PA_SO_BENEFICIARIOS
    if _PA_ONLINE.search(strip_accents(texto).lower()) and pergunta_custo(texto):
        return PA_SEM_CUSTO
    if pago_no_exterior(texto):
        # "então preciso de seguro viagem?", "e se eu pagar lá nos EUA e pedir reembolso?"
        return SEGURO_VIAGEM
    if pergunta_abrangencia(texto):
        return abrangencia(texto)
    cobertura = cobertura_de(texto)
    if cobertura:
        return cobertura
    if so_pergunta_rede(texto):
        return REDE_CREDENCIADA
    return None

