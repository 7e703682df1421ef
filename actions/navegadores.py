"""Allowing the camera, the microphone and pop-ups, browser by browser (manual 002, PA Online).

The PA Online runs in the browser; most failures are a permission the browser withheld. The steps are the
manual's, for the browser and device the person names.
"""

from __future__ import annotations

import re

from bot.nlu.parsing import strip_accents

NAVEGADORES = {
    "firefox": (
        "Firefox no computador",
        "1. Clique no cadeado ao lado do endereço do site.\n"
        "2. Em “Conexão segura”, vá em “Mais informações” (abre uma nova aba).\n"
        "3. Na aba “Permissões”, desmarque “Usar o padrão” e marque “Permitir” em “Abrir janelas pop-up”, "
        "“Usar o microfone” e “Usar a câmera”.",
    ),
    "chrome_android": (
        "Chrome no Android",
        "1. Toque nos 3 pontinhos no canto superior direito.\n"
        "2. Vá em “Configurações” > “Configurações do site”.\n"
        "3. Em “Câmera”, “Microfone” e “Pop-ups e redirecionamentos”, mova a chave até ficar azul.",
    ),
    "chrome": (
        "Chrome no computador",
        "1. Clique nos 3 pontinhos no canto superior direito > “Configurações”.\n"
        "2. Em “Privacidade e segurança”, clique em “Configurações do site”.\n"
        "3. Permita “Câmera”, “Microfone” e “Pop-ups e redirecionamentos”.",
    ),
    "safari_iphone": (
        "Safari no iPhone",
        "1. Abra o site no Safari e toque no ícone “aA” ao lado do endereço.\n"
        "2. Toque em “Ajustes do Site” e marque “Permitir” em todas as opções.",
    ),
    "safari_mac": (
        "Safari no Mac",
        "1. Menu Apple > Preferências do Sistema > “Segurança e Privacidade” > aba Privacidade.\n"
        "2. Em “Câmera”, marque o Safari.\n"
        "3. Em “Microfone”, marque o Safari.",
    ),
}

PERGUNTA_NAVEGADOR = (
    "Para eu explicar como liberar a câmera e o microfone, me diga o navegador e o aparelho, por exemplo: "
    "“Chrome no computador”, “Firefox no computador”, “Safari no Mac”, “Chrome no Android” ou "
    "“Safari no iPhone”."
)

CAMERA = re.compile(r"\b(camera|camara|microfone|micro|mic|audio|video|permiss\w*|nao (me )?(ve|ouve)|pop.?up)")


def navegador_da_mensagem(texto: str) -> str | None:
    """Which browser and device a message names, as a key of ``NAVEGADORES``.

    >>> navegador_da_mensagem("uso o chrome no meu celular android")
    'chrome_android'
    >>> navegador_da_mensagem("safari do iphone") , navegador_da_mensagem("Safari no macbook")
    ('safari_iphone', 'safari_mac')
    >>> navegador_da_mensagem("a câmera não liga") is None
    True
    """
    folded = strip_accents(texto)
    if "firefox" in folded:
        return "firefox"
    if "safari" in folded or "iphone" in folded or "ipad" in folded:
        return "safari_mac" if re.search(r"\bmac", folded) else "safari_iphone"
    if "chrome" in folded:
        movel = re.search(r"android|celular|telemovel|smartphone|samsung|motorola", folded)
        return "chrome_android" if movel else "chrome"
    return None
