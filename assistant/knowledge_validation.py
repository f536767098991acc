"""Reading the knowledge YAML files, and errors that say which entry is wrong and how to fix it.

What it does: reads a YAML file with the safe loader (in C when built) and turns every way it
can fail (missing, not UTF-8, bad syntax, invalid entries, duplicate ids, a source that names
no paragraph) into one :class:`KnowledgeError` whose message names the file, the entry (by its
id when it has one) and the fix. The question bank and the statements reuse these helpers for
their own data files.

What it leaves out: which files make up the knowledge base and in what order they are checked
(:func:`assistant.knowledge.load_knowledge`), and the records' shapes
(:mod:`assistant.knowledge_records`).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeError(ValueError):
    """The knowledge files are invalid; the message names the file, the entry and the fix."""


def read_yaml(path: Path) -> object:
    if not path.is_file():
        raise KnowledgeError(f"{path}: missing. Restore it from git (git checkout -- {path.name}).")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot be read as UTF-8 text ({exc}). Restore it from git "
                             f"(git checkout -- {path.name}) or save it as UTF-8.") from None
    try:
        return yaml.load(text, Loader=_LOADER)  # the safe loader, in C when built
    except yaml.YAMLError as exc:
        raise KnowledgeError(
            f"{path}: not valid YAML{_entry_near(text, exc)} ({exc}). Fix the syntax at the line shown."
        ) from exc


def _entry_near(text: str, exc: yaml.YAMLError) -> str:
    """Name the entry whose `id:` line comes last before the syntax error, so the message says where to look."""
    marks = [m for m in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)) if m is not None]
    if not marks:
        return ""
    for line in reversed(text.splitlines()[: min(m.line for m in marks) + 1]):
        found = re.match(r"""\s*(?:-\s+)?id:\s*["']?([^"'\s#:]+)""", line)
        if found:
            return f" near entry id={found.group(1)!r}"
    return ""


def _entry_name(data: object, loc: tuple) -> str:
    """Name the offending entry by its id when it has one, else by its position."""
    node = data
    names = []
    for part in loc:
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            names.append(str(part))
            break
        if isinstance(node, dict) and "id" in node:
            names.append(f"id={node['id']!r}")
        else:
            names.append(str(part))
    return " > ".join(names)


def validation_error(path: Path, data: object, exc: ValidationError, prefix: tuple = ()) -> KnowledgeError:
    lines = []
    for err in exc.errors()[:10]:
        loc = prefix + tuple(err["loc"])
        hint = {
            "extra_forbidden": "remove the key or fix its spelling",
            "missing": "add the key (both `fr` and `en` are required)",
            "literal_error": "use one of the allowed values",
            "string_too_short": "fill in the text",
        }.get(err["type"], "correct the value")
        lines.append(f"  entry {_entry_name(data, loc)}: {err['msg']} -> {hint}")
    return KnowledgeError(f"{path}: invalid entries:\n" + "\n".join(lines))


def check_unique(path: Path, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise KnowledgeError(f"{path}: duplicate {what} id {i!r}. Give each entry its own id.")
        seen.add(i)


def check_sources(path: Path, entry_id: str, sources: tuple[str, ...], known: set[str]) -> None:
    for s in sources:
        if s not in known:
            raise KnowledgeError(
                f"{path}: entry id={entry_id!r} cites paragraph {s!r}, which does not exist. "
                f"Use an id from paragraphs.yaml."
            )


def fails(model: type[BaseModel], data: object) -> bool:
    try:
        model.model_validate(data)
        return False
    except ValidationError:
        return True
