"""Stress test: run every widget lecture N times with plain ``papermill`` and count the runs that stall.

A stall is a run that does not end within ``--timeout`` seconds (each run also gets papermill's own
``--execution-timeout``). Each run is the command a researcher types (``python -m papermill``), not
``crmlab.course``, so nothing of crmlab's own runner can hide a stall. ``--busy`` keeps the other
cores busy with a low-priority spinning process, as on a loaded machine (issue 11 measured stalls
in 4 of 9 loaded runs of lecture 04 before the fix).

For each stall the script names the cell that was running (papermill saves the output notebook as it
goes) and, with ``--diagnose``, asks every Python process of the run (client and kernel) to write
the stacks of all its threads (``faulthandler`` on SIGUSR1) before killing it, into
``<out>/stacks/<lecture>-<run>-<pid>.txt``.

Usage::

    python benchmarks/stress_papermill.py                 # every widget lecture 30 times, other cores busy
    python benchmarks/stress_papermill.py --runs 3 04 08  # a short run of two lectures
    nice -n 10 python benchmarks/stress_papermill.py --runs 30 --busy --lang zh

Exit status 1 if any run stalled or failed.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_RUNNING: list[subprocess.Popen] = []   # the run in progress, killed if the script is stopped
NOTEBOOKS = ROOT / "notebooks"

# installed into the runs' processes with --diagnose only: dump every thread's stack on SIGUSR1
_SITECUSTOMIZE = textwrap.dedent("""
    import faulthandler, os, signal
    _folder = os.environ.get("CRMLAB_STACKS_DIR")
    if _folder:
        _file = open(os.path.join(_folder, f"{os.environ.get('CRMLAB_STACKS_TAG', 'run')}-{os.getpid()}.txt"), "w")
        faulthandler.register(signal.SIGUSR1, file=_file, all_threads=True)
        if os.environ.get("CRMLAB_TRACE_MESSAGES"):      # every message sent and received, with its thread
            import threading, time
            from jupyter_client import session as _session
            _trace = open(os.path.join(_folder, f"{os.environ.get('CRMLAB_STACKS_TAG', 'run')}-{os.getpid()}.msgs"), "w")
            _send, _deserialize = _session.Session.send, _session.Session.deserialize

            def _note(direction, msg):
                try:
                    kind = msg["header"]["msg_type"] if isinstance(msg, dict) and "header" in msg else msg
                    parent = (msg.get("parent_header") or {}).get("msg_id", "")[-8:] if isinstance(msg, dict) else ""
                    extra = msg.get("content", {}).get("execution_state", "") if isinstance(msg, dict) else ""
                    _trace.write(f"{time.time():.4f} {threading.current_thread().name} {direction} {kind} {parent} {extra}\\n")
                    _trace.flush()
                except Exception as problem:
                    _trace.write(f"trace error {problem!r}\\n")

            def send(self, stream, msg_or_type, *args, **kwargs):
                result = _send(self, stream, msg_or_type, *args, **kwargs)
                _note("sent", result if isinstance(result, dict) else msg_or_type)
                return result

            def deserialize(self, *args, **kwargs):
                result = _deserialize(self, *args, **kwargs)
                _note("received", result)
                return result

            _session.Session.send, _session.Session.deserialize = send, deserialize
""")


def widget_lectures() -> list[Path]:
    """The lectures with at least one widget cell (``interact`` or ``scenario``; today: all of them)."""
    import nbformat

    found = []
    for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        if any(c.cell_type == "code" and ("interact" in c.source or "scenario(" in c.source) for c in nb.cells):
            found.append(notebook)
    return found


def running_cell(executed: Path) -> str:
    """Id and first line of the cell papermill marked as running in a partly written output notebook."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unknown (no output notebook yet)"
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            source = "".join(cell.get("source", "")).strip().splitlines()
            return f"cell {index} ({cell.get('id')}): {source[0][:70] if source else ''}"
    return "unknown (no cell marked running)"


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
                todo.append(int(entry.name))
    return found


def run_once(notebook: Path, out: Path, run: int, lang: str, timeout: float, diagnose: bool,
             python: str) -> dict:
    """One plain papermill run; returns its outcome (``ok``, ``stalled`` or ``failed``) and seconds."""
    tag = f"{notebook.stem}-{run}"
    executed = out / f"{tag}.ipynb"
    env = dict(os.environ)
    if diagnose:
        stacks = out / "stacks"
        stacks.mkdir(exist_ok=True)
        hook = out / "hook"
        hook.mkdir(exist_ok=True)
        (hook / "sitecustomize.py").write_text(_SITECUSTOMIZE)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hook), env.get("PYTHONPATH")]))
        env["CRMLAB_STACKS_DIR"], env["CRMLAB_STACKS_TAG"] = str(stacks), tag
        env["CRMLAB_TRACE_MESSAGES"] = "1"
    command = [python, "-m", "papermill", str(notebook), str(executed), "-k", "python3",
               "--cwd", str(notebook.parent), "--no-progress-bar", "--log-level", "WARNING",
               "--execution-timeout", str(int(timeout)),
               "-p", "lang", lang, "-p", "output_dir", str(out / tag)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    _RUNNING[:] = [process]
    try:
        log, _ = process.communicate(timeout=timeout)
        seconds = time.perf_counter() - start
        outcome = "ok" if process.returncode == 0 else "failed"
        detail = "" if outcome == "ok" else log.decode(errors="replace")[-600:]
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - start
        outcome, detail = "stalled", running_cell(executed)
        if diagnose:
            for pid in [process.pid] + _children(process.pid):
                try:
                    os.kill(pid, signal.SIGUSR1)
                except ProcessLookupError:
                    pass
            time.sleep(2)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    if "stalled" != outcome and "Timeout" in detail and "cell" in detail:
        outcome = "stalled"   # papermill's own execution timeout fired first
    row = {"lecture": notebook.stem, "run": run, "outcome": outcome, "seconds": round(seconds, 1), "detail": detail}
    trace = out / "stacks" / f"{tag}-{process.pid}.msgs"
    if diagnose and trace.exists():   # what the stall needs: the runner sending on the shell while a cell runs
        row["runner_comm_msgs"] = trace.read_text().count(" sent comm_msg ")
    return row


def start_busy_cores() -> list[subprocess.Popen]:
    """One spinning, lowest-priority process per core but one: a loaded machine."""
    spin = "import os\nos.nice(19)\nwhile True: pass\n"
    return [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(max(1, (os.cpu_count() or 2) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lectures", nargs="*", help="lecture numbers (e.g. 04 08); default: every widget lecture")
    parser.add_argument("--runs", type=int, default=30, help="runs per lecture (default 30)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run counts as stalled")
    parser.add_argument("--lang", default="zh", help="the lang parameter of every run (default zh)")
    parser.add_argument("--busy", action="store_true", help="keep the other cores busy while running")
    parser.add_argument("--diagnose", action="store_true", help="dump every thread's stack of a stalled run")
    parser.add_argument("--out", type=Path, default=None, help="folder for outputs (default: a temporary one)")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs papermill")
    args = parser.parse_args(argv)

    lectures = widget_lectures()
    if args.lectures:
        lectures = [nb for nb in lectures if nb.name[:2] in {n.zfill(2) for n in args.lectures}]
    out = args.out or Path(tempfile.mkdtemp(prefix="crmlab-stress-"))
    out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # stopped: still clean up below
    busy = start_busy_cores() if args.busy else []
    rows = []
    try:
        for run in range(1, args.runs + 1):          # lecture by lecture within a round: load spreads evenly
            for notebook in lectures:
                row = run_once(notebook, out, run, args.lang, args.timeout, args.diagnose, args.python)
                rows.append(row)
                sends = f" (runner sent {row['runner_comm_msgs']} comm_msg)" if "runner_comm_msgs" in row else ""
                print(f"{row['lecture']} run {run}: {row['outcome']} in {row['seconds']} s{sends}"
                      + (f" -- {row['detail'].strip()}" if row["outcome"] != "ok" else ""), flush=True)
    finally:
        for process in busy:
            process.kill()
        for process in _RUNNING:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    print(f"\n{'lecture':<36} runs  stalled  failed  median s  max s")
    for notebook in lectures:
        mine = [r for r in rows if r["lecture"] == notebook.stem]
        if not mine:
            continue
        times = sorted(r["seconds"] for r in mine)
        print(f"{notebook.stem:<36} {len(mine):>4}  {sum(r['outcome'] == 'stalled' for r in mine):>7}  "
              f"{sum(r['outcome'] == 'failed' for r in mine):>6}  {times[len(times) // 2]:>8}  {times[-1]:>5}")
    stalled = sum(r["outcome"] == "stalled" for r in rows)
    failed = sum(r["outcome"] == "failed" for r in rows)
    print(f"total: {len(rows)} runs, {stalled} stalled, {failed} failed; outputs in {out}"
          f"{' (other cores busy)' if args.busy else ''}")
    (out / "stress.json").write_text(json.dumps(rows, indent=1))
    return 1 if stalled or failed else 0


if __name__ == "__main__":
    sys.exit(main())
