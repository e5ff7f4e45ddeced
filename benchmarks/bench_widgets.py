"""Time every widget update of the lectures as a student gets it: in a Jupyter kernel, rendering included.

Run (from the repository root)::

    python benchmarks/bench_widgets.py                    # every lecture with widgets
    python benchmarks/bench_widgets.py 01 02 03           # some lectures (by number or name)
    python benchmarks/bench_widgets.py --repeat 3 --json build/widgets.json

How: each lecture notebook is executed top to bottom in a real IPython kernel (nbclient, the
kernel JupyterLab starts, with matplotlib's inline backend), then one more cell finds every
``ipywidgets.interactive`` the lecture made (what ``widgets.interact`` returns) and moves each of
its controls in turn through several values (sliders: 20 %, 35 %, 50 %, 65 % and 80 % of their
range on the step grid, then back; menus: other options), timing ``control.value = v`` with
``time.perf_counter``. That assignment runs the whole update in the kernel exactly as a slider
move from the browser does: the lecture's callback, crmlab's computation, the plot (PNG
rendering by the inline backend or by :class:`crmlab.live.LiveFigure`) and the display messages
sent to the front end. Not included: the round trip between browser and kernel, and the
browser drawing the PNG (a few ms on localhost).

The budget is 100 ms per update (issue 5), median and 95th percentile. For each widget control the median and the
slowest update are printed, then each lecture's median and 95th percentile, with how many of its updates had to redraw the axes (a full redraw
of :class:`crmlab.live.LiveFigure`, which costs a whole matplotlib draw), and the medians are
compared with the budget; the exit status is 1 when any median (or a lecture's 95th percentile) is over it. The last lines give
the share of all updates within the budget and their 95th percentile.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUDGET_MS = 100.0

# Runs inside the kernel after the lecture; prints one JSON line.
TIMING_CELL = r'''
import json as _json, time as _time
import ipywidgets as _widgets
from crmlab.live import LiveFigure as _LiveFigure


def _grid(control, fractions):
    low, high, step = control.min, control.max, control.step or 1
    whole = isinstance(control, (_widgets.IntSlider, _widgets.IntRangeSlider))
    values = []
    for fraction in fractions:
        value = min(max(low + round(fraction * (high - low) / step) * step, low), high)
        values.append(int(value) if whole else float(value))
    return values


def _alternatives(control, count):
    fractions = [0.2, 0.35, 0.5, 0.65, 0.8, 0.3, 0.6, 0.45, 0.7, 0.25][:count]
    if isinstance(control, (_widgets.IntRangeSlider, _widgets.FloatRangeSlider)):
        low, high = control.value
        width = high - low
        span = control.max - control.min
        if width >= span:
            return []
        values = []
        for value in _grid(control, fractions):
            start = min(max(control.min, value - width / 2), control.max - width)
            values.append((type(low)(start), type(high)(start + width)))
        return values
    if isinstance(control, (_widgets.IntSlider, _widgets.FloatSlider)):
        return _grid(control, fractions)
    if isinstance(control, _widgets.Checkbox):
        return [not control.value, control.value] * (count // 2)
    if isinstance(control, _widgets.SelectMultiple):
        options = [value for _, value in control._options_full]
        chosen = list(control.value)
        values = []
        for option in options[:count]:
            values.append(tuple(v for v in chosen if v != option) if option in chosen and len(chosen) > 1
                          else tuple(chosen + [option]) if option not in chosen else tuple(chosen))
        return values
    if hasattr(control, "_options_full"):          # Dropdown, SelectionSlider, RadioButtons, ...
        options = [value for _, value in control._options_full]
        others = [value for value in options if value is not control.value and value != control.value]
        if not others:
            return []
        picks = [others[round(i * (len(others) - 1) / max(count - 1, 1))] for i in range(count)]
        return picks
    return []


_found = []
_registry = getattr(_widgets.Widget, "_active_widgets", None) or _widgets.Widget.widgets
for _widget in list(_registry.values()):
    if isinstance(_widget, _widgets.interactive):
        _found.append(_widget)
_report = []
for _number, _interactive in enumerate(_found):
    for _control in _interactive.kwargs_widgets:
        _start_value = _control.value
        _times, _cpu = [], []
        _values = [v for v in _alternatives(_control, __COUNT__) if v != _start_value]
        _values = [v for i, v in enumerate(_values) if i == 0 or v != _values[i - 1]]  # every move changes the value
        _redraws_before = _LiveFigure.full_redraws
        for _value in _values:
            _begin, _begin_cpu = _time.perf_counter(), _time.thread_time()
            _control.value = _value
            _times.append((_time.perf_counter() - _begin) * 1000)
            _cpu.append((_time.thread_time() - _begin_cpu) * 1000)
        _redraws = _LiveFigure.full_redraws - _redraws_before
        _control.value = _start_value
        if _times:
            _report.append({"widget": _number, "callback": getattr(_interactive.f, "__name__", "?"),
                            "control": str(_control.description or type(_control).__name__),
                            "kind": type(_control).__name__, "ms": _times, "cpu_ms": _cpu,
                            "full_redraws": _redraws})
print("BENCH-WIDGETS " + _json.dumps(_report))
'''


def _p95(values: list[float]) -> float:
    """The 95th percentile (the largest value when there are fewer than two)."""
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else max(values)


def lectures_with_widgets(selection: list[str], folder: Path = NOTEBOOKS) -> list[Path]:
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        if selection and not any(path.stem.startswith(s) or s in path.stem for s in selection):
            continue
        if any(call in path.read_text(encoding="utf-8") for call in ("widgets.interact", "scenario(")):
            found.append(path)
    return found


def time_lecture(path: Path, count: int) -> list[dict]:
    import nbformat
    from nbclient import NotebookClient

    from crmlab.course import KERNEL, TIMEOUT_SECONDS

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(TIMING_CELL.replace("__COUNT__", str(count))))
    client = NotebookClient(nb, timeout=TIMEOUT_SECONDS, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    for output in nb.cells[-1].outputs:
        text = output.get("text", "")
        for line in text.splitlines():
            if line.startswith("BENCH-WIDGETS "):
                return json.loads(line[len("BENCH-WIDGETS "):])
    raise RuntimeError(f"{path.name}: the timing cell printed nothing")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lectures", nargs="*", help="lecture numbers or names (default: every lecture with widgets)")
    parser.add_argument("--moves", type=int, default=5, help="values tried per control (default 5)")
    parser.add_argument("--json", type=Path, help="also write the raw timings here")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS,
                        help="folder of the lecture notebooks (e.g. an older version, to compare); they run in "
                             "notebooks/ so that relative paths resolve")
    args = parser.parse_args(argv)
    print(f"widget updates in a Jupyter kernel, rendering included (python {sys.version.split()[0]}; "
          f"budget {BUDGET_MS:.0f} ms per update)")
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'lecture':<30} {'callback':<22} {'control':<24} {'median ms':>9} {'max ms':>8} {'cpu ms':>7} "
          f"{'full redraws':>12}")
    rows, over, per_lecture = [], 0, []
    for path in lectures_with_widgets(args.lectures, args.notebooks):
        started = time.perf_counter()
        report = time_lecture(path, args.moves)
        for entry in report:
            median = statistics.median(entry["ms"])
            flag = "" if median <= BUDGET_MS else "  OVER BUDGET"
            over += bool(flag)
            print(f"{path.stem[:30]:<30} {entry['callback'][:22]:<22} {entry['control'][:24]:<24} "
                  f"{median:>9.1f} {max(entry['ms']):>8.1f} {statistics.median(entry['cpu_ms']):>7.1f} "
                  f"{entry['full_redraws']:>5} of {len(entry['ms']):<4}{flag}",
                  flush=True)
            rows.append({"lecture": path.stem, **entry})
        updates = [ms for entry in report for ms in entry["ms"]]
        if updates:
            median, p95 = statistics.median(updates), _p95(updates)
            flag = "" if median <= BUDGET_MS and p95 <= BUDGET_MS else "  OVER BUDGET"
            over += bool(flag)
            per_lecture.append((path.stem, len(updates), median, p95))
            print(f"  {path.stem}: {len(updates)} updates, median {median:.1f} ms, 95th percentile {p95:.1f} ms{flag}")
        print(f"  ({path.stem}: executed and timed in {time.perf_counter() - started:.0f} s)", flush=True)
    medians = [statistics.median(row["ms"]) for row in rows]
    if medians:
        every = [ms for row in rows for ms in row["ms"]]
        print(f"\n{len(rows)} controls; median of medians {statistics.median(medians):.1f} ms; "
              f"slowest median {max(medians):.1f} ms; {over} over the {BUDGET_MS:.0f} ms budget")
        print(f"{len(every)} updates: {sum(ms <= BUDGET_MS for ms in every)} within the budget, "
              f"95th percentile {statistics.quantiles(every, n=20)[-1]:.1f} ms, slowest {max(every):.1f} ms; "
              f"{sum(row['full_redraws'] for row in rows)} full redraws of the axes")
        cpu = [ms for row in rows for ms in row["cpu_ms"]]
        print(f"CPU time of the kernel thread (what the update costs without waiting for a loaded machine): "
              f"median {statistics.median(cpu):.1f} ms, 95th percentile {statistics.quantiles(cpu, n=20)[-1]:.1f} ms, "
              f"slowest {max(cpu):.1f} ms; load average now {os.getloadavg()[0]:.1f}")
    if per_lecture:
        print(f"\n{'lecture':<36} {'updates':>7} {'median ms':>9} {'p95 ms':>8}")
        for stem, count, median, p95 in per_lecture:
            print(f"{stem:<36} {count:>7} {median:>9.1f} {p95:>8.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
