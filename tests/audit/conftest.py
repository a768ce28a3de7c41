from tests.privacy.conftest import world  # noqa: F401  Alice's data in every area, a fixture
