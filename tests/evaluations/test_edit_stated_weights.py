"""The edit page scores a form with the 一级 weights it states, as its read-only page and print do."""

from decimal import Decimal

from django.urls import reverse

from evaluations.models import Evaluation
from evaluations.scoring import evaluation_score
from evaluations.selectors import with_lines
from tests.evaluations.helpers import make_project_form
from tests.evaluations.test_scoring_on_forms import login

# 70/20/10 over the lines: the form states the whole 100 there, so 预算执行率 carries no points.
LINES = [
    ("产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "70", None),
    ("效益指标", "社会效益指标", "政策知晓率", "≥90%", "95%", "20", None),
    ("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "95%", "10", None),
]


def test_the_edit_page_total_is_the_total_of_the_forms_own_weights(client, cast):
    ev = make_project_form(cast, LINES)
    stored = evaluation_score(with_lines(Evaluation.objects.filter(pk=ev.pk)).get())
    assert stored.suggested_total == Decimal(100)  # 9 for 90 % spent would make it 109
    login(client, cast.preparer)
    page = client.get(reverse("evaluation_edit", args=[ev.pk])).content.decode()
    assert '<span id="suggested-total">100</span>' in page


def test_the_browsers_running_total_counts_the_forms_own_budget_points(client, cast):
    ev = make_project_form(cast, LINES)
    login(client, cast.preparer)
    page = client.get(reverse("evaluation_edit", args=[ev.pk])).content.decode()
    # The form's 70/20/10 leave 预算执行率 no points: score_total.js must not add the template's 10.
    assert 'data-budget-weight="0"' in page
