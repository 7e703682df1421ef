"""The synthetic demo population's data: the documented demo family and the lists the builder draws from.

Nobody here is a real person (see :mod:`bot.db.seed`, which builds the rows). Prices, co-payment rates and the
registrations of plans other than Clássico Apartamento are fictional; procedure codes are illustrative.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

DEFAULT_SEED = 20261125

DEMO_FAMILY_NUMBER = 1
DEMO_PLAN_CODE = "CLASSICO-APTO"
DEMO_TITULAR_NAME = "Maria Aparecida Souza"
DEMO_TITULAR_CPF = "52998224725"
DEMO_TITULAR_BIRTH_DATE = date(1975, 3, 12)
DEMO_TITULAR_CARD = "4175050000001004"
DEMO_SPOUSE_NAME = "José Carlos Souza"
DEMO_SPOUSE_CPF = "11144477735"
DEMO_SPOUSE_BIRTH_DATE = date(1972, 8, 30)
DEMO_SPOUSE_CARD = "4175050000001012"
DEMO_DAUGHTER_NAME = "Ana Luiza Souza"
DEMO_DAUGHTER_CPF = "39053344705"
DEMO_DAUGHTER_BIRTH_DATE = date(2012, 6, 5)
DEMO_DAUGHTER_CARD = "4175050000001020"

PLANS = (
    # code, name, ANS registration, accommodation, coverage, base price (first band), active
    (
        "CLASSICO-APTO",
        "Clássico Apartamento",
        "492.893/22-8",
        "apartamento",
        "Ambulatorial e hospitalar com obstetrícia; abrangência estadual (Minas Gerais); "
        "coparticipação em consultas, exames, terapias e internações.",
        Decimal("189.90"),
        True,
    ),
    (
        "CLASSICO-ENF",
        "Clássico Enfermaria",
        "999.001/22-0",
        "enfermaria",
        "Ambulatorial e hospitalar com obstetrícia; abrangência estadual (Minas Gerais); "
        "acomodação coletiva; coparticipação.",
        Decimal("152.30"),
        True,
    ),
    (
        "ESSENCIAL-ENF",
        "Essencial Enfermaria",
        "999.002/22-0",
        "enfermaria",
        "Ambulatorial e hospitalar com obstetrícia; abrangência grupo de municípios da Região "
        "Metropolitana de Belo Horizonte; coparticipação.",
        Decimal("118.60"),
        True,
    ),
    (
        "BASICO-ENF-LEGADO",
        "Básico Enfermaria (não comercializado)",
        "999.003/12-0",
        "enfermaria",
        "Plano antigo mantido apenas para quem já era beneficiário.",
        Decimal("99.00"),
        False,
    ),
)

MALE_NAMES = (
    "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos",
    "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Raimundo", "Rodrigo",
    "Gustavo", "Leonardo", "Fernando", "Sebastião", "Geraldo", "Thiago", "Matheus", "Vinícius", "Sérgio",
)  # fmt: skip
FEMALE_NAMES = (
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia",
    "Aline", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana", "Vanessa",
    "Mariana", "Gabriela", "Helena", "Beatriz", "Larissa", "Cláudia", "Rosângela", "Tereza", "Lúcia",
)  # fmt: skip
SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
    "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira",
    "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado",
    "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira", "Campos", "Moura",
)  # fmt: skip
AREA_CODES = ("31", "31", "31", "32", "33", "34", "35", "37", "38")

PROVIDERS = {
    "consulta": ("Clínica Vida Plena", "Consultório Dr. Horizonte", "Clínica Integrada Serra Verde"),
    "exame": ("Laboratório Central Mineiro", "Centro de Imagem Horizonte", "Laboratório Bom Diagnóstico"),
    "terapia": ("Clínica de Fisioterapia Movimento", "Espaço Terapêutico Ipê"),
    "internacao": ("Hospital Monte Azul", "Hospital Vale do Aço Regional"),
    "internacao_psiquiatrica": ("Clínica Psiquiátrica Bela Vista",),
    "pronto_atendimento_online": ("Pronto Atendimento Online Cemig Saúde",),
    "conexao_saude": ("Conexão Saúde – atendimento virtual", "Conexão Saúde – unidade Barro Preto"),
    "quimioterapia": ("Centro Oncológico Horizonte",),
    "radioterapia": ("Centro Oncológico Horizonte",),
    "hemodialise": ("Clínica do Rim Mineira",),
    "outro": ("Clínica Vida Plena",),
}
PROCEDURES = {
    "consulta": (("10101012", "Consulta em consultório"), ("10101039", "Consulta em pronto-socorro")),
    "exame": (
        ("40304361", "Hemograma com contagem de plaquetas"),
        ("40302040", "Glicose - pesquisa e/ou dosagem"),
        ("40101010", "Eletrocardiograma convencional (ECG)"),
        ("41101014", "Ressonância magnética de crânio"),
        ("41001010", "Tomografia computadorizada de crânio"),
        ("40901114", "Ultrassonografia de abdome total"),
    ),
    "terapia": (("50000470", "Sessão de psicoterapia individual"), ("20103093", "Sessão de fisioterapia")),
    "internacao": (("60000406", "Diária de internação clínica em apartamento"),),
    "internacao_psiquiatrica": (("60000414", "Diária de internação psiquiátrica"),),
    "pronto_atendimento_online": (("10101039", "Consulta de pronto atendimento online"),),
    "conexao_saude": (("10101012", "Consulta de atenção primária – Conexão Saúde"),),
    "quimioterapia": (("20104171", "Sessão de quimioterapia ambulatorial"),),
    "radioterapia": (("41501012", "Sessão de radioterapia"),),
    "hemodialise": (("30909031", "Sessão de hemodiálise"),),
    "outro": (("20101015", "Procedimento ambulatorial"),),
}
AMOUNT_RANGES = {
    "consulta": (150, 350),
    "exame": (30, 1400),
    "terapia": (80, 220),
    "internacao": (900, 3500),
    "internacao_psiquiatrica": (550, 750),
    "pronto_atendimento_online": (90, 140),
    "conexao_saude": (120, 200),
    "quimioterapia": (3000, 12000),
    "radioterapia": (800, 2500),
    "hemodialise": (600, 1100),
    "outro": (100, 600),
}
# Demo rates only: the real ones are in each beneficiary's Formulário de Inclusão (Art. 81).
COPAY_RULES = {
    "consulta": (Decimal("0.30"), Decimal("60.00")),
    "exame": (Decimal("0.30"), Decimal("120.00")),
    "terapia": (Decimal("0.30"), Decimal("45.00")),
    "internacao": (Decimal("0.10"), Decimal("350.00")),
    "outro": (Decimal("0.30"), Decimal("100.00")),
}
PSYCHIATRIC_COPAY_RATE = Decimal("0.50")  # Art. 83, §2º: up to 50% from the 31st day.
EXEMPT_REASONS = {
    "conexao_saude": "Isento: atendimento do Conexão Saúde (Art. 82, §4º, I).",
    "pronto_atendimento_online": "Isento: consulta de pronto atendimento online (Art. 82, §4º, II).",
    "quimioterapia": "Isento: tratamento ambulatorial de neoplasia maligna (Art. 82, §4º, III).",
    "radioterapia": "Isento: tratamento ambulatorial de neoplasia maligna (Art. 82, §4º, III).",
    "hemodialise": "Isento: hemodiálise (Art. 82, §4º, III).",
    "transplante": "Isento: transplante (Art. 82, §4º, III).",
}
PSYCHIATRIC_EXEMPT_REASON = "Isento: internação psiquiátrica até o 30º dia (Art. 82, VI)."

PENDING_DOCUMENTS = (
    "Relatório do médico assistente (assinado, datado e carimbado)",
    "Conta hospitalar discriminada com notas fiscais",
    "Recibo individualizado de honorários médicos",
    "Pedido médico dos exames realizados",
)
DENIAL_REASONS_REIMBURSEMENT = (
    "Atendimento eletivo: o reembolso cobre apenas urgência e emergência (Art. 71).",
    "Documentos não enviados no prazo; abra novo pedido com a documentação completa (Art. 72, §3º).",
    "Despesa não vinculada ao evento de urgência que originou o atendimento (Art. 72, §5º).",
)
DENIAL_REASONS_AUTHORIZATION = (
    "Procedimento não atende à Diretriz de Utilização (DUT) da ANS.",
    "Carência de 180 dias para exames especiais ainda não cumprida (Art. 51).",
    "Procedimento sem cobertura pelo Rol da ANS vigente.",
    "Documentação médica insuficiente: envie laudo e exames que justifiquem o pedido.",
)
AUTHORIZATION_PROCEDURES = (
    ("41101014", "Ressonância magnética de crânio", True),
    ("41001010", "Tomografia computadorizada de crânio", True),
    ("40901114", "Ultrassonografia de abdome total", False),
    ("30715016", "Artroscopia de joelho", True),
    ("31005012", "Colecistectomia por videolaparoscopia", True),
    ("20103093", "Sessões de fisioterapia (pacote de 10)", False),
    ("40202666", "Endoscopia digestiva alta", False),
)
REIMBURSEMENT_SERVICES = (
    "Consulta de urgência em pronto-socorro fora da rede credenciada",
    "Atendimento de emergência com exames de imagem",
    "Atendimento de urgência por acidente pessoal (sutura)",
    "Remoção e atendimento de emergência em viagem dentro de Minas Gerais",
    "Atendimento de urgência pediátrica com raio-x",
)
