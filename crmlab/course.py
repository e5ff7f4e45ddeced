"""Running the course: execute lectures headless, render HTML, build exercises.

Used by the Makefile; run ``python -m crmlab.course --help`` for the commands.

- ``run``: execute each lecture with papermill (its default parameters, plus any
  given with ``-p name value``) into an output folder, write its results folder
  and build the course site there (``crmlab.site``: lecture pages, index, slides,
  exercises; every script local, so it opens from disk with no network).
  Notebooks under ``notebooks/zh/`` form the Chinese edition in ``<out>/zh/``.
- ``site``: build the site (``--slides``: and the reveal.js decks) from notebooks
  that are already executed: ``<out>/<lecture>.ipynb`` when newer, else the given
  (committed) notebook; nothing is re-run.
- ``execute-in-place``: re-execute committed notebooks top to bottom, keeping
  them clean of papermill metadata and storing the widget state with a static
  image of each widget's default view (what ``make notebooks`` does).
- ``exercises``: turn every exercise master notebook into a student version and
  an autograder with otter-grader.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

__all__ = ["run_lecture", "render_html", "execute_in_place", "add_static_views", "build_exercises", "main"]

KERNEL = "python3"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TIMEOUT_SECONDS = 600


def run_lecture(notebook: Path, out_dir: Path, parameters: dict | None = None) -> tuple[Path, float]:
    """Execute ``notebook`` with papermill into ``out_dir/<name>.ipynb``; results go to ``out_dir/<name>/``.

    Returns the executed notebook's path and the seconds it took.
    """
    import papermill

    out_dir.mkdir(parents=True, exist_ok=True)
    name = notebook.stem
    # relative to the notebook's folder (its working directory), so no page shows the build machine's paths
    params = {"output_dir": os.path.relpath((out_dir / name).resolve(), notebook.parent.resolve())}
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


def _widget_outputs(model_id: str, state: dict, mime: str = "image/png", seen: set | None = None) -> list[str]:
    """``mime`` data shown by the widget ``model_id`` and its children (Output widgets' stored outputs)."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id].get("state", {})
    found = [output["data"][mime] for output in model.get("outputs", []) if mime in output.get("data", {})]
    found = ["".join(item) if isinstance(item, list) else item for item in found]
    for child in model.get("children", []):
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            found += _widget_outputs(child[len("IPY_MODEL_"):], state, mime, seen)
    return found


def _widget_images(model_id: str, state: dict) -> list[str]:
    """PNG images shown by the widget ``model_id`` and its children."""
    return _widget_outputs(model_id, state, "image/png")


def add_static_views(nb) -> int:
    """Give every widget output a static PNG of its default view (from the stored widget state);
    a widget that shows only tables gets their HTML instead.

    JupyterLab renders widgets only in trusted notebooks; a notebook opened fresh from a clone is
    untrusted and falls back to the safest representation of each output, which was the
    ``interactive(children=...)`` text. With the image beside the widget view, an untrusted
    notebook shows the default figure, and a trusted one (or any run) the live widget. Returns the
    number of outputs changed.
    """
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    changed = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            view = data.get(WIDGET_VIEW)
            if not view:
                continue
            model = view.get("model_id", "")
            images = _widget_images(model, state)
            tables = [] if images else _widget_outputs(model, state, "text/html")
            static = {"image/png": images[0]} if images else ({"text/html": "\n".join(tables)} if tables else {})
            before = {mime: data[mime] for mime in ("image/png", "text/html") if mime in data}
            if static != before:
                for mime in ("image/png", "text/html"):
                    data.pop(mime, None)
                data.update(static)
                changed += 1
    return changed


def execute_in_place(notebook: Path) -> float:
    """Re-execute ``notebook`` top to bottom in its own folder and save it; returns seconds.

    The widget state is stored in the notebook's metadata (so JupyterLab and the HTML pages show
    each widget's default view before anything runs) and each widget output carries a static image
    of that view (``add_static_views``).
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=TIMEOUT_SECONDS, kernel_name=KERNEL, store_widget_state=True,
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    add_static_views(nb)
    nbformat.write(nb, notebook)
    return time.perf_counter() - start


def build_exercises(root: Path, out_dir: Path) -> list[Path]:
    """Build every ``exercises/<lecture>/<lecture>.ipynb`` master notebook (see ``crmlab.exercise_build``).

    Each lands in ``out_dir/<lecture>/`` with ``student/`` (hand out) and ``autograder/`` (grade with
    ``otter grade``, Gradescope or ``otter run``; the zip carries a wheel of crmlab).
    """
    from crmlab import exercise_build

    return exercise_build.build_exercises(root, out_dir)


def _is_zh(notebook: Path) -> bool:
    return Path(notebook).parent.name == "zh"


def _executed_or_source(notebook: Path, out_dir: Path) -> Path:
    executed = out_dir / ("zh" if _is_zh(notebook) else "") / f"{notebook.stem}.ipynb"
    if executed.exists() and executed.stat().st_mtime >= notebook.stat().st_mtime:
        return executed
    return notebook


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
    run.add_argument("--exercises", type=Path, default=None,
                     help="folder written by 'exercises' whose student sets the site links")
    site = sub.add_parser("site", help="build the site (and slides) from already executed notebooks")
    site.add_argument("notebooks", nargs="+", type=Path)
    site.add_argument("--out", type=Path, default=Path("build/course"))
    site.add_argument("--slides", action="store_true", help="also render reveal.js slides")
    site.add_argument("--exercises", type=Path, default=None,
                      help="folder written by 'exercises' whose student sets the site links")
    again = sub.add_parser("execute-in-place", help="re-execute committed notebooks")
    again.add_argument("notebooks", nargs="+", type=Path)
    ex = sub.add_parser("exercises", help="build student versions and autograders")
    ex.add_argument("--root", type=Path, default=Path("exercises"))
    ex.add_argument("--out", type=Path, default=Path("build/exercises"))
    args = parser.parse_args(argv)

    if args.command in ("run", "site"):
        from .site import build_site

        executed = {"en": [], "zh": []}
        for notebook in args.notebooks:
            lang = "zh" if _is_zh(notebook) else "en"
            if args.command == "run":
                parameters = {name: _parse_value(value) for name, value in args.parameter}
                out = args.out / "zh" if lang == "zh" else args.out
                path, seconds = run_lecture(notebook, out, parameters)
                print(f"{notebook}: executed in {seconds:.1f} s -> {path}")
            else:
                path = _executed_or_source(notebook, args.out)
            executed[lang].append(path)
        index = build_site(args.out, executed["en"], executed["zh"], exercises=args.exercises,
                           slides=args.slides)
        print(f"course site: {index} (opens from disk; every script is in {args.out / '_static'})")
    elif args.command == "execute-in-place":
        for notebook in args.notebooks:
            print(f"{notebook}: re-executed in {execute_in_place(notebook):.1f} s")
    else:
        for target in build_exercises(args.root, args.out):
            print(f"exercise built: {target}/student (hand out), {target}/autograder (grade)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
