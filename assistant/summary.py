"""One-line summaries: a list of short labels said in one line, what they share said once.

What it does: joins labels with semicolons; labels that end alike after a colon ('calcitonin:
could shorten the course, according to some authors', 'iloprost: could shorten the course,
according to some authors') are said as one sentence with the shared part once, at the end,
and labels that open alike ('knee: also the lateral condyle', 'knee: preferentially the medial
condyle') share their opening. The hedge stays, attached to every item it qualified; nothing is
added or dropped but the repeats. Punctuation is the only thing read: no word of any language.

What it leaves out: choosing the labels and their order (the composer does), and any label
without a colon, which is kept whole.
"""
from __future__ import annotations

import re

# ': ' in English, ' : ' in French; the first colon splits a label into its opening and the rest.
_COLON = re.compile(r"\s?:\s")


def _split(label: str) -> tuple[str, str, str] | None:
    m = _COLON.search(label)
    if m is None or m.start() == 0 or m.end() >= len(label):
        return None
    return label[:m.start()], m.group(0), label[m.end():]


def _capital(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


def one_line(labels: list[str], capital: bool = True) -> str:
    """``labels`` as one line: 'A; b; c.' with shared endings and openings said once (``capital``:
    the line opens with a capital; without, it follows a header and opens as the first label does)."""
    parts = [_split(x) for x in labels]
    tails: dict[str, list[int]] = {}
    heads: dict[str, list[int]] = {}
    for i, p in enumerate(parts):
        if p is not None:
            tails.setdefault(p[2], []).append(i)
            heads.setdefault(p[0], []).append(i)
    sentences_out: list[str] = []
    plain: list[str] = []
    done: set[int] = set()

    def flush() -> None:
        if plain:
            sentences_out.append(_capital("; ".join(plain)) + ".")
            plain.clear()

    for i, label in enumerate(labels):
        if i in done:
            continue
        p = parts[i]
        same_tail = tails.get(p[2], []) if p else []
        same_head = heads.get(p[0], []) if p else []
        if len(same_tail) > 1:
            flush()
            sentences_out.append(_capital("; ".join(parts[j][0] for j in same_tail)) + p[1] + p[2] + ".")
            done.update(same_tail)
        elif len(same_head) > 1:
            flush()
            sentences_out.append(_capital(p[0]) + p[1] + "; ".join(parts[j][2] for j in same_head) + ".")
            done.update(same_head)
        else:
            plain.append(label)
            done.add(i)
    flush()
    line = " ".join(sentences_out)
    return line if capital or not labels else labels[0][:1] + line[1:]
