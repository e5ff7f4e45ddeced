"""The Chinese edition (中文版): generated from the English lectures plus translation catalogs.

One source of code: ``notebooks/zh/NN_topic.ipynb`` has the English notebook's code cells (only the
``lang`` parameter differs) and its markdown cells come from ``i18n/zh/NN_topic.md``, a catalog with
one entry per markdown cell, keyed by the cell id and by a hash of the English text it translates::

    <!-- cell 50b0e03c en:3f2a9c01d4e5 -->
    # 07 · 客户价值与客户终身价值基础
    ...

An entry whose hash no longer matches the English cell is *stale*: the English changed after it was
translated. ``python -m crmlab.edition status`` lists missing and stale entries with the English text,
``extract`` adds placeholders for new cells, ``build`` writes (and with ``--execute`` runs) the Chinese
notebooks. ``tests/test_edition.py`` fails on any missing or stale entry and on any committed Chinese
notebook that differs from what ``build`` makes.

Examples
--------
>>> text = "## 1. Why value a customer?"
>>> entry = Entry(source_hash(text), "## 1. 为什么要衡量客户价值？")
>>> entry.is_current(text), entry.is_current(text + " (edited)")
(True, False)
>>> parse_catalog(format_catalog({"ab12cd34": entry}))["ab12cd34"] == entry
True
>>> round(cjk_share("客户价值 customer value"), 2)
0.24
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Entry",
    "TranslationError",
    "source_hash",
    "parse_catalog",
    "format_catalog",
    "catalog_path",
    "edition_path",
    "problems",
    "extract",
    "generate",
    "build",
    "cjk_share",
    "prose_letters",
    "main",
]

ROOT = Path(__file__).resolve().parent.parent
UNTRANSLATED = "<!-- untranslated -->"
_MARKER = re.compile(r"^<!-- cell (?P<id>[A-Za-z0-9_-]+) en:(?P<hash>[0-9a-f]{12}) -->$", re.M)
_LANG_LINE = re.compile(r'^(lang\s*(?::\s*str)?\s*=\s*)"en"', re.M)


class TranslationError(ValueError):
    """A catalog is missing translations or holds stale ones; the message lists the cells."""


@dataclass(frozen=True)
class Entry:
    """One translated markdown cell: the hash of the English it translates, and the Chinese text."""

    en_hash: str
    text: str

    def is_current(self, english: str) -> bool:
        """True when this entry translates exactly ``english`` (the cell has not changed since)."""
        return self.en_hash == source_hash(english)

    @property
    def translated(self) -> bool:
        return bool(self.text.strip()) and UNTRANSLATED not in self.text


def source_hash(text: str) -> str:
    """A 12-hex-digit fingerprint of an English cell's text (trailing spaces on lines ignored)."""
    norm = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:12]


def parse_catalog(text: str) -> dict[str, Entry]:
    """Read a catalog's text into ``{cell_id: Entry}``."""
    entries: dict[str, Entry] = {}
    marks = list(_MARKER.finditer(text))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        cell_id = mark.group("id")
        if cell_id in entries:
            raise TranslationError(f"catalog has two entries for cell {cell_id}")
        entries[cell_id] = Entry(mark.group("hash"), text[mark.end():end].strip("\n"))
    return entries


def format_catalog(entries: dict[str, Entry], title: str = "") -> str:
    """Write ``{cell_id: Entry}`` as catalog text (entries in the given order)."""
    head = f"<!-- Chinese translation of {title}: one entry per markdown cell (crmlab.edition) -->\n\n" if title else ""
    body = "\n\n".join(f"<!-- cell {cid} en:{e.en_hash} -->\n{e.text.strip()}" for cid, e in entries.items())
    return head + body + "\n"


def _is_exercise(notebook: Path) -> bool:
    return notebook.resolve().parent.parent.name == "exercises"


def catalog_path(notebook: Path) -> Path:
    """``i18n/zh/<stem>.md`` for a lecture, ``i18n/zh/exercises/<stem>.md`` for an exercise master."""
    path = notebook.resolve()
    if _is_exercise(notebook):
        return path.parent.parent.parent / "i18n" / "zh" / "exercises" / f"{notebook.stem}.md"
    return path.parent.parent / "i18n" / "zh" / f"{notebook.stem}.md"


def edition_path(notebook: Path) -> Path:
    """``notebooks/zh/<name>`` for a lecture, ``exercises/<set>/zh/<name>`` for an exercise master."""
    return notebook.resolve().parent / "zh" / notebook.name


def _read_nb(notebook: Path):
    import nbformat

    return nbformat.read(notebook, as_version=4)


def _load(notebook: Path) -> dict[str, Entry]:
    path = catalog_path(notebook)
    return parse_catalog(path.read_text(encoding="utf-8")) if path.exists() else {}


def problems(notebook: Path) -> list[str]:
    """Every markdown cell of ``notebook`` without a current translation, one line each."""
    entries = _load(notebook)
    out = []
    for cell in _read_nb(notebook).cells:
        if cell.cell_type != "markdown":
            continue
        entry = entries.get(cell.id)
        first = cell.source.strip().splitlines()[0][:70] if cell.source.strip() else ""
        if entry is None or not entry.translated:
            out.append(f"{notebook.stem} cell {cell.id}: no translation ({first!r})")
        elif not entry.is_current(cell.source):
            out.append(f"{notebook.stem} cell {cell.id}: stale translation, the English changed ({first!r})")
    return out


def extract(notebook: Path) -> Path:
    """Create or update the catalog of ``notebook``: keep every entry, add placeholders for new cells.

    A placeholder holds the English text under an ``<!-- untranslated -->`` mark, so that the
    translator writes over it. Entries of cells that no longer exist are dropped.
    """
    entries = _load(notebook)
    ordered: dict[str, Entry] = {}
    for cell in _read_nb(notebook).cells:
        if cell.cell_type != "markdown":
            continue
        ordered[cell.id] = entries.get(cell.id) or Entry(source_hash(cell.source),
                                                         f"{UNTRANSLATED}\n{cell.source.strip()}")
    path = catalog_path(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_catalog(ordered, notebook.name), encoding="utf-8")
    return path


def generate(notebook: Path):
    """The Chinese edition of ``notebook`` (not executed): translated markdown, same code, ``lang="zh"``."""
    found = problems(notebook)
    if found:
        raise TranslationError(f"{len(found)} cell(s) of {notebook.name} lack a current translation:\n"
                               + "\n".join(found))
    entries = _load(notebook)
    nb = copy.deepcopy(_read_nb(notebook))
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "markdown":
            cell.source = entries[cell.id].text
        elif cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if "parameters" in cell.metadata.get("tags", []):
                new, n = _LANG_LINE.subn(r'\1"zh"', cell.source)
                if n != 1 and not _is_exercise(notebook):
                    raise TranslationError(f"{notebook.name}: parameters cell has no `lang = \"en\"` line")
                cell.source = new
    nb.metadata.pop("widgets", None)
    meta = nb.metadata.setdefault("crmlab", {})
    meta["edition"] = "zh"
    meta["generated_from"] = f"../{notebook.name}"
    meta["parameter_sets"] = [s for s in meta.get("parameter_sets", []) if s.get("lang") != "zh"]
    return nb


def build(notebook: Path, execute: bool = False) -> Path:
    """Write ``notebooks/zh/<name>`` from the English lecture; run it in place when ``execute``."""
    import nbformat

    target = edition_path(notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(generate(notebook), target)
    if execute:
        from crmlab.course import execute_in_place

        execute_in_place(target)
    return target


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def cjk_share(text: str) -> float:
    """CJK characters as a share of all letters (CJK + Latin) in ``text``; 0 when it has none."""
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


_REFERENCES = re.compile(r"^(#+\s*|\*\*)(references|further reading|参考文献|延伸阅读).*", re.I | re.M | re.S)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def printed_text(nb) -> str:
    """Everything a notebook's code cells print or show as text: streams, HTML tables (tags and styles
    removed) and plain-text results; images and widget views are left out."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
                continue
            data = output.get("data", {})
            if "text/html" in data:
                page = re.sub(r"<style.*?</style>", " ", "".join(data["text/html"]), flags=re.S)
                parts.append(re.sub(r"<[^>]+>", " ", page))
            elif "text/plain" in data and "image/png" not in data and WIDGET_VIEW not in data:
                parts.append("".join(data["text/plain"]))
    return "\n".join(parts)


def prose_letters(markdown: str) -> str:
    """The prose of a markdown cell: math, code, link targets, HTML and the reference list removed."""
    text = _REFERENCES.sub("", markdown)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crmlab.edition", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["status", "extract", "build"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--execute", action="store_true", help="with build: run the Chinese notebooks")
    args = parser.parse_args(argv)
    status = 0
    for notebook in args.notebooks:
        if args.command == "extract":
            print(f"{notebook.name}: catalog {extract(notebook)}")
        elif args.command == "status":
            found = problems(notebook)
            print(f"{notebook.name}: {'up to date' if not found else f'{len(found)} cell(s) to translate'}")
            for line in found:
                print("  " + line)
            status = status or bool(found)
        else:
            print(f"{notebook.name}: wrote {build(notebook, execute=args.execute)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
