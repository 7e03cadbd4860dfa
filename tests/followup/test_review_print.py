"""The 复核 print variant: the form's PDF and workbook with a 复核得分 column beside 得分, the
复核 total and the 复核结论, linked from the 复核 page and the form page for finance."""

from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.evaluations.test_scoring_on_forms import login, text_of
from tests.followup.test_review import draw, rescore

D = Decimal


def finished_review(cast, approved):
    review = draw(cast, "manual", picked=[approved.training.pk]).reviews.get()
    rescore(
        cast,
        review,
        [D(10), D(27), D(10)],
        reasons={0: "培训人数以签到表为准"},
        conclusion="培训人数核减，其余属实",
    )
    return review


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return "".join(text.split())  # a narrow column wraps its heading


def test_the_review_variant_prints_the_review_column_total_and_conclusion(client, cast, approved):
    review = finished_review(cast, approved)
    ev = approved.training
    login(client, cast.reviewer)
    page = text_of(client.get(reverse("followup:review", args=[review.pk])))
    assert "打印复核版" in page
    detail = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    assert "?variant=review" in detail

    pdf = client.get(reverse("evaluation_pdf", args=[ev.pk]) + "?variant=review")
    assert pdf.status_code == 200 and "-review.pdf" in pdf["Content-Disposition"]
    text = pdf_text(pdf)
    assert "复核得分" in text and "培训人数核减，其余属实" in text
    # 分值 (the weights this form counts with, as it states them), 得分, 复核得分
    assert "总分706256" in text and "复核总分56" in text

    xlsx = client.get(reverse("evaluation_xlsx", args=[ev.pk]) + "?variant=review")
    ws = load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row}
    head = next(k for k, v in cells.items() if v == "复核得分")
    score_head = next(k for k, v in cells.items() if v == "得分" and k[0] == head[0])
    assert score_head[1] == head[1] - 1  # right beside 得分
    total_row = next(r for (r, c), v in cells.items() if v == "总分")
    # The template's unused 二级指标 print as empty rows in between.
    column = [cells.get((r, head[1])) for r in range(head[0] + 1, total_row)]
    assert [v for v in column if v is not None] == [10, 27, 10]
    assert cells[(total_row, head[1])] == 56
    values = set(cells.values())
    assert "复核结论" in values and "培训人数核减，其余属实" in values

    # The plain form is unchanged: no 复核 column.
    plain = client.get(reverse("evaluation_xlsx", args=[ev.pk]))
    ws = load_workbook(BytesIO(b"".join(plain.streaming_content))).active
    assert "复核得分" not in {c.value for row in ws.iter_rows() for c in row}


def test_units_and_unfinished_reviews_have_no_review_variant(client, cast, approved):
    review = draw(cast, "manual", picked=[approved.training.pk]).reviews.get()
    url = reverse("evaluation_pdf", args=[approved.training.pk]) + "?variant=review"
    login(client, cast.reviewer)
    assert client.get(url).status_code == 404  # not finished yet
    page = client.get(reverse("evaluation_detail", args=[approved.training.pk]))
    assert "?variant=review" not in page.content.decode()
    finished_review(cast, approved)
    assert review.pk  # the first stays assigned; the second sample's 复核 is finished
    login(client, cast.preparer)
    assert client.get(url).status_code == 404
    page = client.get(reverse("evaluation_detail", args=[approved.training.pk]))
    assert "?variant=review" not in page.content.decode()
