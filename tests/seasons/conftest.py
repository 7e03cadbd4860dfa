import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def fresh_cache():
    """The board caches figures per form version; every test starts without them."""
    caches["figures"].clear()
    yield
    caches["figures"].clear()
