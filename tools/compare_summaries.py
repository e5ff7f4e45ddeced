"""Compare the headline numbers of every lecture's ``summary.json`` with the committed ones.

A refactoring must not move a result. ``tests/expectations/headlines.json`` holds, per lecture,
every number the lecture records with its default parameters (``numbers`` and the
``bundled_data`` numbers of ``summary.json``, flattened to dotted keys: ``segments.champions``,
``top_shares.0``); text values are left out (they may be display text and change with ``lang``).

    python tools/compare_summaries.py build/course          # after `make course`: compare, exit 1 on a change
    python tools/compare_summaries.py build/course --write  # record the current numbers (an issue changed them)

A folder holds ``<lecture>/summary.json`` per lecture, as ``crmlab.course run`` and
``crmlab.course.run_lecture`` write them. ``tests/test_notebooks.py`` calls :func:`differences` on
every default run (English and Chinese edition), so ``make test`` compares them too.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "expectations" / "headlines.json"
#: relative tolerance for floats (summary.json stores full-precision floats; a refactoring that
#: only reorders sums moves the last digits)
RELATIVE = 1e-9
ABSOLUTE = 1e-12


def _flatten(value: Any, prefix: str, into: dict[str, float]) -> None:
    if isinstance(value, bool):
        into[prefix] = value
    elif isinstance(value, (int, float)):
        into[prefix] = value
    elif isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), into)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _flatten(item, f"{prefix}.{i}" if prefix else str(i), into)


def headline_numbers(summary: dict) -> dict[str, float]:
    """Every number a summary records, by dotted key (``bundled_data`` numbers under ``bundled.``).

    >>> headline_numbers({"numbers": {"customers": 10, "shares": [0.5, 0.25], "name": "x"},
    ...                   "bundled_data": {"note": "n", "numbers": {"alpha": 1.5}}})
    {'customers': 10, 'shares.0': 0.5, 'shares.1': 0.25, 'bundled.alpha': 1.5}
    """
    numbers: dict[str, float] = {}
    _flatten(summary.get("numbers", {}), "", numbers)
    _flatten(summary.get("bundled_data", {}).get("numbers", {}), "bundled", numbers)
    return numbers


def differences(summary: dict, expected: dict[str, float]) -> list[str]:
    """What differs between a summary's headline numbers and the expected ones (``[]``: the same).

    A number the expectations do not know is not a difference (a lecture may record more); a
    renamed or dropped one is.

    >>> differences({"numbers": {"customers": 10, "share": 0.5}}, {"customers": 10, "share": 0.5})
    []
    >>> differences({"numbers": {"customers": 11}}, {"customers": 10, "share": 0.5})
    ['customers: 11, expected 10', 'share: missing, expected 0.5']
    >>> differences({"numbers": {"by_segment": {"month_to_month": 42.2}}}, {"by_segment.Month-to-month": 42.2})
    ["by_segment.Month-to-month: missing, expected 42.2 (renamed to 'by_segment.month_to_month'? same value)"]
    """
    found = headline_numbers(summary)
    new = [key for key in found if key not in expected]
    out = []
    for key, want in expected.items():
        if key not in found:
            # a key renamed (e.g. a display label became a stable key) keeps its value: say which
            same_value = [k for k in new if k.rsplit(".", 1)[0] == key.rsplit(".", 1)[0] and _same(found[k], want)]
            hint = f" (renamed to {same_value[0]!r}? same value)" if len(same_value) == 1 else ""
            out.append(f"{key}: missing, expected {want!r}{hint}")
        elif not _same(found[key], want):
            out.append(f"{key}: {found[key]!r}, expected {want!r}")
    return out


def _same(got: float, want: float) -> bool:
    if isinstance(want, bool) or isinstance(got, bool) or (isinstance(want, int) and isinstance(got, int)):
        return got == want
    return math.isclose(got, want, rel_tol=RELATIVE, abs_tol=ABSOLUTE) or (math.isnan(got) and math.isnan(want))


def load_expected(path: Path = EXPECTED) -> dict[str, dict[str, float]]:
    """The committed headline numbers, ``{lecture: {key: number}}``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_summaries(folders: list[Path]) -> dict[str, dict]:
    """``{lecture: summary}`` of every ``<folder>/<lecture>/summary.json``."""
    summaries = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("*/summary.json")):
            summary = json.loads(path.read_text(encoding="utf-8"))
            summaries[summary.get("lecture", path.parent.name)] = summary
    return summaries


def compare(summaries: dict[str, dict], expected: dict[str, dict[str, float]]) -> dict[str, list[str]]:
    """``{lecture: differences}`` for every lecture that differs or is missing from ``summaries``."""
    report = {}
    for lecture, numbers in expected.items():
        if lecture not in summaries:
            report[lecture] = ["no summary.json"]
        elif found := differences(summaries[lecture], numbers):
            report[lecture] = found
    for lecture in summaries:
        if lecture not in expected:
            report[lecture] = ["not in the expectations (run with --write)"]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders holding <lecture>/summary.json")
    parser.add_argument("--expected", type=Path, default=EXPECTED, help=f"default {EXPECTED.relative_to(ROOT)}")
    parser.add_argument("--write", action="store_true", help="record these summaries' numbers as the expectations")
    args = parser.parse_args(argv)
    summaries = read_summaries(args.folders)
    if not summaries:
        parser.error(f"no <lecture>/summary.json under {', '.join(map(str, args.folders))}")
    if args.write:
        numbers = {lecture: headline_numbers(summary) for lecture, summary in sorted(summaries.items())}
        args.expected.write_text(json.dumps(numbers, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote the headline numbers of {len(numbers)} lectures to {args.expected}")
        return 0
    report = compare(summaries, load_expected(args.expected))
    for lecture, found in report.items():
        print(f"{lecture}:")
        print("\n".join(f"  {line}" for line in found))
    expected = load_expected(args.expected)
    new = sum(len(set(headline_numbers(s)) - set(expected.get(lecture, {}))) for lecture, s in summaries.items())
    if new:
        print(f"{new} numbers are not in the expectations yet (--write records them)")
    total = sum(len(headline_numbers(s)) for s in summaries.values())
    print(f"{len(summaries)} summaries, {total} headline numbers: "
          + ("the same as the expectations" if not report else f"{len(report)} lectures differ"))
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
