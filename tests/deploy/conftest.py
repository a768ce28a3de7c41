from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes tens of seconds (runs a script end to end)")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
