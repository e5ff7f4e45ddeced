"""Exercise sets are gradable: hidden tests carry the grade, wrong answers lose it, autograders run anywhere.

Each ``exercises/<set>/<set>.ipynb`` is an otter-grader master notebook; its plausible wrong answers are
in ``tests/exercise_wrong_answers/<set>.py``. For every set (one build each, ``otter assign``, which
grades the solution with the built autograder and refuses to build unless it scores full marks):

- every autograded question has public tests and at least one hidden test; no hidden test's code, and no
  solution or rubric, appears in the student notebook;
- in-process, with the autograder's own test files: the solution scores full marks, the blank student
  notebook scores 0, every stored wrong answer scores 0 on its question, and at least one wrong answer per
  question passes every public test (public tests check form, not value);
- the autograder zip carries a crmlab wheel and pinned requirements.

For set 02, a class of notebooks (solution, blank, one that raises, and the first wrong answer of each
question: every wrong answer is already graded in-process with the same autograder tests) is graded
with ``otter run`` into a scores table, and the solution and a wrong answer are graded again in a fresh
virtualenv made from the zip's own ``requirements.txt`` (cached in ``~/.cache/crmlab``).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from crmlab import exercise_build as eb
from tests.conftest import EXERCISES, ROOT

MASTERS = sorted(m for m in EXERCISES.glob("*/[0-9][0-9]_*.ipynb") if m.parent.name == m.stem)
WRONG_ANSWERS = Path(__file__).parent / "exercise_wrong_answers"
CLASS_SET = "02_marketing_mix_models"
#: wheels and the autograder's virtualenv are cached here between runs (keyed by content hashes)
CACHE = Path(os.environ.get("CRMLAB_CACHE", Path.home() / ".cache" / "crmlab"))
HIDDEN_CONFIG = re.compile(r'^\s*"""\s*#\s*BEGIN\s+TEST\s+CONFIG.*?hidden:\s*true', re.S | re.I)


def _wrong_answers(name: str) -> dict[str, list[str]]:
    path = WRONG_ANSWERS / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"wrong_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


def _is_hidden(source: str) -> bool:
    first = source.lstrip().splitlines()[0] if source.strip() else ""
    return bool(HIDDEN_CONFIG.match(source)) or (first.startswith("#") and "hidden" in first.lower())


# ---------------------------------------------------------------------------------------------
# The master notebooks' structure (fast: no execution)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_every_set_has_graded_written_and_applied_questions(master: Path):
    nb = nbformat.read(master, as_version=4)
    questions = eb.read_questions(nb)
    assert len(questions) >= 3, f"{master.name} has {len(questions)} questions"
    for question in questions:
        assert question.difficulty in eb.DIFFICULTIES and question.objective, (
            f"{master.stem} {question.name}: the prompt must start with "
            "'**Difficulty:** basic|intermediate|advanced · **Objective:** ...'")
        if question.manual:
            answer = " ".join(nb.cells[i].source for i in question.solution_cells)
            assert "rubric" in answer.lower(), f"{master.stem} {question.name}: a manual question needs a rubric"
        else:
            tests = [nb.cells[i].source for i in question.test_cells]
            assert any(_is_hidden(t) for t in tests), f"{master.stem} {question.name} has no hidden test"
            assert any(not _is_hidden(t) for t in tests), f"{master.stem} {question.name} has no public test"
    assert any(q.manual for q in questions), f"{master.stem} has no manually graded question"
    assert any("applied" in q.prompt.lower() for q in questions), f"{master.stem} has no applied question"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_every_autograded_question_has_a_plausible_wrong_answer(master: Path):
    assert (WRONG_ANSWERS / f"{master.stem}.py").exists(), f"tests/exercise_wrong_answers/{master.stem}.py is missing"
    wrong = _wrong_answers(master.stem)
    graded = {q.name for q in eb.read_questions(master) if not q.manual}
    missing = sorted(q for q in graded if not wrong.get(q))
    assert not missing, f"{master.stem}: no wrong answer for {missing}"
    assert set(wrong) <= graded, f"{master.stem}: wrong answers for unknown or manual questions {sorted(set(wrong) - graded)}"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_public_tests_do_not_compare_with_an_answer(master: Path):
    """A public test checks form; it must not compare a variable with a literal answer."""
    literal_answer = re.compile(r"assert\s+\w+\s*==\s*(['\"\[{(]|-?\d)")
    nb = nbformat.read(master, as_version=4)
    for question in eb.read_questions(nb):
        for i in question.test_cells:
            source = nb.cells[i].source
            if not _is_hidden(source):
                assert not literal_answer.search(source), (
                    f"{master.stem} {question.name}: a public test compares with a literal value:\n{source}")


# ---------------------------------------------------------------------------------------------
# Build every set once per session; grade in-process with the built tests
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def wheel_and_requirements(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    wheel = eb.build_wheel(ROOT, out, cache_dir=CACHE)
    requirements = eb.pinned_requirements(ROOT / "requirements" / "lock.txt",
                                          [*eb._core_dependencies(ROOT), *eb.GRADING_ROOTS])
    return wheel, requirements


_BUILT: dict[str, Path] = {}


@pytest.fixture
def built(wheel_and_requirements, tmp_path_factory):
    def build(master: Path) -> Path:
        if master.stem not in _BUILT:
            wheel, requirements = wheel_and_requirements
            target = tmp_path_factory.mktemp("exercises") / master.stem
            _BUILT[master.stem] = eb.build_exercise(master, target, wheel, requirements)  # runs the solution tests
        return _BUILT[master.stem]
    return build


@pytest.mark.notebook
@pytest.mark.parametrize("master", [pytest.param(m, marks=pytest.mark.xdist_group(f"exercise-{m.stem}")) for m in MASTERS],
                         ids=lambda p: p.stem)
def test_hidden_tests_grade_and_wrong_answers_lose_the_points(master: Path, built):
    target = built(master)
    tests = eb.load_tests(target)
    graded = [q for q in eb.read_questions(master) if not q.manual]
    assert set(tests) == {q.name for q in graded}

    # every question has hidden tests; none of their code is in the student notebook
    student_path = target / "student" / master.name
    student = nbformat.read(student_path, as_version=4)
    student_text = "\n".join(c.source for c in student.cells) + json.dumps(student.metadata.get("otter", {}))
    for name, test in tests.items():
        hidden = [case for case in test.test_cases if case.hidden]
        assert hidden, f"{name}: no hidden test in the autograder"
        for case in hidden:
            for line in case.body.splitlines():
                code = line.removeprefix(">>> ").removeprefix("... ").strip()
                if len(code) > 15 and not code.startswith(("import ", "from ", "assert isinstance")):
                    assert code not in student_text, f"{name}: hidden test text in the student notebook: {code}"
    assert "# SOLUTION" not in student_text and "rubric" not in student_text.lower()
    shipped = student.metadata["otter"]["tests"]
    assert all(not case.get("hidden") for spec in shipped.values() for case in spec["suites"][0]["cases"])

    # the solution scores full marks, each wrong answer loses the question's points
    solution, wrong, errors = eb.grade_master(master, tests, _wrong_answers(master.stem))
    assert not errors, errors
    assert all(score == possible > 0 for score, possible in solution.values()), solution
    for question, results in wrong.items():
        for k, result in enumerate(results):
            assert result["score"] == 0, f"{question} wrong answer {k} keeps {result['score']} points"
            assert not result["hidden"], f"{question} wrong answer {k} passes the hidden tests"
        assert any(r["public"] for r in results), (
            f"{question}: no wrong answer of the right form passes the public tests: do they check the value?")

    # the blank student notebook scores 0 on every question
    blank = eb.grade_student_notebook(student_path, tests)
    assert set(blank) == set(tests) and all(score == 0 for score, _ in blank.values()), blank


@pytest.mark.notebook
@pytest.mark.xdist_group(f"exercise-{CLASS_SET}")
def test_autograder_zip_installs_crmlab_itself(built):
    target = built(EXERCISES / CLASS_SET / f"{CLASS_SET}.ipynb")
    with zipfile.ZipFile(eb.autograder_zip(target)) as archive:
        names = archive.namelist()
        requirements = archive.read("requirements.txt").decode().splitlines()
        environment = archive.read("environment.yml").decode()
    wheel = [n for n in names if n.startswith("crmlab-") and n.endswith(".whl")]
    assert len(wheel) == 1
    assert f"crmlab @ file://{eb.AUTOGRADER_SOURCE}/{wheel[0]}" in requirements
    pins = dict(line.split("==") for line in requirements if "==" in line)
    locked = dict(line.strip().split("==") for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines()
                  if "==" in line)
    for package in ("numpy", "pandas", "scipy", "matplotlib", "otter-grader", "ipykernel"):
        assert pins[package] == locked[package], package
    assert f"-r {eb.AUTOGRADER_SOURCE}/requirements.txt" in environment and "python=3.11" in environment


@pytest.mark.notebook
@pytest.mark.xdist_group(f"exercise-{CLASS_SET}")
def test_chinese_set_builds_and_grades_with_the_same_tests(built, wheel_and_requirements, tmp_path: Path):
    """The Chinese master (exercises/<set>/zh/) builds like the English one: otter assign grades its
    solution with full marks, the hidden tests are the English set's, and the student copy is Chinese."""
    master = EXERCISES / CLASS_SET / f"{CLASS_SET}.ipynb"
    english = built(master)
    wheel, requirements = wheel_and_requirements
    chinese = eb.build_exercise(master.parent / "zh" / master.name, tmp_path / CLASS_SET / "zh", wheel, requirements)
    en_tests, zh_tests = eb.load_tests(english), eb.load_tests(chinese)
    assert set(zh_tests) == set(en_tests)
    for name, test in en_tests.items():
        assert [(c.body, c.hidden) for c in zh_tests[name].test_cases] == [(c.body, c.hidden) for c in test.test_cases]
    student = nbformat.read(chinese / "student" / master.name, as_version=4)
    prose = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    assert "难度" in prose and "# SOLUTION" not in "\n".join(c.source for c in student.cells)
    # the Chinese solution, graded in-process with the Chinese autograder's tests, scores full marks
    solution, _, errors = eb.grade_master(master.parent / "zh" / master.name, zh_tests, {})
    assert not errors and all(score == possible > 0 for score, possible in solution.values()), (errors, solution)


# ---------------------------------------------------------------------------------------------
# Batch grading with otter run, and grading in a fresh virtualenv from the zip's requirements
# ---------------------------------------------------------------------------------------------

def _submission(student: Path, answers: dict[str, str], out: Path, raise_in: str | None = None) -> Path:
    """The student notebook with the answer cell of each question (the cell before its check) filled in."""
    nb = nbformat.read(student, as_version=4)
    for i, cell in enumerate(nb.cells):
        found = re.search(r'grader\.check\("(q\d+)"\)', cell.source)
        if found and found[1] in answers:
            source = answers[found[1]]
            if found[1] == raise_in:
                source = 'raise RuntimeError("the student\'s code fails here")\n' + source
            nb.cells[i - 1].source = source
    nbformat.write(nb, out)
    return out


def _solutions(master: Path) -> dict[str, str]:
    nb = nbformat.read(master, as_version=4)
    return {q.name: "\n".join(re.sub(r"\s*# SOLUTION\s*$", "", line) for line in nb.cells[q.solution_cells[0]].source.splitlines())
            for q in eb.read_questions(nb) if not q.manual}


@pytest.mark.notebook
@pytest.mark.xdist_group(f"exercise-{CLASS_SET}")
def test_batch_grading_a_class_gives_the_expected_scores_table(built, tmp_path: Path):
    master = EXERCISES / CLASS_SET / f"{CLASS_SET}.ipynb"
    target = built(master)
    student = target / "student" / master.name
    solutions = _solutions(master)
    points = {q.name: q.points for q in eb.read_questions(master) if not q.manual}
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    _submission(student, solutions, submissions / "solution.ipynb")
    _submission(student, {}, submissions / "blank.ipynb")
    _submission(student, solutions, submissions / "raises.ipynb", raise_in="q1")
    expected = {"solution": points, "blank": {q: 0 for q in points},
                "raises": {q: (0 if q == "q1" else p) for q, p in points.items()}}
    # one wrong answer per question: otter run's scoring of a failed hidden test, once per question (each
    # wrong answer's grade is checked in-process by test_hidden_tests_grade_and_wrong_answers_lose_the_points)
    for question, codes in _wrong_answers(CLASS_SET).items():
        name = f"wrong_{question}_0"
        _submission(student, {**solutions, question: codes[0]}, submissions / f"{name}.ipynb")
        expected[name] = {q: (0 if q == question else p) for q, p in points.items()}
    table = eb.grade_class(eb.autograder_zip(target), sorted(submissions.glob("*.ipynb")), tmp_path / "grades")
    assert (tmp_path / "grades" / "scores.csv").exists()
    assert sorted(table.index) == sorted(expected)
    for name, scores in expected.items():
        for question, score in scores.items():
            assert table.loc[name, question] == pytest.approx(score), f"{name} {question}"
        assert table.loc[name, "total"] == pytest.approx(sum(scores.values()))
        assert table.loc[name, "possible"] == pytest.approx(sum(points.values()))


@pytest.mark.notebook
@pytest.mark.xdist_group(f"exercise-{CLASS_SET}")
def test_fresh_virtualenv_from_the_autograder_requirements_grades(built, tmp_path: Path):
    master = EXERCISES / CLASS_SET / f"{CLASS_SET}.ipynb"
    target = built(master)
    python = eb.autograder_virtualenv(eb.autograder_zip(target), CACHE)
    where = subprocess.run([str(python), "-c", "import crmlab, numpy; print(crmlab.__file__, numpy.__version__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert Path(where[0]).is_relative_to(python.parent.parent), f"crmlab imported from {where[0]}, not the wheel"
    student = target / "student" / master.name
    solutions = _solutions(master)
    question, codes = next(iter(_wrong_answers(CLASS_SET).items()))
    points = {q.name: q.points for q in eb.read_questions(master) if not q.manual}
    right = eb.grade_with_otter_run(eb.autograder_zip(target), _submission(student, solutions, tmp_path / "right.ipynb"),
                                    tmp_path / "right", python=python)
    assert {q: s for q, (s, _) in right.items()} == points
    wrong = eb.grade_with_otter_run(eb.autograder_zip(target),
                                    _submission(student, {**solutions, question: codes[0]}, tmp_path / "wrong.ipynb"),
                                    tmp_path / "wrong", python=python)
    assert wrong[question][0] == 0 and all(wrong[q][0] == p for q, p in points.items() if q != question)


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_student_version_of_every_solution_cell_is_valid_python(master: Path):
    """Otter replaces each ``# SOLUTION`` line by ``...``: a statement split over lines would break the cell.

    The master is checked as the build prepares it (``def`` lines keep their signature).
    """
    from IPython.core.inputtransformer2 import TransformerManager
    from otter.assign.solutions import replace_solutions

    nb = eb.prepare_master(nbformat.read(master, as_version=4))
    for question in eb.read_questions(nb):
        for i in question.solution_cells:
            cell = nb.cells[i]
            if cell.cell_type == "code":
                student = "\n".join(replace_solutions(cell.source.split("\n"), "python"))
                try:
                    compile(TransformerManager().transform_cell(student), "<student cell>", "exec")
                except SyntaxError as error:
                    pytest.fail(f"{master.stem} {question.name}: the student version does not parse ({error}):\n{student}")
