"""Build, check and grade the exercise sets (otter-grader master notebooks).

Each ``exercises/NN_topic/NN_topic.ipynb`` is an otter-grader master notebook. This module

- builds every set with ``otter assign`` (which also grades the solution with the autograder and
  refuses to build when it loses a point) into ``student/`` (hand out) and ``autograder/`` (grade);
- makes the autograder zip self-contained: a wheel of the current crmlab, built at build time, sits in
  the zip next to a ``requirements.txt`` that pins crmlab's run-time dependencies and otter-grader to
  the versions of ``requirements/lock.txt``; the zip's ``environment.yml`` installs exactly that, so
  ``otter grade`` (Docker), Gradescope and ``otter run`` all import the course;
- reads a master notebook's questions (name, points, manual or not, difficulty, objective);
- grades in-process, quickly, a solution with some cells replaced (the plausible wrong answers kept
  in ``tests/exercise_wrong_answers/``), and grades a whole class with ``otter run`` into a scores
  table (``python -m crmlab.exercise_build grade``).

Every autograded question is graded all-or-nothing unless its config says otherwise: a submission that
fails a hidden test loses the question's points even when the public (form) checks pass.

>>> parse_prompt_line("**Difficulty:** basic · **Objective:** measure the 20/80 rule")
('basic', 'measure the 20/80 rule')
>>> parse_prompt_line("**难度：** 中级 · **学习目标：** 计算 RFM 得分")
('intermediate', '计算 RFM 得分')
"""
from __future__ import annotations

import ast
import contextlib
import copy
import hashlib
import importlib.metadata
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

__all__ = [
    "AUTOGRADER_SOURCE", "DIFFICULTIES", "Question", "parse_prompt_line", "read_questions", "prepare_master",
    "source_hash", "build_wheel", "pinned_requirements", "make_autograder_self_contained", "build_exercise",
    "build_exercises", "autograder_zip", "load_tests", "run_cells", "grade_namespace",
    "grade_master", "grade_student_notebook", "grade_with_otter_run", "grade_class",
    "autograder_virtualenv", "main",
]

#: where Gradescope and ``otter grade`` unpack the autograder zip
AUTOGRADER_SOURCE = "/autograder/source"
DIFFICULTIES = ("basic", "intermediate", "advanced")
PYTHON_VERSION = "3.11"
#: what the grading environment needs besides crmlab's own dependencies
GRADING_ROOTS = ("otter-grader[grading]", "ipykernel")
PROMPT_LINE = re.compile(
    r"\*\*(?:Difficulty:|难度：)\*\*\s*(?P<difficulty>\w+)\s*·\s*\*\*(?:Objective:|学习目标：)\*\*\s*(?P<objective>.+)")
#: the Chinese edition's difficulty words (exercises/<set>/zh/)
DIFFICULTIES_ZH = {"基础": "basic", "中级": "intermediate", "进阶": "advanced"}


def parse_prompt_line(text: str) -> tuple[str, str] | None:
    """Return ``(difficulty, objective)`` from a question prompt's first line, or None if missing."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    found = PROMPT_LINE.match(first.strip())
    if not found:
        return None
    difficulty = DIFFICULTIES_ZH.get(found["difficulty"], found["difficulty"].lower())
    return difficulty, found["objective"].strip()


@dataclass
class Question:
    """One question of a master notebook, as ``otter assign`` reads it."""

    name: str
    config: dict
    prompt: str = ""
    solution_cells: list[int] = field(default_factory=list)
    test_cells: list[int] = field(default_factory=list)

    @property
    def manual(self) -> bool:
        return bool(self.config.get("manual", False))

    @property
    def points(self) -> float:
        return float(self.config.get("points", 1))

    @property
    def difficulty(self) -> str | None:
        parsed = parse_prompt_line(self.prompt)
        return parsed[0] if parsed else None

    @property
    def objective(self) -> str | None:
        parsed = parse_prompt_line(self.prompt)
        return parsed[1] if parsed else None


def _raw(cell, start: str) -> bool:
    return cell.cell_type == "raw" and cell.source.lstrip().upper().startswith(start)


def read_questions(master: Path | nbformat.NotebookNode) -> list[Question]:
    """The questions of a master notebook, with the indices of their solution and test cells."""
    nb = master if isinstance(master, nbformat.NotebookNode) else nbformat.read(master, as_version=4)
    questions: list[Question] = []
    block = None
    for i, cell in enumerate(nb.cells):
        if _raw(cell, "# BEGIN QUESTION"):
            config = yaml.safe_load("\n".join(cell.source.splitlines()[1:])) or {}
            questions.append(Question(str(config["name"]), config))
            block = "prompt"
        elif _raw(cell, "# END QUESTION"):
            block = None
        elif _raw(cell, "# BEGIN SOLUTION"):
            block = "solution"
        elif _raw(cell, "# BEGIN TESTS"):
            block = "tests"
        elif _raw(cell, "# BEGIN PROMPT"):
            block = "prompt"
        elif _raw(cell, "# END"):
            block = "prompt" if questions and block else None
        elif questions and block == "prompt" and cell.cell_type == "markdown" and not questions[-1].prompt:
            questions[-1].prompt = cell.source
        elif questions and block == "solution":
            questions[-1].solution_cells.append(i)
        elif questions and block == "tests" and cell.cell_type == "code":
            questions[-1].test_cells.append(i)
    return questions


DEF_SOLUTION_LINE = re.compile(r"^(\s*(?:async\s+)?def\s.*:)\s*#\s*SOLUTION\s*$", re.M)


def prepare_master(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The master as the build hands it to ``otter assign`` (a copy; the file is not changed).

    - every autograded question without the key gets ``all_or_nothing: true``;
    - a ``def ...:  # SOLUTION`` line loses its marker: the student sees the function's signature and
      only its body is replaced by ``...`` (a replaced ``def`` line would leave an indented body that
      does not parse);
    - a marked statement that spans several lines is put on one line, for the same reason.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "def f(x):  # SOLUTION\\n    return x + 1  # SOLUTION\\ny = [f(1),  # SOLUTION\\n     f(2)]  # SOLUTION")])
    >>> print(prepare_master(nb).cells[0].source)
    def f(x):
        return x + 1  # SOLUTION
    y = [f(1), f(2)]  # SOLUTION
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if _raw(cell, "# BEGIN QUESTION"):
            config = yaml.safe_load("\n".join(cell.source.splitlines()[1:])) or {}
            if not config.get("manual") and "all_or_nothing" not in config:
                cell.source = cell.source.rstrip("\n") + "\nall_or_nothing: true"
        elif cell.cell_type == "code":
            cell.source = _one_line_solutions(DEF_SOLUTION_LINE.sub(r"\1", cell.source))
    return nb


def _one_line_solutions(source: str) -> str:
    """Put each ``# SOLUTION`` statement that spans several lines on one line (``ast.unparse``).

    Otter replaces every marked line by ``...`` on its own; the continuation lines of a statement
    would leave an indented fragment that does not parse in the student version.
    """
    if "SOLUTION" not in source:
        return source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.split("\n")
    spans = [node for node in ast.walk(tree)
             if isinstance(node, ast.stmt) and not hasattr(node, "body") and node.end_lineno > node.lineno
             and re.search(r"#\s*SOLUTION\s*$", lines[node.lineno - 1])]
    for node in sorted(spans, key=lambda n: n.lineno, reverse=True):
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
        lines[node.lineno - 1:node.end_lineno] = [f"{indent}{ast.unparse(node)}  # SOLUTION"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The autograder's environment: a wheel of crmlab and pinned requirements
# ---------------------------------------------------------------------------------------------

def _repo_root(start: Path) -> Path:
    """The crmlab source tree above ``start`` (exercise sets inside the repository), else the one this
    crmlab is installed from (sets copied elsewhere, e.g. an instructor's own folder)."""
    here = Path(__file__).resolve().parent
    for folder in [start.resolve(), *start.resolve().parents, here.parent]:
        if (folder / "pyproject.toml").exists() and (folder / "crmlab").is_dir():
            return folder
    raise FileNotFoundError(f"no crmlab source tree (pyproject.toml + crmlab/) above {start} or at {here.parent}")


def source_hash(repo: Path) -> str:
    """A short hash of everything that goes into the crmlab wheel (package, datasets, build files)."""
    digest = hashlib.sha256()
    files = [path for name in ("crmlab", "datasets") for path in sorted((repo / name).rglob("*"))
             if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc")]
    files += [repo / name for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md") if (repo / name).exists()]
    for path in files:
        digest.update(str(path.relative_to(repo)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_wheel(repo: Path, out_dir: Path, cache_dir: Path | None = None) -> Path:
    """Build a wheel of crmlab (datasets included) from a clean copy of ``repo``; returns its path.

    With ``cache_dir``, a wheel built before from the same sources (``source_hash``) is reused.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"wheel-{source_hash(repo)}" if cache_dir is not None else None
    if cached is not None and len(list(cached.glob("crmlab-*.whl"))) == 1:
        for old in out_dir.glob("crmlab-*.whl"):
            old.unlink()
        wheel = next(cached.glob("crmlab-*.whl"))
        shutil.copy2(wheel, out_dir / wheel.name)
        return out_dir / wheel.name
    for old in out_dir.glob("crmlab-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="crmlab-wheel-") as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        for name in ("crmlab", "datasets"):
            shutil.copytree(repo / name, source / name, ignore=ignore)
        for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
            if (repo / name).exists():
                shutil.copy2(repo / name, source / name)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out_dir), str(source)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"building the crmlab wheel failed:\n{done.stdout}\n{done.stderr}")
    wheels = sorted(out_dir.glob("crmlab-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one crmlab wheel in {out_dir}, found {wheels}")
    if cached is not None:
        cached.mkdir(parents=True, exist_ok=True)
        shutil.copy2(wheels[0], cached / wheels[0].name)
    return wheels[0]


def _lock_versions(lock: Path) -> dict[str, str]:
    from packaging.utils import canonicalize_name

    versions = {}
    for line in lock.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            versions[canonicalize_name(name.split("[")[0])] = version.strip()
    return versions


def pinned_requirements(lock: Path, roots: list[str]) -> list[str]:
    """``name==version`` for ``roots`` and everything they need (on this platform), pinned as in ``lock``.

    The dependency tree is read from the installed distributions' metadata; a package that is not
    installed here (e.g. excluded by a platform marker) is left to pip.
    """
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    locked = _lock_versions(lock)
    pins: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    todo = [Requirement(root) for root in roots]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = sorted(requirement.extras) or [""]
        if all((name, extra) in seen for extra in extras):
            continue
        try:
            dist = importlib.metadata.distribution(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            continue
        version = locked.get(name, dist.version)
        pins[name] = f"{name}=={version}"
        for extra in extras:
            seen.add((name, extra))
            for text in dist.requires or []:
                child = Requirement(text)
                if child.marker is not None and not child.marker.evaluate({"extra": extra}):
                    continue
                todo.append(child)
    return [pins[name] for name in sorted(pins)]


def _core_dependencies(repo: Path) -> list[str]:
    import tomllib

    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"])


def _environment_yml() -> str:
    environment = {
        "name": "otter-env",
        "channels": ["conda-forge"],
        "dependencies": [f"python={PYTHON_VERSION}", "pip", "jupyter_server",
                         {"pip": [f"-r {AUTOGRADER_SOURCE}/requirements.txt"]}],
    }
    return yaml.safe_dump(environment, sort_keys=False)


def make_autograder_self_contained(zip_path: Path, wheel: Path, requirements: list[str]) -> None:
    """Put the crmlab wheel and ``requirements.txt`` into the autograder zip; point its environment at them.

    ``requirements.txt`` names the wheel by its absolute path in the grading image
    (``/autograder/source/<wheel>``), where Gradescope and ``otter grade`` unpack the zip.
    """
    lines = ["# crmlab's grading environment, pinned from requirements/lock.txt by crmlab.exercise_build",
             *requirements, f"crmlab @ file://{AUTOGRADER_SOURCE}/{wheel.name}"]
    replaced = {"environment.yml": _environment_yml(), "requirements.txt": "\n".join(lines) + "\n"}
    tmp = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as old, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename not in replaced and item.filename != wheel.name:
                new.writestr(item, old.read(item.filename))
        for name, text in replaced.items():
            new.writestr(name, text)
        new.write(wheel, arcname=wheel.name)
    tmp.replace(zip_path)


def autograder_zip(target: Path) -> Path:
    """The autograder zip ``otter assign`` wrote under ``target/autograder``."""
    zips = sorted((target / "autograder").glob("*-autograder_*.zip"))
    if len(zips) != 1:
        raise FileNotFoundError(f"expected one autograder zip in {target / 'autograder'}, found {zips}")
    return zips[0]


def _set_folder(master: Path) -> Path:
    """The exercise set's folder (a Chinese master in ``<set>/zh/`` runs in its set's folder too)."""
    master = Path(master)
    return master.parent.parent if master.parent.name == "zh" else master.parent


def build_exercise(master: Path, target: Path, wheel: Path | None = None,
                   requirements: list[str] | None = None, run_tests: bool = True) -> Path:
    """Build one set with ``otter assign`` into ``target`` (``student/``, ``autograder/``).

    ``otter assign`` grades the solution notebook with the autograder it built and fails when the
    solution loses a point. With ``wheel`` and ``requirements`` the zip is made self-contained.
    """
    master = master.resolve()
    target = target.resolve()
    if target.exists():
        shutil.rmtree(target)
    with tempfile.TemporaryDirectory(prefix=f"assign-{master.stem}-") as tmp:
        # a copy of the set's folder with the prepared master (the folder may hold data files)
        # a Chinese master (<set>/zh/<set>.ipynb) uses its set's folder too
        folder = _set_folder(master)
        work = Path(tmp) / folder.name
        shutil.copytree(folder, work, ignore=shutil.ignore_patterns("student", "autograder", "zh", ".ipynb_checkpoints"))
        nbformat.write(prepare_master(nbformat.read(master, as_version=4)), work / master.name)
        command = [sys.executable, "-m", "otter", "assign", "--no-pdfs", str(work / master.name), str(target)]
        if not run_tests:
            command.insert(4, "--no-run-tests")
        done = subprocess.run(command, cwd=work, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"otter assign failed on {master.name}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    if wheel is not None:
        make_autograder_self_contained(autograder_zip(target), wheel, requirements or [])
    return target


def build_exercises(root: Path, out_dir: Path, run_tests: bool = True, only: list[str] | None = None) -> list[Path]:
    """Build every ``root/<set>/<set>.ipynb`` into ``out_dir/<set>/``; returns the built folders.

    The Chinese edition of a set (``root/<set>/zh/<set>.ipynb``, made by ``crmlab.edition``) is built
    into ``out_dir/<set>/zh/``: same code, same tests, Chinese prose. A wheel of crmlab is built once
    into ``out_dir/_wheel/`` and goes into every autograder zip.
    """
    root = root.resolve()
    out_dir = out_dir.resolve()
    repo = _repo_root(root)
    wheel = build_wheel(repo, out_dir / "_wheel")
    lock = repo / "requirements" / "lock.txt"
    requirements = pinned_requirements(lock, [*_core_dependencies(repo), *GRADING_ROOTS])
    built = []
    for master in sorted(root.glob("*/[0-9][0-9]_*.ipynb")):
        if master.parent.name != master.stem or (only and master.stem not in only):
            continue
        built.append(build_exercise(master, out_dir / master.stem, wheel, requirements, run_tests=run_tests))
        chinese = master.parent / "zh" / master.name
        if chinese.exists():
            built.append(build_exercise(chinese, out_dir / master.stem / "zh", wheel, requirements,
                                        run_tests=run_tests))
    return built


# ---------------------------------------------------------------------------------------------
# Grading
# ---------------------------------------------------------------------------------------------

def load_tests(target: Path) -> dict:
    """The built autograder's OK-format tests by question name (``otter.test_files.OKTestFile``)."""
    from otter.test_files import OKTestFile

    tests = {}
    with zipfile.ZipFile(autograder_zip(target)) as archive:
        for name in archive.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                namespace: dict = {}
                exec(archive.read(name).decode(), namespace)  # noqa: S102 - our own built test file
                test = OKTestFile.from_spec(namespace["test"], path=name)
                tests[test.name] = test
    return dict(sorted(tests.items()))


def _python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def run_cells(sources: list[str], namespace: dict | None = None, cwd: Path | None = None) -> tuple[dict, list[str]]:
    """Execute code cells in one namespace the way a notebook would, going on after an error.

    Returns the namespace and the errors (one line each).
    """
    import matplotlib

    matplotlib.use("Agg")
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    errors = []
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        for source in sources:
            try:
                exec(compile(_python(source), "<cell>", "exec"), namespace)  # noqa: S102 - notebook cells
            except Exception as error:  # a cell that raises is graded like otter does: go on
                errors.append(f"{type(error).__name__}: {error}")
    return namespace, errors


def grade_namespace(tests: dict, namespace: dict, questions: list[str] | None = None,
                    hidden: bool | None = None) -> dict[str, tuple[float, float]]:
    """Run the tests on a namespace; ``{question: (score, possible)}``.

    ``hidden=False`` runs only the public test cases and scores a question 1/1 when they all pass
    (``hidden=True``: only the hidden ones); ``None`` grades as the autograder does.
    """
    scores = {}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for name, test in tests.items():
            if questions is not None and name not in questions:
                continue
            test = copy.copy(test)
            if hidden is not None:
                test.test_cases = [case for case in test.test_cases if case.hidden == hidden]
                test.run(namespace)
                scores[name] = (float(test.passed_all), 1.0)
            else:
                test.run(namespace)
                scores[name] = (float(test.score), float(test.possible))
    return scores


def _copy_values(namespace: dict) -> dict:
    """A copy of a namespace in which tables and containers are copies (so a cell cannot change them)."""
    copied = {}
    for key, value in namespace.items():
        if hasattr(value, "copy") and type(value).__module__.split(".")[0] in ("pandas", "numpy", "builtins"):
            try:
                value = value.copy()
            except TypeError:
                pass
        copied[key] = value
    return copied


def _is_otter_cell(source: str) -> bool:
    return "otter.Notebook(" in source or "grader.check" in source or "grader.export" in source


def grade_master(master: Path, tests: dict, replacements: dict[str, list[str]] | None = None
                 ) -> tuple[dict[str, tuple[float, float]], dict[str, list[dict]], list[str]]:
    """Grade the master's solution in-process and, per question, each replacement of its solution cells.

    Runs the master's code cells (tests excluded) top to bottom in one namespace. Just before a
    question's solution cells run, every replacement code for that question runs in a copy of the
    namespace and is graded with all, public and hidden tests of that question.

    Returns the solution's scores, ``{question: [{"score", "possible", "public", "hidden", "errors"}]}``
    for the replacements, and the errors of the solution run.
    """
    nb = nbformat.read(master, as_version=4)
    questions = read_questions(nb)
    first_solution = {q.solution_cells[0]: q for q in questions if q.solution_cells}
    in_tests = {i for q in questions for i in q.test_cells}
    replacements = replacements or {}
    unknown = set(replacements) - {q.name for q in questions}
    if unknown:
        raise KeyError(f"wrong answers for questions that {master.name} does not have: {sorted(unknown)}")
    namespace: dict = {"__name__": "__main__"}
    errors: list[str] = []
    results: dict[str, list[dict]] = {}
    for i, cell in enumerate(nb.cells):
        if i in first_solution:
            question = first_solution[i]
            for code in replacements.get(question.name, []):
                trial, trial_errors = run_cells([code], _copy_values(namespace), cwd=_set_folder(master))
                score, possible = grade_namespace(tests, trial, [question.name])[question.name]
                results.setdefault(question.name, []).append({
                    "score": score, "possible": possible,
                    "public": grade_namespace(tests, trial, [question.name], hidden=False)[question.name][0] == 1,
                    "hidden": grade_namespace(tests, trial, [question.name], hidden=True)[question.name][0] == 1,
                    "errors": trial_errors})
        if cell.cell_type == "code" and i not in in_tests:
            namespace, cell_errors = run_cells([cell.source], namespace, cwd=_set_folder(master))
            errors += cell_errors
    return grade_namespace(tests, namespace), results, errors


def grade_student_notebook(notebook: Path, tests: dict) -> dict[str, tuple[float, float]]:
    """Grade a student notebook in-process (its otter cells skipped)."""
    nb = nbformat.read(notebook, as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code" and not _is_otter_cell(c.source)]
    namespace, _ = run_cells(sources, cwd=notebook.parent)
    return grade_namespace(tests, namespace)


def grade_with_otter_run(autograder: Path, notebook: Path, out_dir: Path,
                         python: str | Path = sys.executable, timeout: int = 900) -> dict[str, tuple[float, float]]:
    """Grade one submission with ``otter run`` (no container); ``{question: (score, possible)}``.

    ``python`` is the interpreter whose otter and crmlab grade (e.g. a virtualenv made from the zip).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(python), "-m", "otter", "run", "--no-logo", "-a", str(Path(autograder).resolve()),
                           "-o", str(out_dir.resolve()), str(Path(notebook).resolve())],
                          cwd=Path(notebook).parent, capture_output=True, text=True, timeout=timeout)
    results_file = out_dir / "results.json"
    if done.returncode != 0 or not results_file.exists():
        raise RuntimeError(f"otter run failed on {notebook}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    results = json.loads(results_file.read_text())
    return {t["name"]: (float(t["score"]), float(t["max_score"]))
            for t in results["tests"] if "max_score" in t}


def grade_class(autograder: Path, submissions: list[Path], out_dir: Path,
                python: str | Path = sys.executable):
    """Grade every submission with ``otter run``; write and return the scores table (``scores.csv``).

    One row per submission (the file's stem), one column per autograded question, then ``total`` and
    ``possible``. Manual questions are graded by hand (or on Gradescope) and are not in the table.
    """
    import pandas as pd

    rows = {}
    for submission in sorted(submissions):
        scores = grade_with_otter_run(autograder, submission, out_dir / submission.stem, python=python)
        row = {question: score for question, (score, _) in scores.items()}
        row["total"] = sum(score for score, _ in scores.values())
        row["possible"] = sum(possible for _, possible in scores.values())
        rows[submission.stem] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "submission"
    out_dir.mkdir(parents=True, exist_ok=True)
    table.to_csv(out_dir / "scores.csv")
    return table


def requirements_hash(target: Path) -> str:
    """A short hash of the autograder's ``requirements.txt`` lines other than the crmlab wheel."""
    with zipfile.ZipFile(autograder_zip(target)) as archive:
        lines = [line for line in archive.read("requirements.txt").decode().splitlines()
                 if line and not line.startswith(("#", "crmlab"))]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build`` every set, or ``grade`` a class with an autograder zip."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m crmlab.exercise_build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build student versions and self-contained autograders")
    build.add_argument("--root", type=Path, default=Path("exercises"))
    build.add_argument("--out", type=Path, default=Path("build/exercises"))
    build.add_argument("--only", nargs="*", help="set names to build (default: all)")
    grade = sub.add_parser("grade", help="grade submitted notebooks with otter run into a scores table")
    grade.add_argument("-a", "--autograder", type=Path, required=True, help="the set's autograder zip")
    grade.add_argument("-o", "--out", type=Path, default=Path("build/grades"))
    grade.add_argument("submissions", nargs="+", type=Path, help="submitted .ipynb files (or .zip exports)")
    args = parser.parse_args(argv)
    if args.command == "build":
        for target in build_exercises(args.root, args.out, only=args.only):
            print(f"exercise built: {target}/student (hand out), {target}/autograder (grade)")
    else:
        table = grade_class(args.autograder, args.submissions, args.out)
        print(table.to_string())
        print(f"scores: {args.out / 'scores.csv'}")
    return 0



def autograder_virtualenv(autograder: Path, cache_dir: Path) -> Path:
    """A virtualenv made only from the autograder zip's own ``requirements.txt``; returns its python.

    The environment of the pinned requirements is cached in ``cache_dir`` under the hash of those
    lines (so a second run takes seconds); the crmlab wheel from the zip is (re)installed every time.
    This is what Gradescope and ``otter grade`` do, without conda and Docker.
    """
    with tempfile.TemporaryDirectory(prefix="autograder-zip-") as tmp:
        with zipfile.ZipFile(autograder) as archive:
            archive.extractall(tmp)
        lines = [line.strip() for line in (Path(tmp) / "requirements.txt").read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
        pinned = [line for line in lines if not line.startswith("crmlab")]
        wheels = sorted(Path(tmp).glob("crmlab-*.whl"))
        if len(wheels) != 1 or len(pinned) == len(lines):
            raise FileNotFoundError(f"{autograder} does not carry one crmlab wheel named in requirements.txt")
        digest = hashlib.sha256("\n".join(sorted(pinned)).encode()).hexdigest()[:16]
        venv = cache_dir / f"autograder-{digest}"
        python = venv / "bin" / "python"
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            requirements = Path(tmp) / "pinned.txt"
            requirements.write_text("\n".join(pinned) + "\n")
            done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements)],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"installing the autograder's requirements failed:\n{done.stderr[-4000:]}")
            (venv / ".complete").touch()
        done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                               str(wheels[0])], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"installing the crmlab wheel failed:\n{done.stderr[-4000:]}")
    return python


if __name__ == "__main__":
    sys.exit(main())
