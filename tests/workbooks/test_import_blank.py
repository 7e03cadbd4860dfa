"""导入Excel offers a blank workbook per 表样, written from the template by the form's own Excel
export, and a blank filled in comes back as a draft of that 表样."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import Evaluation
from evaluations.templates_def import TEMPLATES
from tests.conftest import PASSWORD
from tests.workbooks.import_books import XLSX_TYPE


def test_the_import_page_links_a_blank_workbook_per_template(client, cast):
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    page = client.get(reverse("evaluation_import")).content.decode()
    for code in TEMPLATES:
        assert reverse("evaluation_import_blank", args=[code]) in page
    assert client.get(reverse("evaluation_import_blank", args=["nope"])).status_code == 404


@pytest.mark.parametrize("code", list(TEMPLATES))
def test_a_blank_workbook_filled_in_imports_as_its_template(client, cast, code):
    t = TEMPLATES[code]
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    response = client.get(reverse("evaluation_import_blank", args=[code]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    book = load_workbook(BytesIO(data))
    texts = {str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value}
    assert any(t.title in text or text in t.title for text in texts)
    assert not any(text.startswith("=") for text in texts)  # no formulas

    upload = SimpleUploadedFile("空白表.xlsx", data, content_type=XLSX_TYPE)
    response = client.post(reverse("evaluation_import"), {"year": cast.year.pk, "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Evaluation.objects.get().template == code
