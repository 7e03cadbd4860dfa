"""The status board's workbook writes texts as every other export does: formula-like names stay
text with Excel's quote prefix, and characters a workbook cannot hold do not break the download."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import Evaluation
from tests.conftest import PASSWORD, make_evaluation

from .helpers import COMPLETE, issue


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("seasons.views.today", lambda: date(2021, 5, 2))


def board_sheet(client, cast):
    assert client.login(username="reviewer", password=PASSWORD)
    response = client.get(reverse("seasons:board_xlsx"), {"year": 2020, "sort": "unit"})
    assert response.status_code == 200
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","点此查看")', "+1+2", "-2-3", "@SUM(A1)"]
)
def test_a_formula_like_project_name_is_quoted_text(client, cast, name):
    issue(cast)
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    Evaluation.objects.filter(pk=ev.pk).update(project_name=name)
    ws = board_sheet(client, cast)
    cell = ws["D4"]
    assert cell.value == name
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_a_control_character_in_a_name_does_not_break_the_export(client, cast):
    issue(cast)
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    Evaluation.objects.filter(pk=ev.pk).update(project_name="医保\x07基金支出")
    assert board_sheet(client, cast)["D4"].value == "医保基金支出"
