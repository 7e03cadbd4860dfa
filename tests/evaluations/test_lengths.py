"""Every text cell's length limit applies on the edit page: an over-long text gets a Chinese
message, nothing is saved and the text stays on the page; a text at the limit is stored whole.
(SQLite does not enforce column lengths; PostgreSQL does, and CI runs these tests on it.)"""

import html

import pytest
from django.db import models
from django.urls import reverse

from evaluations.forms import EvaluationForm, FundsForm, IndicatorLineForm
from evaluations.models import Evaluation, FundLine, IndicatorLine
from evaluations.templates_def import TEMPLATES
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post

# PostgreSQL enforces the column lengths SQLite ignores: make test runs this module there too.
pytestmark = pytest.mark.postgresql

LINES = [("项目完成指标", "数量指标", "参保人数", "≥10万人", "128267")]
LONG = "保障城镇职工基本医疗待遇享受人数" * 19  # 16 × 19 = 304 characters


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year, lines=LINES)


def save(client, cast, form, data):
    assert client.login(username="preparer", password=PASSWORD)
    return client.post(reverse("evaluation_edit", args=[form.pk]), data)


@pytest.mark.parametrize("length", [301, 304])
def test_an_over_long_level3_on_a_new_line_gets_a_message_and_stays_on_the_page(
    client, cast, form, length
):
    text = LONG[:length]
    data = edit_post(form)
    data.update(
        {
            "lines-TOTAL_FORMS": "2",
            "lines-1-level1": "项目完成指标",
            "lines-1-level2": "质量指标",
            "lines-1-level3": text,
            "lines-1-target": "100%",
        }
    )
    response = save(client, cast, form, data)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert f"三级指标最多 300 个字（现有 {length} 个）。" in page
    assert text in page
    assert form.indicator_lines.count() == 1


def test_an_over_long_level3_on_an_existing_line_is_refused_not_cut(client, cast, form):
    data = edit_post(form)
    data["lines-0-level3"] = LONG[:301]
    response = save(client, cast, form, data)
    assert response.status_code == 400
    assert "三级指标最多 300 个字（现有 301 个）。" in response.content.decode()
    assert form.indicator_lines.get().level3 == "参保人数"
    form.refresh_from_db()
    assert form.version == 1


def test_a_level3_of_300_characters_is_stored_whole(client, cast, form):
    data = edit_post(form)
    data["lines-0-level3"] = LONG[:300]
    assert save(client, cast, form, data).status_code == 302
    assert form.indicator_lines.get().level3 == LONG[:300]


def test_the_page_does_not_let_the_browser_cut_a_pasted_level3(client, cast, form):
    assert client.login(username="preparer", password=PASSWORD)
    page = client.get(reverse("evaluation_edit", args=[form.pk])).content.decode()
    assert 'name="lines-0-level3"' in page
    textarea = page.split('name="lines-0-level3"')[0].rsplit("<textarea", 1)[1]
    assert "maxlength" not in textarea


def _limited(model, name):
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    return field.max_length if isinstance(field, models.CharField) else None


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_no_form_field_accepts_more_than_its_column_holds(template):
    t = TEMPLATES[template]
    checks = [(IndicatorLineForm(), IndicatorLine), (EvaluationForm(template=t), Evaluation)]
    checks.append((FundsForm(template=t), FundLine))
    for form, model in checks:
        for name, field in form.fields.items():
            column = name.split("__")[-1] if model is FundLine else name
            limit = _limited(model, column)
            if limit is not None and hasattr(field, "max_length"):
                assert field.max_length is not None and field.max_length <= limit, (
                    f"{form.__class__.__name__}.{name}: {field.max_length} > {limit}"
                )
