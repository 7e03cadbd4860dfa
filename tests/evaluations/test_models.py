from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool
from evaluations.models import Region, execution_rate


def test_a_moved_region_carries_its_subtree(cast):
    r = cast.regions
    r.shule.parent = r.xj
    r.shule.save()
    r.kashi.refresh_from_db()
    below_kashi = Region.objects.filter(r.kashi.subtree_q()).values_list("name", flat=True)
    below_xj = Region.objects.filter(r.xj.subtree_q()).values_list("name", flat=True)
    assert set(below_kashi) == {"喀什地区", "英吉沙县"}
    assert set(below_xj) == {"新疆维吾尔自治区", "喀什地区", "疏勒县", "英吉沙县"}


def test_full_name_reads_the_tree_from_the_top(cast):
    assert cast.regions.shule.full_name == "新疆维吾尔自治区 / 喀什地区 / 疏勒县"


@pytest.mark.parametrize(
    ("budget", "actual", "rate"),
    [("6699", "661.11", Decimal("661.11") / Decimal("6699")), ("0", "5", None), (None, "5", None)],
)
def test_execution_rate_is_actual_over_budget(budget, actual, rate):
    def as_decimal(v):
        return Decimal(v) if v is not None else None

    assert execution_rate(as_decimal(budget), as_decimal(actual)) == rate


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", False) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)
