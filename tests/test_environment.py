"""The three descriptions of the environment agree: pyproject.toml, environment.yml, the lock file."""
import re
import tomllib

import yaml

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = {}
    for requirement in project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra if not r.startswith("crmlab")
    ]:
        found[_name(requirement)] = requirement.replace(" ", "")
    return found


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for item in env["dependencies"]:
        entries = item["pip"] if isinstance(item, dict) else [item]
        for entry in entries:
            if entry in ("pip", "-e .") or entry.startswith("python"):
                continue
            found[_name(entry)] = entry.replace(" ", "")
    return found


def test_environment_yml_and_pyproject_name_the_same_packages_and_bounds():
    assert _environment_requirements() == _pyproject_requirements()


def test_lock_pins_every_dependency_exactly():
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"lock line {line!r} is not an exact pin"
            pins[name.lower().replace("_", "-")] = version
    missing = set(_pyproject_requirements()) - set(pins)
    assert not missing, f"packages not pinned in requirements/lock.txt: {sorted(missing)}"


def test_installed_versions_are_the_locked_ones():
    from importlib.metadata import version

    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        name, _, pinned = line.partition("==")
        if name.lower() in {"pandas", "numpy", "scipy", "matplotlib", "statsmodels", "scikit-learn", "papermill"}:
            assert version(name) == pinned, name
