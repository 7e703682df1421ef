"""Build the Portuguese spaCy pipeline from spaCy's own language data.

No model hub can be reached, so the pipeline is a blank ``pt`` language with
the lookup lemmatizer, whose tables come from the spacy-lookups-data package.
Rasa's SpacyNLP loads the result by path.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy


def build(target: Path) -> None:
    """Write the pipeline to ``target`` (a folder), replacing what is there."""
    nlp = spacy.blank("pt")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "atende_pt"
    nlp.meta["version"] = "1.0.0"
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "models/spacy_pt")
    build(out)
    doc = spacy.load(out)("Cadê os reembolsos das consultas?")
    print(out, [t.lemma_ for t in doc])
