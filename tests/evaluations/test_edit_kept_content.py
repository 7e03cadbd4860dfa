"""The edit page shows what an imported form holds beyond its fields (extra head rows, the
审核人, 其他内容), read-only; every save keeps them."""

from __future__ import annotations

import datetime

from django.urls import reverse

from evaluations.models import Evaluation
from tests.conftest import PASSWORD
from tests.evaluations.helpers import make_project_form
from tests.evaluations.test_scoring_on_forms import PROJECT_LINES, text_of


def test_the_edit_page_shows_the_forms_other_content(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    Evaluation.objects.filter(pk=ev.pk).update(
        header_extra=[{"label": "项目负责人及电话", "value": "王工 0998-6621234"}],
        signer_reviewer="赵审核",
        signer_reviewer_date=datetime.date(2021, 3, 5),
        other_content=[{"source": "Sheet1!H3", "label": "绩效等级", "value": "优"}],
    )
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    text = text_of(client.get(reverse("evaluation_edit", args=[ev.pk])))
    assert "表上其他内容" in text
    assert "项目负责人及电话 王工 0998-6621234" in text
    assert "审核人 赵审核 2021年3月5日" in text
    assert "其他内容 绩效等级：优" in text
