"""Running the course: execute lectures headless, render HTML, build exercises.

Used by the Makefile; run ``python -m crmlab.course --help`` for the commands.

- ``run``: execute each lecture with papermill (its default parameters, plus any
  given with ``-p name value``) into an output folder, write its results folder
  and render an HTML page; an ``index.html`` links them all.
- ``execute-in-place``: re-execute committed notebooks top to bottom, keeping
  them clean of papermill metadata (what ``make notebooks`` does).
- ``exercises``: turn every exercise master notebook into a student version and
  an autograder with otter-grader.
"""
from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["run_lecture", "render_html", "execute_in_place", "build_exercises", "main"]

KERNEL = "python3"
TIMEOUT_SECONDS = 600


def run_lecture(notebook: Path, out_dir: Path, parameters: dict | None = None) -> tuple[Path, float]:
    """Execute ``notebook`` with papermill into ``out_dir/<name>.ipynb``; results go to ``out_dir/<name>/``.

    Returns the executed notebook's path and the seconds it took.
    """
    import papermill

    out_dir.mkdir(parents=True, exist_ok=True)
    name = notebook.stem
    params = {"output_dir": str((out_dir / name).resolve())}
    params.update(parameters or {})
    target = out_dir / f"{name}.ipynb"
    start = time.perf_counter()
    papermill.execute_notebook(
        str(notebook), str(target), parameters=params, kernel_name=KERNEL,
        cwd=str(notebook.parent), progress_bar=False, execution_timeout=TIMEOUT_SECONDS,
    )
    return target, time.perf_counter() - start


def render_html(executed: Path, slides: bool = False) -> Path:
    """Render an executed notebook to HTML (or reveal.js slides) next to it."""
    from nbconvert import HTMLExporter, SlidesExporter
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    exporter = SlidesExporter() if slides else HTMLExporter()
    body, _ = exporter.from_notebook_node(nb)
    target = executed.with_suffix(".slides.html" if slides else ".html")
    target.write_text(body, encoding="utf-8")
    return target


def execute_in_place(notebook: Path) -> float:
    """Re-execute ``notebook`` top to bottom in its own folder and save it; returns seconds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=TIMEOUT_SECONDS, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    nbformat.write(nb, notebook)
    return time.perf_counter() - start


def build_exercises(root: Path, out_dir: Path) -> list[Path]:
    """Build every ``exercises/<lecture>/<lecture>.ipynb`` master notebook (see ``crmlab.exercise_build``).

    Each lands in ``out_dir/<lecture>/`` with ``student/`` (hand out) and ``autograder/`` (grade with
    ``otter grade``, Gradescope or ``otter run``; the zip carries a wheel of crmlab).
    """
    from crmlab import exercise_build

    return exercise_build.build_exercises(root, out_dir)


def _index(out_dir: Path, rows: list[tuple[str, float]]) -> Path:
    items = "\n".join(
        f'<li><a href="{html.escape(name)}.html">{html.escape(name)}</a> ({seconds:.1f} s)</li>'
        for name, seconds in rows
    )
    page = (
        "<!doctype html><meta charset='utf-8'><title>crmlab course</title>"
        f"<h1>crmlab: executed lectures</h1><ul>{items}</ul>"
    )
    target = out_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def _parse_value(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crmlab.course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute lectures with papermill and render HTML")
    run.add_argument("notebooks", nargs="+", type=Path)
    run.add_argument("--out", type=Path, default=Path("build/course"))
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="override a parameter for every lecture (VALUE parsed as JSON when it can be)")
    run.add_argument("--slides", action="store_true", help="also render reveal.js slides")
    again = sub.add_parser("execute-in-place", help="re-execute committed notebooks")
    again.add_argument("notebooks", nargs="+", type=Path)
    ex = sub.add_parser("exercises", help="build student versions and autograders")
    ex.add_argument("--root", type=Path, default=Path("exercises"))
    ex.add_argument("--out", type=Path, default=Path("build/exercises"))
    args = parser.parse_args(argv)

    if args.command == "run":
        parameters = {name: _parse_value(value) for name, value in args.parameter}
        rows = []
        for notebook in args.notebooks:
            executed, seconds = run_lecture(notebook, args.out, parameters)
            render_html(executed)
            if args.slides:
                render_html(executed, slides=True)
            rows.append((notebook.stem, seconds))
            print(f"{notebook.stem}: executed in {seconds:.1f} s -> {executed.with_suffix('.html')}")
        print(f"index: {_index(args.out, rows)}")
    elif args.command == "execute-in-place":
        for notebook in args.notebooks:
            print(f"{notebook}: re-executed in {execute_in_place(notebook):.1f} s")
    else:
        for target in build_exercises(args.root, args.out):
            print(f"exercise built: {target}/student (hand out), {target}/autograder (grade)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
