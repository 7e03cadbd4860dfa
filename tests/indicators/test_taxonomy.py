"""The 一级/二级 taxonomy and the mapping of variant labels onto canonical names."""

import pytest

from indicators.taxonomy import (
    CAIYU_2021_101,
    CLASSIC,
    TAXONOMIES,
    canonical_level1,
    canonical_level2,
    level2_choices,
)


@pytest.mark.parametrize(
    ("label", "canonical"),
    [
        ("产出指标", "产出指标"),
        ("项目完成指标", "产出指标"),  # 社会保险基金 forms (seeds 000–002)
        ("产出指标（50分）", "产出指标"),  # printed with its points
        ("效益指标(30分)", "效益指标"),
        ("满意度", "满意度指标"),
        ("满意度指标", "满意度指标"),
        ("服务对象满意度", "满意度指标"),
        ("效益", "效益指标"),
        ("成本指标", "成本指标"),  # first level in 101号
        (" 产出指标 ", "产出指标"),
    ],
)
def test_canonical_level1_maps_variants(label, canonical):
    assert canonical_level1(label) == canonical


@pytest.mark.parametrize(
    ("label", "canonical"),
    [
        ("数量", "数量指标"),
        ("数量指标", "数量指标"),
        ("时效", "时效指标"),
        ("经济效益", "经济效益指标"),
        ("经济双效", "经济效益指标"),  # seed 004
        ("社会效益", "社会效益指标"),
        ("可持续影响", "可持续影响指标"),  # seed 004
        ("服务对象满意度", "服务对象满意度指标"),  # seed 005
        ("满意度指标", "服务对象满意度指标"),  # as a 二级 on the 社会保险基金 forms
        ("★数量指标", "数量指标"),
        ("经济成本", "经济成本指标"),
        ("生态成本指标", "生态环境成本指标"),
    ],
)
def test_canonical_level2_maps_variants(label, canonical):
    assert canonical_level2(label) == canonical


@pytest.mark.parametrize("label", ["", "   ", "其他", "指标1", None, 42, "数量指标"])
def test_canonical_level1_is_none_for_unknown_labels(label):
    assert canonical_level1(label) is None


@pytest.mark.parametrize("label", ["", "产出指标", "随便写写", None])
def test_canonical_level2_is_none_for_unknown_labels(label):
    assert canonical_level2(label) is None


def test_classic_choices_per_level1():
    assert level2_choices("产出指标") == ("数量指标", "质量指标", "时效指标", "成本指标")
    assert level2_choices("效益指标") == (
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
    )
    assert level2_choices("满意度指标") == ("服务对象满意度指标",)


def test_choices_accept_legacy_level1_names():
    assert level2_choices("项目完成指标") == level2_choices("产出指标")
    assert level2_choices("满意度") == ("服务对象满意度指标",)


def test_101_taxonomy_makes_cost_a_first_level_indicator():
    assert level2_choices("成本指标", taxonomy=CAIYU_2021_101) == (
        "经济成本指标",
        "社会成本指标",
        "生态环境成本指标",
    )
    assert "成本指标" not in level2_choices("产出指标", taxonomy=CAIYU_2021_101)
    assert list(TAXONOMIES[CAIYU_2021_101]) == ["产出指标", "成本指标", "效益指标", "满意度指标"]


def test_classic_taxonomy_has_no_cost_first_level():
    assert list(TAXONOMIES[CLASSIC]) == ["产出指标", "效益指标", "满意度指标"]
    assert level2_choices("成本指标") == ()


def test_unknown_level1_has_no_choices():
    assert level2_choices("不存在的指标") == ()


def test_unknown_taxonomy_is_an_error():
    with pytest.raises(ValueError, match="unknown taxonomy"):
        level2_choices("产出指标", taxonomy="nope")


def test_taxonomies_are_read_only():
    with pytest.raises(TypeError):
        TAXONOMIES[CLASSIC]["产出指标"] = ()  # type: ignore[index]
