"""草稿 is printed only on forms still being filled in: a submitted form prints 待审核, an
approved one no stamp, in the form's PDF and Excel and in the 自评报告's PDF."""

import subprocess
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from evaluations import services
from tests.conftest import PASSWORD, make_evaluation

COMPLETE = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


def text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")  # the stamp is letter-spaced


def download(client, name, ev) -> bytes:
    response = client.get(reverse(name, args=[ev.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def stamp_of_workbook(data: bytes) -> str:
    return openpyxl.load_workbook(BytesIO(data)).worksheets[0].oddHeader.right.text or ""


@pytest.mark.parametrize(
    ("moves", "stamp", "absent"),
    [
        ([], "草稿", "待审核"),
        (["submit"], "待审核", "草稿"),
        (["submit", "approve"], None, "草稿"),
    ],
)
def test_the_stamp_follows_the_status(client, cast, tmp_path, moves, stamp, absent):
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    for action in moves:
        user = cast.preparer if action == "submit" else cast.reviewer
        services.evaluation_transition(evaluation_id=ev.pk, user=user, action=action)
    assert client.login(username=cast.reviewer.username, password=PASSWORD)

    form_pdf = text(download(client, "evaluation_pdf", ev), tmp_path)
    report_pdf = text(download(client, "report_pdf", ev), tmp_path)
    workbook = stamp_of_workbook(download(client, "evaluation_xlsx", ev))
    for printed in (form_pdf, report_pdf):
        assert absent not in printed
        if stamp:
            assert stamp in printed
        else:
            assert "待审核" not in printed
    assert workbook == (stamp or "")
