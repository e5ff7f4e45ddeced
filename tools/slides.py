"""Set the slide metadata of every lecture for presenting; idempotent, so re-run it after merges.

    python tools/slides.py            # rewrite cell.metadata.slideshow of notebooks/[0-9][0-9]_*.ipynb
    python tools/slides.py --check    # exit 1 if any notebook's slide metadata differs from the rules

Only ``cell.metadata.slideshow`` is written; sources, outputs, ids and other metadata stay as
they are. The slide type of each cell follows from the rules below, then from the per-lecture
overrides in ``tools/slides_overrides.json`` (``{"NN_topic": {"<cell id>": "<slide type>"}}``),
so the result depends only on the notebook's cells and that file: running it twice changes nothing.

Rules (one idea per slide; widgets and plots on their own slides):

- the title cell (``# ...``) and every cell holding a ``## `` section heading opens a slide;
- any other markdown cell opens a subslide (one idea each), except a short lead-in (at most
  two lines, ending with ":" or followed by its code) that stays with the code it introduces;
- the parameters cell, code cells that only import or set up (no output) and the closing
  ``summary = results.save()`` cell are skipped;
- a code cell whose output holds a widget or a figure opens its own subslide, and the cell after
  it opens the next one, so the figure is alone on screen;
- other code cells (tables, printed numbers) continue the slide of the text before them;
- markdown that starts with ``**Instructor`` / ``**Teaching note`` / ``<!-- notes -->`` becomes
  speaker notes (``notes``: shown in reveal.js's speaker view, key ``s``, not on the slide).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "tools" / "slides_overrides.json"
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTES = re.compile(r"^\s*(\*\*(Instructor|Teaching note|For the instructor)|<!--\s*notes\s*-->)", re.I)


def _visual(cell) -> bool:
    """Whether a code cell shows a widget or a figure."""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if WIDGET_VIEW in data or "image/png" in data or "image/svg+xml" in data:
            return True
    return False


def _setup_only(cell) -> bool:
    """A code cell with no output that starts with imports (the lecture's set-up)."""
    if cell.get("outputs"):
        return False
    first = next((line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")), "")
    return bool(re.match(r"^(import |from \S+ import )", first))


def slide_types(nb, overrides: dict[str, str] | None = None) -> list[str]:
    """The slide type of every cell of ``nb`` by the rules, then ``overrides`` (cell id -> type)."""
    types: list[str] = []
    after_visual = False
    for index, cell in enumerate(nb.cells):
        source = cell.source.strip()
        following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if cell.cell_type == "markdown":
            first = source.splitlines()[0] if source else ""
            if NOTES.match(source):
                kind = "notes"
            elif first.startswith("# ") or any(line.startswith("## ") for line in source.splitlines()):
                kind = "slide"
            elif (not after_visual and types and len(source.splitlines()) <= 2 and following is not None
                  and following.cell_type == "code" and source.endswith(":")):
                kind = "-"
            else:
                kind = "subslide"
            after_visual = False
        elif cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            if ("parameters" in tags or "injected-parameters" in tags or _setup_only(cell)
                    or source.startswith("summary = results.save()")):
                kind = "skip"
            elif _visual(cell):
                kind = "subslide"
                after_visual = True
                types.append(kind)
                continue
            else:
                kind = "subslide" if after_visual else "-"
            after_visual = False
        else:
            kind = "skip"
        types.append(kind)
    if overrides:
        for position, cell in enumerate(nb.cells):
            if cell.get("id") in overrides:
                types[position] = overrides[cell.id]
    # the first shown cell opens the deck
    for position, kind in enumerate(types):
        if kind not in ("skip", "notes"):
            types[position] = "slide"
            break
    return types


def load_overrides(path: Path = OVERRIDES) -> dict[str, dict[str, str]]:
    """Per-lecture overrides; every slide type must be one reveal.js/Jupyter knows."""
    if not path.exists():
        return {}
    overrides = json.loads(path.read_text(encoding="utf-8"))
    for lecture, cells in overrides.items():
        if lecture.startswith("_"):
            continue
        for cell_id, kind in cells.items():
            if kind not in SLIDE_TYPES:
                raise ValueError(f"{path}: {lecture} cell {cell_id}: slide type {kind!r} is not one of {SLIDE_TYPES}")
    return {k: v for k, v in overrides.items() if not k.startswith("_")}


def apply(notebook: Path, overrides: dict[str, dict[str, str]], check: bool = False) -> bool:
    """Set (or with ``check`` only compare) the slide metadata of one notebook; returns whether it changed."""
    nb = nbformat.read(notebook, as_version=4)
    mine = overrides.get(notebook.stem, {})
    unknown = set(mine) - {cell.get("id") for cell in nb.cells}
    if unknown:
        print(f"{notebook.name}: overrides name cells that no longer exist: {sorted(unknown)}", file=sys.stderr)
    changed = False
    for cell, kind in zip(nb.cells, slide_types(nb, mine)):
        if cell.metadata.get("slideshow") != {"slide_type": kind}:
            changed = True
            cell.metadata["slideshow"] = {"slide_type": kind}
    if changed and not check:
        nbformat.write(nb, notebook)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="only report notebooks whose metadata differs")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    overrides = load_overrides()
    differing = [nb for nb in notebooks if apply(nb, overrides, check=args.check)]
    for notebook in differing:
        print(f"{notebook.name}: slide metadata {'differs' if args.check else 'updated'}")
    return 1 if (args.check and differing) else 0


if __name__ == "__main__":
    sys.exit(main())
