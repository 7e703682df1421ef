"""Guidance that needs no identification: online emergency care (PA Online), booking a consultation.

Source: the PA Online user manual (002_b2c0a944ec51c7f6.txt). The manual
gives the support line as 4000-1896 five times and as 4004-1896 once; the
bot uses the majority number (see docs/orientacoes.md).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.abrangencia import abrangencia, pergunta_abrangencia
from actions.cobertura import (
    DENTE,
    ODONTO,
    PA_SEM_CUSTO,
    custo_no_medico_online,
    pergunta_custo,
)
from actions.contexto import pergunta_sobre_o_assunto, reler_no_assunto
from actions.navegadores import CAMERA, NAVEGADORES, PERGUNTA_NAVEGADOR, navegador_da_mensagem
from actions.sinais import (
    SINAIS_DE_EMERGENCIA,
    SINAIS_DE_EMERGENCIA_PT,
    com_sinais_do_caso,
    de_portugal,
    escreve_de_portugal,
)
from bot.canais import (
    CENTRAL_CELULAR,
    CENTRAL_TELEFONE,
    EMERGENCIA_PORTUGAL,
    EMERGENCIA_TELEFONE,
    SNS_24,
    TELEFONE_24H,
)
from bot.nlu.parsing import strip_accents
from bot.nlu.symptoms import is_urgent, tells_a_fall, tells_a_symptom

SUPORTE = (
    "Se o problema continuar, o suporte atende 24 horas, todos os dias, pelo chat no canto inferior da tela "
    "da plataforma ou pelo telefone 4000-1896."
)

CODIGO = (
    "Código de validação: escolha recebê-lo por e-mail ou por telefone, conforme o seu cadastro, digite os "
    "números e clique em “Continuar”. Se os dados do cadastro estiverem errados, a atualização é feita pela "
    f"Cemig Saúde ({CENTRAL_TELEFONE} ou {CENTRAL_CELULAR}) e não é imediata."
)

DEPENDENTE = (
    "Dependente menor de idade: no perfil do responsável, clique em “Meu perfil” > “Acesse o perfil dos seus "
    "dependentes”, aceite os termos e escolha o dependente. O responsável legal que não é o titular informa o "
    "número da carteira e a data de nascimento do dependente e confirma seus dados de responsável. Se a Cemig "
    "Saúde não tiver o responsável legal registrado e os pais não forem os titulares, valem os dados da mãe."
)

RECEITAS = (
    "Receitas, atestados e pedidos de exame do atendimento online chegam no seu e-mail e ficam na plataforma: "
    "“Meus Medicamentos” (prescrições válidas, para baixar de novo) e “Meus Exames” (pedidos e envio de "
    "resultados). Se o médico pedir uma foto mais nítida, envie em “Meu perfil” ou para paonline@cemigsaude.org.br."
)

ACESSO = (
    "Pronto Atendimento Online, 24 horas, todos os dias:\n"
    "• No site da Cemig Saúde, clique em “Novo Pronto Atendimento Online”.\n"
    "• Primeiro acesso: “cadastrar”, informe o número da carteira e a data de nascimento, aceite os termos, "
    "tire uma foto com um documento oficial com foto e confirme o código de validação; depois crie a senha.\n"
    "• Já cadastrado: “Entrar” com o número da carteira e a senha. Esqueceu a senha? “Esqueci a senha” e o "
    "código de validação.\n"
    "• Para ser atendido, clique em “Pronto Atendimento”, leia as orientações e aguarde na sala de espera "
    "virtual por um clínico ou pediatra."
)

PEDIATRA = (
    "Sim: na sala de espera virtual o atendimento é com um médico clínico ou pediatra, 24 horas, todos os dias."
)
APARELHO = (
    "O Pronto Atendimento Online é pelo site da Cemig Saúde, no navegador do computador ou do celular (por "
    "exemplo Chrome no Android ou Safari no iPhone), com câmera e microfone."
)

EMERGENCIA = f"{SINAIS_DE_EMERGENCIA} O Pronto Atendimento Online é para o que dá para resolver por vídeo."
# From Portugal the plan's PA Online is no option (it needs the plan's card): the emergency number and the SNS 24 line.
EMERGENCIA_PT = f"{SINAIS_DE_EMERGENCIA_PT} Para aconselhamento de saúde, ligue para o {SNS_24}."
EM_PORTUGAL = (
    "Em Portugal, o Pronto Atendimento Online da Cemig Saúde só atende quem tem o plano (entra-se com o número da "
    f"carteira). Para aconselhamento de saúde, ligue para o {SNS_24}; numa emergência, {EMERGENCIA_PORTUGAL}."
)
# "a videochamada congelou", "a ligação caiu", "o médico sumiu": a call that stopped during the consultation.
CHAMADA_PAROU = re.compile(
    r"\b(?:cai\w*|travou|trava\w*|congel\w*|sumiu|desapareceu|desligou|cortou|parou|perdi a (?:ligacao|chamada))\b"
)
CHAMADA_CAIU_PA = (
    "Se a chamada caiu durante a consulta, entre de novo no Pronto Atendimento Online e volte à consulta: feche e "
    "reabra o navegador, de preferência com a internet mais estável (Wi-Fi)."
)
# Someone who cannot use the video platform alone: who can help, and the 24-hour line with a person.
_NAO_SABE_USAR = re.compile(
    r"\b(?:nao sei (?:mexer|usar|entrar|fazer isso|lidar)|nao (?:consigo|consegue) (?:mexer|usar)|"
    r"nao entendo (?:nada )?de (?:celular|computador|internet|site)|nao tenho (?:computador|internet|celular)|"
    r"(?:muito|mto) dificil (?:pra|para) mim|sou (?:idos[oa]|velh[oa]))\b"
)
NAO_SABE_USAR = (
    "Se for difícil entrar sozinho, há três caminhos:\n"
    "• Peça a alguém da família ou a um vizinho para abrir o Pronto Atendimento Online no celular com você: com o "
    "número da carteirinha e a data de nascimento, o cadastro leva poucos minutos.\n"
    "• O suporte da plataforma ajuda a entrar, 24 horas, pelo telefone 4000-1896.\n"
    f"• Para falar com uma pessoa da Cemig Saúde, ligue para a Central de Relacionamento: {TELEFONE_24H}."
)
SE_PIORAR = (
    f"Se piorar, ou se aparecer falta de ar, dor no peito, desmaio ou convulsão, ligue {EMERGENCIA_TELEFONE} ou vá "
    "ao pronto-socorro mais próximo."
)

# Someone who needs care now (a symptom, "agora", "urgente", at night) rather than asking how the platform works.
# The symptoms themselves are bot.nlu.symptoms' vocabulary.
_PRECISA_AGORA = re.compile(
    r"\b(agora|ja|urgente|urgencia|madrugada|noite|plantao|preciso de (um )?medic[oa]|medic[oa] (online|por video))\b"
)
# Someone looking for an emergency room, not for a video call: the emergency number first.
_PROCURA_EMERGENCIA = re.compile(r"\b(?:pronto.?socorro|emergencia|hospital|ps|onde (?:levo|levar|vou|ir))\b")


# "quero marcar uma teleconsulta" asks how, and reports no problem: the desk's form (name, CPF, a ticket) was the
# wrong answer. The PA Online has no appointments (manual 002: a virtual waiting room, 24 hours); the Médico
# Online of the desk (procedure 004) is booked in the Médis app, whose booking button a zoomed screen hides.
# Not "marco" ("março", once accents are folded) nor "marca".
_MARCAR = re.compile(r"\b(?:marcar|marcacao|agendar|agendo|agenda|agendamento)\b")
_ONLINE = re.compile(
    r"\b(?:teleconsulta|tele consulta|consulta (?:online|on line|virtual|por video)|medico online|telemedicina|"
    r"videoconsulta|video consulta|pa online|pronto atendimento online)\b"
)
_PROBLEMA = re.compile(
    r"\b(?:nao (?:consigo|consegui|aparece|apareceu|da|deu|funciona|carrega)|erro|botao|problema|falha|bug|"
    r"trav\w*|carreg\w*|confirm\w*|termina|cobr\w*|cancel\w*|desmarc\w*|remarc\w*|reclam\w*|"
    # A follow-up the doctor asked for is the desk's procedure question (procedure 004), not a first booking.
    r"seguimento|retorno|resultados?|nova|novamente|voltar|repetir|presencial)\b"
)
MARCAR_CONSULTA_ONLINE = (
    "A consulta online da Cemig Saúde não precisa ser marcada: o Pronto Atendimento Online atende 24 horas, todos "
    "os dias, com clínico ou pediatra, na ordem da sala de espera virtual. Entre no site da Cemig Saúde, clique em "
    "“Novo Pronto Atendimento Online” e depois em “Pronto Atendimento” (escreva *como entro no PA online* para o "
    "primeiro acesso).\n"
    "• Consulta presencial com hora marcada: escreva *marcar consulta no CPS*.\n"
    "• Em Portugal, clientes Médis (Médico Online): a consulta é marcada na app Médis; se o botão de marcar não "
    "aparecer, diminua o zoom do telemóvel.\n"
    "Se teve um problema ao marcar, conte o que aconteceu que eu encaminho."
)


def pede_marcacao_online(texto: str) -> bool:
    """Whether the message asks how to book an online consultation, without reporting a problem.

    >>> pede_marcacao_online("marcar teleconsulta"), pede_marcacao_online("como agendo uma consulta online?")
    (True, True)
    >>> pede_marcacao_online("nao aparece o botao pra marcar a teleconsulta")
    False
    >>> pede_marcacao_online("quero marcar consulta no cps"), pede_marcacao_online("a teleconsulta travou")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    return bool(_MARCAR.search(folded) and _ONLINE.search(folded) and not _PROBLEMA.search(folded))


def orientacao(texto: str, portugal: bool | None = None) -> str:
    """The PA Online guidance that answers a message, with the emergency number when it tells a symptom.

    ``portugal`` says the person writes from Portugal when the conversation knows it (a +351 phone); without
    it, the message's words tell.

    >>> falta_de_ar = orientacao("minha mãe está com falta de ar")
    >>> falta_de_ar.endswith("O Pronto Atendimento Online é para o que dá para resolver por vídeo.")
    True
    >>> falta_de_ar.count("192"), falta_de_ar.count("⚠️")
    (1, 1)
    >>> orientacao("minha filha ta com febre de 40, onde levo ela agora?").startswith("⚠️")
    True
    >>> from actions.sinais import SINAIS_EM_CRIANCA
    >>> SINAIS_EM_CRIANCA in orientacao("meu filho de 2 anos ta com febre de 40 e manchinhas roxas, onde levo?")
    True
    >>> orientacao("to passando mal").endswith(SE_PIORAR), orientacao("como entro no PA online?") == ACESSO
    (True, True)
    >>> orientacao("tem pediatra?").startswith(PEDIATRA), orientacao("funciona no celular?").startswith(APARELHO)
    (True, True)
    >>> orientacao("preciso de um pronto socorro agora").startswith("⚠️")
    True
    >>> orientacao("estou em Salvador e passei mal, o plano cobre aqui?").startswith("⚠️")
    True
    >>> orientacao("dor de dente muito forte, o que eu faço?").startswith(ODONTO)
    True
    >>> orientacao("quero agendar uma consulta online") == MARCAR_CONSULTA_ONLINE
    True
    >>> orientacao("to na sala de espera faz 1 hora e nenhum medico me chamou 😤") == ESPERA
    True
    >>> orientacao("como entro... nao sei mexer nisso").startswith(NAO_SABE_USAR)
    True
    """
    if pergunta_abrangencia(texto):
        # "passei mal em Salvador, o plano cobre?": urgency is covered in all of Brazil, the rest is not.
        return abrangencia(texto)
    if pede_marcacao_online(texto) and not tells_a_symptom(texto):
        return MARCAR_CONSULTA_ONLINE
    if DENTE.search(strip_accents(texto).lower()) and not is_urgent(texto):
        # The online care has a general practitioner or a paediatrician, never a dentist.
        return ODONTO
    portugal = escreve_de_portugal(texto) if portugal is None else portugal
    if is_urgent(texto):
        # "minha filha tá convulsionando": the emergency number, not a tutorial of the video platform.
        return com_sinais_do_caso(EMERGENCIA_PT if portugal else EMERGENCIA, texto, portugal)
    if _NAO_SABE_USAR.search(strip_accents(texto).lower()):
        # u19: a 78-year-old with pain and fever, "como entro… não sei mexer", got the same site steps again.
        return f"{NAO_SABE_USAR}\n\n{SE_PIORAR}" if tells_a_symptom(texto) else NAO_SABE_USAR
    if portugal and tells_a_symptom(texto):
        # "a minha filha tem febre de 40, para onde ligo a esta hora?" from Lisbon: no plan card to enter with.
        return EM_PORTUGAL
    if _PROCURA_EMERGENCIA.search(strip_accents(texto).lower()):
        return f"{com_sinais_do_caso(EMERGENCIA, texto, portugal)}\n\n{_orientacao(texto)}"
    if tells_a_symptom(texto):
        return f"{_orientacao(texto)}\n\n{SE_PIORAR}"
    return _orientacao(texto)


# "to na sala de espera faz 1 hora e nenhum medico me chamou": a long wait, which got the access tutorial.
_ESPERA = re.compile(
    r"\b(?:sala de espera|esperando|na fila|aguardando)\b.{0,60}\b(?:hora|horas|minutos|min|ninguem|nenhum|"
    r"nao (?:me )?cham\w*|demora\w*|nada)\b|"
    r"\b(?:nenhum medico|ninguem)\b.{0,30}\b(?:cham\w*|atend\w*|entr\w*)\b"
)
ESPERA = (
    "Na sala de espera virtual você aguarda ser chamado por um médico clínico ou pediatra, e a espera depende do "
    "movimento. Mantenha a página aberta, com a internet estável.\n" + SUPORTE
)


# "como faço para aceder?", "como entro?": how to get in, a question about the service for anyone.
_COMO_ENTRAR = re.compile(r"\b(?:como (?:faco|entro|acesso|aced\w*|uso)|aceder|acessar|entrar|link|site)\b")


def pergunta_do_pa(texto: str) -> bool:
    """Whether a follow-up asks what the PA Online costs or how to get in: answered without a CPF.

    >>> pergunta_do_pa("e é preciso pagar alguma coisa?"), pergunta_do_pa("como faço para aceder?")
    (True, True)
    >>> pergunta_do_pa("quero ver meu boleto"), pergunta_do_pa("minhas autorizações")
    (False, False)
    """
    folded = strip_accents(texto).lower()
    return len(folded.split()) <= 10 and bool(pergunta_custo(folded) or _COMO_ENTRAR.search(folded)) and not (
        re.search(r"\b(?:boletos?|mensalidade|fatura|reembols\w*|carteirinha|autoriza\w*|guia)\b", folded)
    )


def _orientacao(texto: str) -> str:
    folded = strip_accents(texto)
    if medico_online := custo_no_medico_online(texto):
        return medico_online
    if pergunta_custo(texto) and not tells_a_symptom(texto):
        return PA_SEM_CUSTO
    if _ESPERA.search(folded.lower()) and not navegador_da_mensagem(texto):
        return ESPERA
    navegador = navegador_da_mensagem(texto)
    if CHAMADA_PAROU.search(folded.lower()) and not navegador and not tells_a_fall(texto):
        # "tava na teleconsulta e a chamada caiu, e agora??": back into the same consultation, then support.
        return f"{CHAMADA_CAIU_PA}\n{SUPORTE}"
    if navegador:
        titulo, passos = NAVEGADORES[navegador]
        return (
            f"Para liberar câmera, microfone e pop-ups ({titulo}):\n{passos}\n"
            f"Depois, inicie a consulta de novo.\n{SUPORTE}"
        )
    if CAMERA.search(folded):
        return PERGUNTA_NAVEGADOR
    if re.search(r"\b(suporte|telefone|ligar|chat)\b", folded):
        return SUPORTE
    if re.search(r"\bcodigo|validacao|token\b", folded):
        return CODIGO
    if re.search(r"\bpediatra", folded) and not tells_a_symptom(texto):
        return f"{PEDIATRA}\n\n{DEPENDENTE}"
    if re.search(r"\b(filh[oa]s?|dependente|menor|crianca|responsavel|pediatra|bebe|nene[mn])\b", folded):
        # A parent whose child needs a doctor now reads first how to get in, then the dependant's step.
        agora = _PRECISA_AGORA.search(folded) or tells_a_symptom(texto)
        return f"{ACESSO}\n\n{DEPENDENTE}" if agora else DEPENDENTE
    if re.search(r"\b(receita|prescri\w*|atestado|exame|medicamento)", folded):
        return RECEITAS
    if re.search(r"\b(celular|telemovel|computador|notebook|tablet|app|aplicativo|baixar|instalar)\b", folded):
        return f"{APARELHO}\n\n{ACESSO}"
    return ACESSO


# The video call and its platform, as a client of the desk names them.
_DA_PLATAFORMA = re.compile(
    r"\b(?:video\w*|chamada|medico online|teleconsulta|consulta online|plataforma|aplicacao|app|ecra|camara)\b"
)


class ActionOrientarProntoAtendimento(Action):
    """Answers questions about the online emergency care platform."""

    def name(self) -> Text:
        """Rasa action name."""
        return "action_orientar_pronto_atendimento"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Send the guidance for what the user asked."""
        assunto = pergunta_sobre_o_assunto(tracker)
        if assunto:  # "quanto custa?" after the new plans is about the new plans
            return reler_no_assunto(tracker, assunto)
        texto = tracker.latest_message.get("text") or ""
        portugal = de_portugal(tracker)
        if portugal and not is_urgent(texto) and _DA_PLATAFORMA.search(strip_accents(texto).lower()):
            # u20: "+351… a videochamada do Médico Online ficou congelada" got the PA Online's Brazilian support
            # line; a client in Portugal is the teleconsultation desk's, whose technology team answers.
            return reler_no_assunto(tracker, "tele_tecnologia")
        dispatcher.utter_message(text=orientacao(texto, portugal))
        if (tracker.active_loop or {}).get("name") != "identificacao_form":
            # In the middle of an identification the form asks its question next, not "algo mais?".
            dispatcher.utter_message(response="utter_algo_mais")
        return []
