"""Build the Portuguese spaCy pipeline from spaCy's own language data.

No model hub can be reached, so the pipeline is a blank ``pt`` language with
the lookup lemmatizer, whose tables come from the spacy-lookups-data package.
Rasa's SpacyNLP loads the result by path, and fingerprints it by that path only: when
what this script builds changes, the folder's name changes with it (``config.yml``,
``Makefile``), or Rasa's training cache would keep the old features.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

# The lookup table gives the conjugated forms of "ir" (vou, vai, indo...) the lemma "ir", which is
# also the lower-cased "IR" of imposto de renda: "vou indo, abraço" read as an income-tax question.
# The infinitive keeps "ir" (it is not in the table); the other forms get a lemma of their own.
VERB_IR_LEMMA = "ir_verbo"


def _separate_verb_ir(nlp: spacy.language.Language) -> int:
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    forms = [
        "vou", "vais", "vai", "vamos", "ides", "vão", "ia", "ias", "íamos", "íeis", "iam",
        "irão", "vá", "vás", "vades", "indo", "ido",
    ]
    changed = 0
    for form in forms:
        if table.get(form) == "ir":
            table.set(form, VERB_IR_LEMMA)
            changed += 1
    return changed


ABBREVIATIONS = Path(__file__).with_name("abreviacoes.yml")


def _expand_abbreviations(nlp: spacy.language.Language, path: Path = ABBREVIATIONS) -> int:
    """Give each WhatsApp abbreviation in ``path`` the lemma of the word it stands for."""
    import yaml

    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for abbreviation, word in entries.items():
        table.set(str(abbreviation), table.get(word, word))
    return len(entries)


def build(target: Path) -> None:
    """Write the pipeline to ``target`` (a folder), replacing what is there."""
    nlp = spacy.blank("pt")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    _separate_verb_ir(nlp)
    _expand_abbreviations(nlp)
    nlp.meta["name"] = "atende_pt"
    nlp.meta["version"] = "1.0.0"
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "models/spacy_pt-2")
    build(out)
    doc = spacy.load(out)("Cadê os reembolsos das consultas? Vou indo. vlw")
    print(out, [t.lemma_ for t in doc])
