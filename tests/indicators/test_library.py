"""The indicator library: filled from the seed forms by load_demo (once per name however often it
runs) and searched while a form is filled in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.library import classify, library_add_from_lines
from indicators.models import IndicatorDefinition
from indicators.views import MAX_RESULTS
from tests.conftest import PASSWORD, seed_forms

Direction = IndicatorDefinition.Direction


def seed_names() -> set[str]:
    return {line["level3"].strip() for form in seed_forms() for line in form["indicators"]}


def test_load_demo_twice_files_each_distinct_seed_indicator_once(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    names = list(IndicatorDefinition.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    # Every seed indicator, plus those of the 项目支出 form composed from seed 003.
    assert seed_names() <= set(names)


def test_seeded_definitions_take_canonical_levels_unit_direction_and_target(db):
    call_command("load_demo", stdout=StringIO())
    get = IndicatorDefinition.objects.get

    # Seed 001 files 社会效益指标 under 项目完成指标, which groups with 效益指标.
    d = get(name="基金使用符合政策规定")
    assert (d.level1, d.level2, d.typical_target) == ("效益指标", "社会效益指标", "100%")
    # 满意度 / 满意度指标 on seed 000 are the variants of 满意度指标 / 服务对象满意度指标.
    d = get(name="医疗保险待遇享受人员满意度")
    assert (d.level1, d.level2, d.unit, d.direction) == (
        "满意度指标",
        "服务对象满意度指标",
        "%",
        Direction.POSITIVE,
    )
    assert get(name="社会面平稳有序，上访率").direction == Direction.NEGATIVE  # ≤1%
    assert get(name="保障城镇职工基本医疗待遇享受人数").unit == "人"  # ≥10万人
    assert get(name="机要室使用时间").direction == Direction.DEADLINE  # 5月10日
    assert get(name="业务保障能力").direction == Direction.QUALITATIVE  # 得到提升


def test_unknown_labels_are_kept_verbatim():
    assert classify("专项指标", "其他") == ("专项指标", "其他")
    assert classify("产出", "数量") == ("产出指标", "数量指标")


def test_a_name_already_in_the_library_is_left_as_it_is(db):
    IndicatorDefinition.objects.create(
        name="参保人员满意度",
        level1="满意度指标",
        level2="服务对象满意度指标",
        typical_target="≥95%",
    )
    added = library_add_from_lines(
        [
            ("满意度指标", "满意度指标", "参保人员满意度", "≥90%"),
            ("产出指标", "数量指标", "培训人数", "≥100人"),
            ("产出指标", "数量指标", "培训人数", "≥200人"),  # the first line of a name decides
        ]
    )
    assert added == 1
    assert IndicatorDefinition.objects.get(name="参保人员满意度").typical_target == "≥95%"
    assert IndicatorDefinition.objects.get(name="培训人数").typical_target == "≥100人"


@pytest.fixture
def library(db):
    library_add_from_lines(
        [
            ("满意度指标", "服务对象满意度指标", "参保人员满意度", "≥90%"),
            ("产出指标", "数量指标", "保障生育保险待遇享受人数", "≥6253人"),
        ]
    )


def test_search_finds_definitions_by_name(client, cast, library):
    client.login(username=cast.preparer.username, password=PASSWORD)
    results = client.get(reverse("indicator_search"), {"q": "满意"}).json()["results"]
    assert [(r["name"], r["level1"], r["level2"], r["typical_target"]) for r in results] == [
        ("参保人员满意度", "满意度指标", "服务对象满意度指标", "≥90%")
    ]
    assert client.get(reverse("indicator_search"), {"q": "  "}).json() == {"results": []}


def test_search_requires_login(client, library):
    response = client.get(reverse("indicator_search"), {"q": "满意"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_search_returns_a_limited_number_of_results(client, cast, db):
    library_add_from_lines(
        ("产出指标", "数量指标", f"培训人数（第{i}期）", "≥100人") for i in range(MAX_RESULTS + 5)
    )
    client.login(username=cast.preparer.username, password=PASSWORD)
    results = client.get(reverse("indicator_search"), {"q": "培训"}).json()["results"]
    assert len(results) == MAX_RESULTS


def test_the_edit_page_offers_the_library_picker(client, cast):
    from tests.conftest import make_evaluation

    ev = make_evaluation(cast.preparer, cast.year)
    client.login(username=cast.preparer.username, password=PASSWORD)
    page = client.get(reverse("evaluation_edit", args=[ev.pk])).content.decode()
    assert 'id="picker-input"' in page and 'role="combobox"' in page
    assert f'data-url="{reverse("indicator_search")}"' in page
    assert 'role="listbox"' in page
