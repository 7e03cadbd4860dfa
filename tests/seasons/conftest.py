import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """The board caches figures per form version; every test starts without them."""
    cache.clear()
    yield
    cache.clear()
