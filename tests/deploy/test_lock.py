"""The lock files pin every dependency of pyproject.toml with its hashes, and the installs use
them: a dependency added without `make lock` fails here rather than on a server."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement)[0]).lower()


def _pinned(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    pins = dict(re.findall(r"^([a-z0-9._-]+)==(\S+) \\$", text, re.MULTILINE))
    # Every pin carries at least one hash (pip then installs with --require-hashes).
    for block in re.split(r"\n(?=[a-z0-9])", text):
        if "==" in block.splitlines()[0]:
            assert "--hash=sha256:" in block, block.splitlines()[0]
    return {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in pins.items()}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(
    "lock, requirements",
    [
        ("requirements.lock", PROJECT["dependencies"]),
        (
            "requirements-dev.lock",
            PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"],
        ),
    ],
)
def test_every_dependency_is_pinned_with_hashes(lock, requirements):
    pins = _pinned(lock)
    missing = [r for r in requirements if _name(r) not in pins]
    assert not missing, f"run `make lock`: {missing} not in {lock}"


def test_the_image_make_and_ci_install_from_the_locks():
    assert "pip install --require-hashes -r requirements.lock" in (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "LOCK := requirements-dev.lock" in makefile
    assert "pip install -q --require-hashes -r $(LOCK)" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()  # CI installs through make
