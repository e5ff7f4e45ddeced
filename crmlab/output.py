"""Writing a lecture's results for researchers and tests: tables, figures, ``summary.json``.

A lecture makes one :class:`Results` from its ``output_dir`` parameter. With
``output_dir=None`` nothing is written, but headline numbers are still
collected, so the notebook can show them.

Examples
--------
>>> import pandas as pd, tempfile
>>> out = tempfile.mkdtemp()
>>> results = Results(out, lecture="00_start_here", parameters={"lang": "en"})
>>> results.table("top_share", pd.DataFrame({"pct": [20], "share": [0.8]})).name
'top_share.csv'
>>> results.record(top20_share=0.8)
>>> sorted(results.save()["numbers"])
['top20_share']
"""
from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["Results", "SUMMARY_FILE"]

SUMMARY_FILE = "summary.json"


def _plain(value: Any) -> Any:
    """Turn numpy/pandas values into JSON-ready Python values; NaN is refused."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"summary value {value!r} is not a finite number")
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    return value


class Results:
    """Collects a lecture's key tables, figures and headline numbers.

    Parameters
    ----------
    output_dir
        Folder to write into (created when needed), or ``None`` to write nothing.
    lecture
        Name of the lecture, stored in ``summary.json``.
    parameters
        The lecture's parameters, stored in ``summary.json`` so a result can be
        traced to the run that made it.
    """

    def __init__(self, output_dir: str | Path | None, lecture: str, parameters: dict[str, Any] | None = None):
        self.output_dir = None if output_dir is None else Path(output_dir)
        self.lecture = lecture
        self.parameters = dict(parameters or {})
        self.numbers: dict[str, Any] = {}
        self.files: list[str] = []
        if self.output_dir is not None:
            self.output_dir.mkdir(parents=True, exist_ok=True)

    @property
    def enabled(self) -> bool:
        """True when results are written to disk."""
        return self.output_dir is not None

    def _target(self, name: str, suffix: str) -> Path | None:
        if not name or "/" in name or "\\" in name:
            raise ValueError(f"result name {name!r} must be a plain file name without folders")
        if self.output_dir is None:
            return None
        self.files.append(name + suffix)
        return self.output_dir / (name + suffix)

    def table(self, name: str, frame: pd.DataFrame | pd.Series, index: bool = True) -> Path:
        """Write ``frame`` as ``<name>.csv`` (UTF-8) and return its path (relative name if disabled)."""
        target = self._target(name, ".csv")
        if target is not None:
            frame.to_csv(target, index=index, encoding="utf-8")
            return target
        return Path(name + ".csv")

    def figure(self, name: str, figure: Figure) -> Path:
        """Save ``figure`` as ``<name>.png`` and return its path (relative name if disabled)."""
        target = self._target(name, ".png")
        if target is not None:
            figure.savefig(target)
            return target
        return Path(name + ".png")

    def record(self, **numbers: Any) -> None:
        """Add headline numbers to the summary (numbers, text, dates, lists or dicts of them)."""
        for key, value in numbers.items():
            self.numbers[key] = _plain(value)

    def summary(self) -> dict[str, Any]:
        """The summary as a dict: lecture, parameters, numbers, files."""
        return {
            "lecture": self.lecture,
            "parameters": _plain(self.parameters),
            "numbers": dict(self.numbers),
            "files": sorted(set(self.files)),
        }

    def save(self) -> dict[str, Any]:
        """Write ``summary.json`` when enabled and return the summary."""
        content = self.summary()
        if self.output_dir is not None:
            text = json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True)
            (self.output_dir / SUMMARY_FILE).write_text(text + "\n", encoding="utf-8")
        return content
