"""Short replies ("sim", "de jeito nenhum", "Deus lhe pague", "flw") recognised by whole-message match.

Yes, no, thanks, goodbye and greetings are closed classes: people say them in a few hundred fixed ways. The
statistical classifier learns them from a handful of examples and reads the rest by their character n-grams, so
a fixed phrase that shares letters with a topic lands on the topic ("Deus lhe pague" on invoices, "vc é demais"
on paging). The lexicon (``short_replies.yml``, beside this module) settles those phrases without moving any
decision boundary of the classifier, which adding them as training examples would (docs/nlu.md).

Only a message that is one lexicon phrase, or nothing but lexicon phrases, matches: "não, não" is ``negar``;
"obrigado, quero a segunda via" is left to the classifier. Phrases of several intents follow the convention of the
training data (:data:`PRECEDENCE`): "até a próxima, obrigada" closes the conversation, "não, valeu" refuses,
"perfeito, obrigada" thanks, "boa noite, tchau" says goodbye. A "no" softened by an "ok" ("ok, não precisa", "não,
tá bom") is still a refusal.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from bot.nlu.parsing import strip_accents
from bot.yaml_files import DataFileError, compose, line_of

LEXICON_PATH = Path(__file__).with_name("short_replies.yml")

# The intents a short reply can have. Topics never: a topic needs the classifier and, when unsure, a question.
REPLY_INTENTS = ("saudacao", "despedida", "agradecimento", "afirmar", "negar")
# Which intent a message of phrases of several intents has: the first of them here. The order is the one the
# training data follows (tests/bot/nlu/test_short_replies.py checks every such example): a goodbye closes the
# conversation whatever came with it, a refusal with thanks or with "ok" is still a refusal, thanks outweigh
# "perfeito" and a greeting counts last.
PRECEDENCE = ("despedida", "negar", "agradecimento", "afirmar", "saudacao")

# Commas, stops, "!" and "?" separate phrases; the rest of what is not a letter, a digit or a space (emoji,
# quotes, dashes) is dropped.
_SEPARATORS = re.compile(r"[,.;:!?¿¡]+")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")
_TEXT, _BOOL, _NULL = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "bool", "null"))


class ShortRepliesError(DataFileError):
    """The lexicon file is broken; the message says where and why, in Portuguese (``source``, ``line``, ``reason``)."""


# "JA FALEI", "do meu marido, ja falei": someone annoyed at being asked again (goodbye, 0.94), not leaving.
_ALREADY_SAID = re.compile(r"\b(?:ja|jah)\s+(?:falei|disse|expliquei|informei|respondi|escrevi)\b")


def says_already_said(text: str) -> bool:
    """Whether a message protests that its writer already said it.

    >>> says_already_said("JA FALEI"), says_already_said("ja falei q nao sou cliente!!"), says_already_said("já disse")
    (True, True, True)
    >>> says_already_said("do meu marido, ja falei"), says_already_said("ja paguei")
    (True, False)

    "Já disse que não" repeats an answer, which stays the answer:

    >>> says_already_said("não!! já disse que não"), says_already_said("sim, já falei que sim")
    (False, False)
    """
    folded = strip_accents(text).lower()
    return bool(_ALREADY_SAID.search(folded)) and not re.search(r"\b(?:que|q) (?:sim|nao|n)\W*$", folded)


def normalize(phrase: str) -> str:
    """Fold a phrase the way the lexicon is looked up: no case, accents, emoji; letters repeated 3+ times once.

    >>> normalize("Siiim!! 👍"), normalize("OBRIGADÃÃÃO"), normalize("  de  jeito   nenhum ")
    ('sim', 'obrigadao', 'de jeito nenhum')
    """
    folded = _NOT_WORD.sub(" ", strip_accents(phrase))
    return _SPACES.sub(" ", _REPEATS.sub(r"\1", folded)).strip()


def parse_lexicon(text: str, source: str = "<texto>") -> Dict[str, str]:
    r"""Read a lexicon document: a mapping from each reply intent to its list of phrases.

    Args:
        text: The YAML document.
        source: Name used in error messages (the file path).

    Returns:
        Each normalised phrase mapped to its intent.

    Raises:
        ShortRepliesError: With the line and the reason, in Portuguese: invalid YAML, an intent that is not a
            reply intent, an entry that is not text or is empty once folded, or one phrase under two intents.

    >>> parse_lexicon("negar:\n  - De jeito nenhum!\nafirmar:\n  - sim")
    {'de jeito nenhum': 'negar', 'sim': 'afirmar'}
    >>> parse_lexicon("negar:\n  - não\nafirmar:\n  - Não!")
    Traceback (most recent call last):
    ...
    bot.nlu.short_replies.ShortRepliesError: <texto>, linha 4: 'Não!' já está em negar (linha 2)
    """
    loader = yaml.SafeLoader(text)
    try:
        root = compose(loader, source, ShortRepliesError)
        if not isinstance(root, MappingNode):
            raise ShortRepliesError(source, line_of(root), "o arquivo deve ser um mapeamento intenção: [frases]")
        lexicon: Dict[str, str] = {}
        seen: Dict[str, int] = {}
        for key, value in root.value:
            intent = key.value if isinstance(key, ScalarNode) else None
            if intent not in REPLY_INTENTS:
                raise ShortRepliesError(source, line_of(key), f"intenção {intent!r} não é uma resposta curta; use "
                                                            f"uma de {', '.join(REPLY_INTENTS)}")
            if not isinstance(value, SequenceNode):
                raise ShortRepliesError(source, line_of(value), f"{intent} deve ser uma lista de frases")
            for item in value.value:
                # YAML reads "yes" and "off" as booleans; in a list of phrases they are the words.
                if not isinstance(item, ScalarNode) or item.tag not in (_TEXT, _BOOL, _NULL):
                    raise ShortRepliesError(source, line_of(item), f"cada frase de {intent} deve ser um texto")
                phrase = normalize(item.value)
                if not phrase:
                    raise ShortRepliesError(source, line_of(item), f"{item.value!r} fica vazia sem pontuação e emoji")
                if phrase in lexicon:
                    raise ShortRepliesError(source, line_of(item), f"{item.value!r} já está em {lexicon[phrase]} "
                                                                 f"(linha {seen[phrase]})")
                lexicon[phrase], seen[phrase] = intent, line_of(item)
        return lexicon
    finally:
        loader.dispose()


@lru_cache(maxsize=1)
def lexicon() -> Dict[str, str]:
    """The lexicon shipped beside this module, read once on first use."""
    return parse_lexicon(LEXICON_PATH.read_text(encoding="utf-8"), str(LEXICON_PATH))


def split_phrases(text: str) -> List[str]:
    """The phrases of a message, as commas, stops, "!" and "?" separate them, each normalised.

    >>> split_phrases("Não, obrigado!! 🙏 Tchau.")
    ['nao', 'obrigado', 'tchau']
    """
    return [phrase for phrase in map(normalize, _SEPARATORS.split(strip_accents(text))) if phrase]


# Regional and spoken interjections that carry no answer of their own ("oxe, de jeito nenhum", "não tchê", "sim
# sô"): dropped at either end of a phrase, so the reply inside decides. Alone they say nothing and match nothing.
INTERJECTIONS = frozenset(
    "oxe oxente bah tche uai eita vixe visse mano vei bicho po pow ow so ai ah eh hum hmm".split()
)


# u22: "bom dia, sou o José, marido da Maria" fell back: who is writing, said with a greeting, adds no request.
_RELATION = (r"(?:marido|esposa|esposo|mulher|filh[oa]|mae|pai|net[oa]|irma|irmao|genro|nora|sogr[oa]|companheir[oa]|"
             r"dependente|titular)")
# A name needs its article ("sou o José"), so "não, sou outra pessoa" stays a person saying they are someone else.
_INTRODUCTION = re.compile(
    rf"(?:(?:(?:aqui e|aqui quem fala e|quem fala e|eu sou|sou) (?:o|a)|me chamo|meu nome e) [a-z]+(?: [a-z]+)?"
    rf"(?: {_RELATION} d[ao] [a-z]+)?|(?:o |a |sou o |sou a |sou )?{_RELATION}(?: d[ao] [a-z]+)?)"
)


def _without_interjections(phrase: str) -> str:
    """A normalised phrase without the interjections at its ends.

    >>> _without_interjections("nao tche"), _without_interjections("oxe de jeito nenhum"), _without_interjections("bah")
    ('nao', 'de jeito nenhum', '')
    """
    words = phrase.split()
    while words and words[0] in INTERJECTIONS:
        words.pop(0)
    while words and words[-1] in INTERJECTIONS:
        words.pop()
    return " ".join(words)


def match(text: str, phrases: Dict[str, str]) -> str | None:
    """Return the intent of a message made only of ``phrases``, else None.

    Interjections (:data:`INTERJECTIONS`) around a phrase do not count; a message of interjections only matches
    nothing.

    >>> words = {"nao": "negar", "de jeito nenhum": "negar", "obrigado": "agradecimento", "tchau": "despedida",
    ...          "sim": "afirmar"}
    >>> match("Não, de jeito nenhum!!", words), match("obrigado. não", words), match("obrigado, tchau", words)
    ('negar', 'negar', 'despedida')
    >>> match("não quero", words) is None, match("sim. não", words)
    (True, 'negar')
    >>> match("oxe, de jeito nenhum", words), match("não tchê", words), match("bah, oxe!", words) is None
    ('negar', 'negar', True)
    >>> match("Não, sou o José, marido da Maria", words), match("sou o José, marido da Maria", words) is None
    ('negar', True)
    >>> match("não, sou outra pessoa", words) is None
    True
    """
    whole = normalize(text)
    if whole in phrases:
        return phrases[whole]
    intents = set()
    for phrase in split_phrases(text):
        if phrase not in phrases:
            phrase = _without_interjections(phrase)
            if not phrase or _INTRODUCTION.fullmatch(phrase):
                continue
            if phrase not in phrases:
                return None
        intents.add(phrases[phrase])
    return next((intent for intent in PRECEDENCE if intent in intents), None)


# A message of emoji only: "👍" after an answer was "não entendi" (the words are what the lexicon reads, and an emoji
# folds to nothing). Thanks and goodbye are the replies that close what was answered without a new question.
_EMOJI_REPLIES = {
    "👍": "agradecimento", "👌": "agradecimento", "🙏": "agradecimento", "❤": "agradecimento", "😊": "agradecimento",
    "🙂": "agradecimento", "👏": "agradecimento", "✅": "agradecimento", "🥰": "agradecimento", "😉": "agradecimento",
    "👋": "despedida",
}
# Variation selectors, joiners and skin tones that ride along with an emoji.
_EMOJI_MODIFIERS = re.compile(r"[\ufe0f\u200d\U0001f3fb-\U0001f3ff\s]")


def emoji_reply_intent(text: str) -> str | None:
    """The reply a message of emoji only stands for, when all its emoji mean the same.

    >>> emoji_reply_intent("👍"), emoji_reply_intent("🙏🏽🙏🏽"), emoji_reply_intent("👋"), emoji_reply_intent("👍 ok")
    ('agradecimento', 'agradecimento', 'despedida', None)
    """
    emoji = _EMOJI_MODIFIERS.sub("", text or "")
    intents = {_EMOJI_REPLIES.get(ch) for ch in emoji}
    return intents.pop() if emoji and len(intents) == 1 and None not in intents else None


def short_reply_intent(text: str) -> str | None:
    """Return the reply intent of a message that is only a short reply ("siiim", "vlw!", "fica com Deus", "👍")."""
    return match(text, lexicon()) or emoji_reply_intent(text)
