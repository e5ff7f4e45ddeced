"""Writing a lecture's results for researchers and tests: tables, figures, ``summary.json``.

A lecture makes one :class:`Results` from its ``output_dir`` parameter. With
``output_dir=None`` nothing is written, but headline numbers are still
collected, so the notebook can show them.

Results are written **atomically**: tables and figures go to a hidden staging folder beside
``output_dir`` (``.<name>.partial-<pid>-...``), and :meth:`Results.save` moves it into place in
one rename at the end of the lecture. A run that fails part-way leaves the previous results as
they were (all of one run) and never a mix of old and new files; its staging folder is removed by
the next run. ``output_dir`` must be a new folder, an empty one, or one that holds crmlab results
(a ``summary.json``): a folder with other files is refused rather than replaced.

``summary.json`` records the lecture, the crmlab version, the parameters, and the SHA-256 of
each input file (every ``*_path`` parameter that names a file), so a number can be traced to the
code, the settings and the exact data that made it.

Examples
--------
>>> import pandas as pd, tempfile
>>> out = tempfile.mkdtemp()
>>> results = Results(out, lecture="00_start_here", parameters={"lang": "en"})
>>> results.table("top_share", pd.DataFrame({"pct": [20], "share": [0.8]})).name
'top_share.csv'
>>> results.record(top20_share=0.8)
>>> saved = results.save()
>>> sorted(saved["numbers"]), saved["crmlab_version"] == __version__
(['top20_share'], True)
>>> sorted(p.name for p in Path(out).iterdir())
['summary.json', 'top_share.csv']
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import __version__
from .lang import label, register
from .reader import file_sha256

register({
    "results_recorded": {"en": "{n} headline numbers recorded", "zh": "本讲记录了 {n} 个关键数字"},
    "results_written": {"en": "; written with {k} tables and figures to {path}",
                        "zh": "，已连同 {k} 个表格和图写入 {path}"},
    "results_not_written": {"en": "; set output_dir to write them to summary.json with the tables and figures",
                            "zh": "；设置参数 output_dir 即可把它们连同表格和图写入 summary.json"},
    "results_bundled": {"en": " ({n} of them from crmlab's bundled data, kept apart)",
                        "zh": "（其中 {n} 个来自 crmlab 自带数据，单独存放）"},
    "results_bundled_note": {"en": "computed on crmlab's bundled datasets, not on the files in `inputs`",
                             "zh": "基于 crmlab 自带数据集计算，而非 `inputs` 中的文件"},
})

__all__ = ["Results", "SUMMARY_FILE", "OutputDirError"]

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


class OutputDirError(ValueError):
    """``output_dir`` cannot take a lecture's results (it holds other files, or is a file)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_staging(final: Path) -> None:
    """Staging folders of runs of ``final`` whose process is gone (failed or killed runs)."""
    for stale in final.parent.glob(f".{final.name}.partial-*"):
        try:
            pid = int(stale.name.rsplit(".partial-", 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(stale, ignore_errors=True)


def _input_files(parameters: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Path and SHA-256 of every ``*_path`` parameter that names an existing file."""
    found = {}
    for name, value in parameters.items():
        if name.endswith("_path") and isinstance(value, str | Path) and str(value).strip():
            path = Path(value).expanduser()
            if path.is_file():
                found[name] = {"path": Path(value).as_posix(), "sha256": file_sha256(path)}
    return found


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
    bundled
        Names of numbers that come from crmlab's bundled data whatever the researcher's files say
        (lecture 08's sBG and BG/BB fits): they are kept under ``"bundled_data"`` in the summary,
        apart from the numbers of the researcher's data.

    Raises
    ------
    OutputDirError
        ``output_dir`` is a file, or a folder with files but no ``summary.json``.
    """

    def __init__(self, output_dir: str | Path | None, lecture: str, parameters: dict[str, Any] | None = None,
                 bundled: Iterable[str] = ()):
        self.output_dir = None if output_dir is None else Path(output_dir).expanduser()
        self.lecture = lecture
        self.parameters = dict(parameters or {})
        self.numbers: dict[str, Any] = {}
        self.bundled_keys = frozenset(bundled)
        self.bundled_numbers: dict[str, Any] = {}
        self.files: list[str] = []
        self.inputs = _input_files(self.parameters)
        self._staging: Path | None = None
        if self.output_dir is not None:
            final = self.output_dir
            if final.exists() and not final.is_dir():
                raise OutputDirError(f"parameter `output_dir` = {str(final)!r} is a file, not a folder")
            if final.is_dir() and any(final.iterdir()) and not (final / SUMMARY_FILE).is_file():
                raise OutputDirError(
                    f"parameter `output_dir` = {str(final)!r} holds files that are not crmlab results (no "
                    f"{SUMMARY_FILE}); choose a new or empty folder: the results replace the folder's content")
            final.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(final)
            self._staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-{os.getpid()}-", dir=final.parent))

    #: Parameter names never stored in ``summary.json`` by :meth:`from_parameters` (keys, passwords).
    PRIVATE_WORDS: tuple[str, ...] = ("secret", "password", "token")

    @classmethod
    def from_parameters(cls, p: Any, lecture: str, *, exclude: Iterable[str] = (),
                        bundled: Iterable[str] = ()) -> Results:
        """The lecture's results, set up from its checked parameters ``p`` (:func:`crmlab.params.check_parameters`).

        ``output_dir`` says where to write; every other parameter is stored in ``summary.json`` as the
        lecture received it (``p.given``), except ``exclude`` and names that contain a word of
        :attr:`PRIVATE_WORDS` (a pseudonymisation key must not travel with the results).

        >>> from crmlab.params import check_parameters
        >>> p = check_parameters(lang="zh", seed=3, output_dir=None, observation_end="2011-09-30", secret_key="k")
        >>> results = Results.from_parameters(p, "demo")
        >>> results.lecture, results.parameters
        ('demo', {'lang': 'zh', 'seed': 3, 'observation_end': '2011-09-30'})
        """
        given = dict(getattr(p, "given", None) or vars(p))
        skip = {"output_dir", *exclude}
        parameters = {name: value for name, value in given.items() if name not in skip
                      and not any(word in name.lower() for word in cls.PRIVATE_WORDS)}
        return cls(getattr(p, "output_dir", None), lecture, parameters=parameters, bundled=bundled)

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
        return (self._staging if self._staging is not None else self.output_dir) / (name + suffix)

    def table(self, name: str, frame: pd.DataFrame | pd.Series, index: bool = True) -> Path:
        """Write ``frame`` as ``<name>.csv`` (UTF-8); return where it will be after :meth:`save`
        (the relative name if disabled)."""
        target = self._target(name, ".csv")
        if target is not None:
            frame.to_csv(target, index=index, encoding="utf-8")
            return self.output_dir / target.name
        return Path(name + ".csv")

    def figure(self, name: str, figure: Figure) -> Path:
        """Save ``figure`` as ``<name>.png``; return where it will be after :meth:`save` (the relative
        name if disabled)."""
        target = self._target(name, ".png")
        if target is not None:
            figure.savefig(target)
            return self.output_dir / target.name
        return Path(name + ".png")

    def record(self, **numbers: Any) -> None:
        """Add headline numbers to the summary (numbers, text, dates, lists or dicts of them)."""
        for key, value in numbers.items():
            (self.bundled_numbers if key in self.bundled_keys else self.numbers)[key] = _plain(value)

    def summary(self) -> dict[str, Any]:
        """The summary as a dict: lecture, crmlab version, parameters, input files, numbers, files
        (and ``bundled_data``: numbers of the bundled data, when a lecture keeps them apart)."""
        content = {
            "lecture": self.lecture,
            "crmlab_version": __version__,
            "parameters": _plain(self.parameters),
            "inputs": self.inputs,
            "numbers": dict(self.numbers),
            "files": sorted(set(self.files)),
        }
        if self.bundled_numbers:
            content["bundled_data"] = {
                "note": label("results_bundled_note", self.lang),
                "numbers": dict(self.bundled_numbers)}
        return content

    @property
    def lang(self) -> str:
        """The reader's language (the lecture's ``lang`` parameter; English without one)."""
        return self.parameters.get("lang", "en") if self.parameters.get("lang") in ("en", "zh") else "en"

    def describe(self) -> str:
        """One sentence for the reader, in the lecture's language: what was recorded and where it went.

        >>> r = Results(None, "demo", parameters={"lang": "zh"})
        >>> r.record(customers=10, revenue=99.5)
        >>> r.describe()
        '本讲记录了 2 个关键数字；设置参数 output_dir 即可把它们连同表格和图写入 summary.json'
        """
        text = label("results_recorded", self.lang).format(n=len(self.numbers) + len(self.bundled_numbers))
        if self.bundled_numbers:
            text += label("results_bundled", self.lang).format(n=len(self.bundled_numbers))
        if self.output_dir is None:
            return text + label("results_not_written", self.lang)
        path = self.output_dir / SUMMARY_FILE
        return text + label("results_written", self.lang).format(k=len(set(self.files)), path=path)

    def save(self) -> dict[str, Any]:
        """Write ``summary.json`` and move the results into ``output_dir`` in one step; return the summary.

        The previous content of ``output_dir`` (earlier crmlab results) is replaced as a whole.
        Saving again later in the same run writes the files made since into ``output_dir`` directly.
        """
        content = self.summary()
        if self.output_dir is None:
            return content
        final = self.output_dir
        text = json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        if self._staging is None or not self._staging.is_dir():   # saved before: update in place
            (final / SUMMARY_FILE).write_text(text, encoding="utf-8")
            return content
        (self._staging / SUMMARY_FILE).write_text(text, encoding="utf-8")
        old = None
        if final.exists():
            old = final.parent / f".{final.name}.old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
        self._staging.rename(final)
        self._staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return content
