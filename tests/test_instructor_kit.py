"""The instructor kit: notes for every lecture, both plans, and an up-to-date objectives ↔ questions map."""
from __future__ import annotations

import re

from crmlab import instructor_kit
from tests.conftest import NOTEBOOKS, ROOT

LECTURES = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
KIT = ROOT / "instructors"


def test_every_lecture_has_notes_with_duration_prerequisites_and_prompts():
    for stem in LECTURES:
        notes = (KIT / "notes" / f"{stem}.md").read_text(encoding="utf-8")
        assert re.search(r"\*\*Duration:\*\* .+ · \*\*Prerequisites:\*\* ", notes), stem
        for heading in ("## What to stress", "## Where students go wrong", "## Discussion prompts"):
            assert heading in notes, f"{stem}: {heading} missing"
        assert f"exercises/{stem}/{stem}.ipynb" in notes


def test_plans_cover_the_lectures():
    twelve = (KIT / "plan_12_weeks.md").read_text(encoding="utf-8")
    assert all(f"notes/{stem}.md" in twelve for stem in LECTURES)
    assert len(re.findall(r"^\| (\d+) \|", twelve, flags=re.M)) == 12
    six = (KIT / "plan_6_weeks.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^\| (\d+) \|", six, flags=re.M)) == 6


def test_objectives_map_links_questions_and_is_up_to_date():
    lectures = instructor_kit.objective_map(ROOT / "notebooks", ROOT / "exercises")
    assert [lecture["stem"] for lecture in lectures] == LECTURES
    assert all(lecture["objectives"] for lecture in lectures), "every lecture lists its learning objectives"
    rfm = next(lecture for lecture in lectures if lecture["stem"] == "04_rfm_segmentation")
    recency = next(i for i, o in enumerate(rfm["objectives"]) if o.startswith("compute recency"))
    assert "q2" in [row["question"] for row in rfm["linked"][recency]]
    written = (KIT / "objectives.md").read_text(encoding="utf-8")
    assert written == instructor_kit.render_markdown(lectures), (
        "instructors/objectives.md is stale: run .venv/bin/python -m crmlab.instructor_kit")


def test_lecture_links_point_at_existing_files():
    links = instructor_kit.lecture_links("04_rfm_segmentation", ROOT)
    assert links == {"exercises": "exercises/04_rfm_segmentation/04_rfm_segmentation.ipynb",
                     "notes": "instructors/notes/04_rfm_segmentation.md"}
    assert instructor_kit.lecture_links("99_none", ROOT) == {"exercises": None, "notes": None}
