import pytest

from .helpers import make_city


@pytest.fixture
def city(db):
    return make_city()
