"""The printed form's signatures name the people typed on the form (填表人, 审核人), not the
login accounts that filled it in and approved it."""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader

from evaluations.exports.pdf import render_pdf
from evaluations.models import Evaluation
from evaluations.selectors import form_data, with_lines
from tests.conftest import make_evaluation


def printed(ev) -> str:
    out = BytesIO()
    render_pdf(form_data(with_lines(Evaluation.objects.filter(pk=ev.pk)).get()), out)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(out).pages))


def test_the_signatures_print_the_names_typed_on_the_form(cast):
    ev = make_evaluation(cast.preparer, cast.year)
    Evaluation.objects.filter(pk=ev.pk).update(
        preparer="王小明",
        signer_reviewer="李会计",
        status=Evaluation.Status.APPROVED,
        reviewed_by=cast.reviewer,  # account name 张审核
    )
    text = printed(ev)
    assert "王小明" in text and "审核人：李会计" in text
    assert "张审核" not in text
    assert cast.preparer.get_full_name() not in text or not cast.preparer.get_full_name()


def test_without_a_typed_reviewer_the_approving_account_is_named(cast):
    ev = make_evaluation(cast.preparer, cast.year)
    Evaluation.objects.filter(pk=ev.pk).update(
        status=Evaluation.Status.APPROVED, reviewed_by=cast.reviewer
    )
    assert "审核人：张审核" in printed(ev)
