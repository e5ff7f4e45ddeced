"""The Chinese edition is generated from the English lectures plus catalogs, and never drifts from them.

- every markdown cell of every English lecture has a current translation (none missing, none stale);
- each committed ``notebooks/zh/NN_topic.ipynb`` equals what the generator makes (same code cells, only
  ``lang`` differs), and is executed;
- the Chinese prose is Chinese (CJK at least 60% of the letters of its markdown, math, code, links and
  the reference list left out) and uses the glossary's term, not a variant, for the key concepts.
"""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from crmlab import edition, glossary
from crmlab import exercise_build
from tests.conftest import EXERCISES, NOTEBOOKS

LECTURES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
MASTERS = sorted(m for m in EXERCISES.glob("*/[0-9][0-9]_*.ipynb") if m.parent.name == m.stem)


def _sources(nb) -> list[tuple]:
    return [(c.id, c.cell_type, c.source, json.dumps({k: v for k, v in c.metadata.items() if k != "execution"},
                                                     sort_keys=True)) for c in nb.cells]


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_every_markdown_cell_has_a_current_translation(notebook):
    found = edition.problems(notebook)
    assert not found, ("translate or update these cells in "
                       f"{edition.catalog_path(notebook).relative_to(NOTEBOOKS.parent)} "
                       "(python -m crmlab.edition status ...):\n" + "\n".join(found))


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_committed_chinese_edition_is_what_the_generator_makes(notebook):
    committed_path = edition.edition_path(notebook)
    assert committed_path.exists(), f"{committed_path.name} missing: run `make zh`"
    committed = nbformat.read(committed_path, as_version=4)
    assert _sources(committed) == _sources(edition.generate(notebook)), \
        f"notebooks/zh/{notebook.name} differs from its generated form: run `make zh`"
    meta = {k: v for k, v in committed.metadata.get("crmlab", {}).items()}
    assert meta == edition.generate(notebook).metadata["crmlab"]
    english = nbformat.read(notebook, as_version=4)
    en_code = [c.source for c in english.cells if c.cell_type == "code"]
    zh_code = [c.source for c in committed.cells if c.cell_type == "code"]
    differing = [i for i, (a, b) in enumerate(zip(en_code, zh_code)) if a != b]
    assert len(en_code) == len(zh_code) and len(differing) == 1, "only the parameters cell may differ"
    assert 'lang: str = "zh"' in zh_code[differing[0]]


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_chinese_prose_is_chinese_and_uses_the_glossary_terms(notebook):
    zh = nbformat.read(edition.edition_path(notebook), as_version=4)
    prose = "\n".join(edition.prose_letters(c.source) for c in zh.cells if c.cell_type == "markdown")
    share = edition.cjk_share(prose)
    assert share >= 0.60, f"{notebook.name}: CJK is {share:.0%} of the letters of the Chinese prose"
    text = "\n".join(c.source for c in zh.cells if c.cell_type == "markdown")
    used = glossary.variants_used(text)
    assert not used, f"{notebook.name} uses variants instead of the glossary terms: {used}"


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_chinese_edition_prints_chinese(notebook):
    """At least 40% of the letters the Chinese edition prints (text, tables; not images) are Chinese."""
    zh = nbformat.read(edition.edition_path(notebook), as_version=4)
    printed = edition.printed_text(zh)
    assert printed.strip(), f"notebooks/zh/{notebook.name} is not executed: run `make zh`"
    share = edition.cjk_share(printed)
    assert share >= 0.40, f"notebooks/zh/{notebook.name}: CJK is {share:.0%} of the letters of its printed output"


def test_editing_an_english_cell_makes_its_translation_stale(tmp_path):
    notebook = LECTURES[0]
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "i18n" / "zh").mkdir(parents=True)
    copy = tmp_path / "notebooks" / notebook.name
    shutil.copy(notebook, copy)
    shutil.copy(edition.catalog_path(notebook), edition.catalog_path(copy))
    assert edition.problems(copy) == []
    nb = nbformat.read(copy, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += "\nOne more English sentence."
    nbformat.write(nb, copy)
    found = edition.problems(copy)
    assert len(found) == 1 and "stale" in found[0] and cell.id in found[0]
    with pytest.raises(edition.TranslationError, match=cell.id):
        edition.generate(copy)
    new = nbformat.v4.new_markdown_cell("A brand-new cell.")
    nb.cells.append(new)
    nbformat.write(nb, copy)
    assert any(new.id in line and "no translation" in line for line in edition.problems(copy))


def test_the_glossary_covers_the_vocabulary_and_defines_the_key_terms():
    page = glossary.markdown("zh")
    for term in glossary.KEY_TERMS:
        assert term.zh in page and term.definition_zh in page
        assert term.en and term.definition_en
    from crmlab import lang
    vocabulary = glossary.vocabulary()
    assert len(vocabulary) == len(lang.terms())
    assert all(row["zh"] in page for row in vocabulary[:50])


def test_committed_glossary_pages_are_generated():
    for path, lang in [(NOTEBOOKS / "glossary.md", "en"), (NOTEBOOKS / "zh" / "glossary.md", "zh")]:
        assert path.exists() and path.read_text(encoding="utf-8") == glossary.markdown(lang), \
            f"{path.name} is out of date: run `make zh`"


# ---------------------------------------------------------------------------------------------
# Exercise sets: exercises/<set>/zh/<set>.ipynb, generated from the master plus i18n/zh/exercises/
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_every_exercise_set_has_a_current_chinese_edition(master):
    found = edition.problems(master)
    assert not found, ("translate or update these cells in "
                       f"{edition.catalog_path(master).relative_to(NOTEBOOKS.parent)}:\n" + "\n".join(found))
    committed_path = edition.edition_path(master)
    assert committed_path.exists(), f"{committed_path} missing: run `python -m crmlab.edition build {master}`"
    committed = nbformat.read(committed_path, as_version=4)
    generated = edition.generate(master)
    assert _sources(committed) == _sources(generated), f"{committed_path.name} differs from its generated form"
    # the same code and the same tests grade both editions
    english = nbformat.read(master, as_version=4)
    assert [c.source for c in english.cells if c.cell_type != "markdown"] == \
        [c.source for c in committed.cells if c.cell_type != "markdown"]
    # the questions read the same: names, points, difficulty and an objective in Chinese
    en_questions, zh_questions = exercise_build.read_questions(master), exercise_build.read_questions(committed)
    assert [(q.name, q.points, q.manual, q.difficulty) for q in en_questions] == \
        [(q.name, q.points, q.manual, q.difficulty) for q in zh_questions]
    assert all(q.objective and edition.cjk_share(q.objective) > 0.3 for q in zh_questions)
    prose = "\n".join(edition.prose_letters(c.source) for c in committed.cells if c.cell_type == "markdown")
    assert edition.cjk_share(prose) >= 0.60, f"{committed_path.name}: the Chinese prose is not Chinese enough"
    assert not glossary.variants_used("\n".join(c.source for c in committed.cells if c.cell_type == "markdown"))
