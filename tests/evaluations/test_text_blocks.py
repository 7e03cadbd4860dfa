"""The printed grid's text-block rows — 社保基金's 偏差原因, 转移支付's 说明 — are on the form's page, in
its PDF and in its workbook, each read back on its own (a round trip through both exports would
not notice both losing them)."""

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from evaluations.models import Evaluation
from tests.conftest import make_evaluation
from tests.evaluations.test_export_pdf import needs_pdftotext, norm, pdf_text

LINES = [("产出指标", "数量指标", "参保人数", "≥10万人", "9万人")]
BLOCKS = [
    ("social_insurance_fund", "deviation_reason", "偏差原因", "参保人数口径调整，支出低于预算"),
    ("transfer_payment_2019", "remarks", "说明", "本表资金含上年结转资金三百万元"),
]


@pytest.fixture(params=BLOCKS, ids=[b[0] for b in BLOCKS])
def block_form(request, cast):
    template, key, label, text = request.param
    ev = make_evaluation(cast.preparer, cast.year, template=template, lines=LINES)
    Evaluation.objects.filter(pk=ev.pk).update(**{key: text})
    return ev, label, text


def test_the_page_shows_the_text_block(client, cast, block_form):
    ev, label, text = block_form
    client.force_login(cast.preparer)
    page = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    assert f">{label}<" in page and text in page


@needs_pdftotext
def test_the_pdf_prints_the_text_block(client, cast, block_form, tmp_path):
    ev, label, text = block_form
    client.force_login(cast.preparer)
    response = client.get(reverse("evaluation_pdf", args=[ev.pk]))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    printed = norm(pdf_text(data, tmp_path))
    assert norm(label + text) in printed


def test_the_workbook_holds_the_text_block_beside_its_caption(client, cast, block_form):
    ev, label, text = block_form
    client.force_login(cast.preparer)
    response = client.get(reverse("evaluation_xlsx", args=[ev.pk]))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    ws = openpyxl.load_workbook(BytesIO(data)).active
    rows = [[c for c in row if c not in (None, "")] for row in ws.iter_rows(values_only=True)]
    assert [label, text] in rows
