"""Build hook for crmlab; all other metadata lives in pyproject.toml.

It copies the data files under the top-level ``datasets/`` folder into the wheel as
``crmlab/_data/`` (same layout), so ``crmlab.datasets`` works from an installed wheel without the
git clone. Editable installs skip the copy: there the loaders read ``datasets/`` directly.
``MANIFEST.in`` puts ``datasets/`` into the sdist so that a wheel built from it gets the data too.
"""
from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_SUFFIXES = (".csv", ".csv.gz", ".json", ".md", ".txt")


class BuildPyWithDatasets(build_py):
    """``build_py`` that also copies ``datasets/**`` data files to ``crmlab/_data/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = HERE / "datasets"
        target = Path(self.build_lib) / "crmlab" / "_data"
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.name.endswith(DATA_SUFFIXES):
                destination = target / path.relative_to(source)
                self.mkpath(str(destination.parent))
                self.copy_file(str(path), str(destination))


setup(cmdclass={"build_py": BuildPyWithDatasets})
