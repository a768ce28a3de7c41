import pytest

from permits.demo import seed_prices


@pytest.fixture
def permit_city(demo_city):
    """The demo city with Genk's resident card prices (1 and 2 free, 3 € 100 a year, 4 refused; cap 3)."""
    seed_prices()
    return demo_city
