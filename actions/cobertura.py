"""Where the plan covers: the accredited network and the coverage area (Arts. 7º and 88 of the Regulation).

Questions that nobody's data answers, so they are answered before any CPF is asked, whichever option's intent
the classifier gave them ("rede credenciada", "o plano cobre no Rio?").
"""

from __future__ import annotations

import re

from actions.obito import sobre_obito
from actions.ouvidoria_leitura import RECLAMAR_NA_ANS, pergunta_ans
from actions.sinais import SINAIS_DE_EMERGENCIA
from bot.canais import EMERGENCIA_TELEFONE, TELEFONE_24H
from bot.nlu.parsing import strip_accents
from bot.nlu.symptoms import is_urgent, tells_a_symptom
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
        return COBERTURA_ROL
    return None


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

