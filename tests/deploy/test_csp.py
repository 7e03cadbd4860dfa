"""Content-Security-Policy on every page, no inline script anywhere, and typed text that looks like
markup shown as text on the page, in the PDF and in the workbook."""

import re
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.conftest import make_evaluation

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EVIL = "<script>alert(1)</script>"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.fixture
def evil_form(cast):
    return make_evaluation(
        cast.preparer,
        cast.year,
        project_name="医保基金支出",
        lines=[("项目完成指标", "数量指标", EVIL, "≥10万人", "128267")],
    )


@pytest.mark.parametrize("page", ["login", "list", "detail", "edit", "history", "admin"])
def test_every_page_carries_a_csp_without_inline_script(client, cast, evil_form, page, admin_user):
    urls = {
        "login": reverse("login"),
        "list": reverse("evaluation_list"),
        "detail": reverse("evaluation_detail", args=[evil_form.pk]),
        "edit": reverse("evaluation_edit", args=[evil_form.pk]),
        "history": reverse("evaluation_history", args=[evil_form.pk]),
        "admin": reverse("admin:index"),
    }
    if page != "login":
        client.force_login(admin_user if page == "admin" else cast.preparer)
    response = client.get(urls[page])
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_the_grid_widths_come_in_a_style_element_with_the_pages_nonce(client, cast, evil_form):
    client.force_login(cast.reviewer)
    response = client.get(reverse("evaluation_detail", args=[evil_form.pk]))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    page = response.content.decode()
    assert f'<style nonce="{nonce}">' in page
    assert ".sheet-1 col:nth-child(1) { width:" in page
    assert " style=" not in page


def test_an_indicator_typed_as_markup_is_text_on_the_page(client, cast, evil_form):
    client.force_login(cast.reviewer)
    for name in ("evaluation_detail", "evaluation_history"):
        page = client.get(reverse(name, args=[evil_form.pk])).content.decode()
        assert EVIL not in page
    page = client.get(reverse("evaluation_detail", args=[evil_form.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    client.force_login(cast.preparer)
    page = client.get(reverse("evaluation_edit", args=[evil_form.pk])).content.decode()
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_indicator_typed_as_markup_is_printed_verbatim_in_pdf_and_excel(client, cast, evil_form):
    client.force_login(cast.reviewer)
    response = client.get(reverse("evaluation_pdf", args=[evil_form.pk]))
    reader = PdfReader(BytesIO(b"".join(response.streaming_content)))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    assert "<script>alert(1)</script>" in text

    response = client.get(reverse("evaluation_xlsx", args=[evil_form.pk]))
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == EVIL]
    assert len(cells) == 1 and cells[0].data_type == "s"


def _template_files():
    # print.html is WeasyPrint's input, never served to a browser.
    return [p for p in TEMPLATES.rglob("*.html") if p.name != "print.html"]


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_handlers_or_style_attributes(path):
    html = path.read_text(encoding="utf-8")
    inline_scripts = [
        tag for tag in re.findall(r"<script\b[^>]*>", html, re.I) if "src=" not in tag
    ]
    assert inline_scripts == [], "move the script into static/js/"
    assert re.findall(r"\son[a-z]+\s*=", html, re.I) == [], "bind events in static/js/"
    assert re.findall(r"\sstyle\s*=", html, re.I) == [], "use a class in static/css/app.css"
    assert "javascript:" not in html.lower()


def test_static_scripts_posting_with_fetch_send_the_csrf_token():
    for path in (TEMPLATES.parent / "static" / "js").glob("*.js"):
        source = path.read_text(encoding="utf-8")
        calls = list(re.finditer(r"fetch\([^;]*?\{(.*?)\}\s*\)", source, re.S))
        # Every call is read, so a POST whose options this pattern misses cannot slip through.
        assert len(calls) == source.count("fetch("), f"{path.name}: a fetch call not checked"
        for call in calls:
            options = call.group(1)
            if re.search(r"method\s*:\s*['\"](POST|PUT|PATCH|DELETE)", options, re.I):
                assert "X-CSRFToken" in options, f"{path.name}: a fetch POST without the token"


def test_every_post_form_carries_the_csrf_token():
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S | re.I):
            if re.search(r'method\s*=\s*"post"', form, re.I):
                assert "{% csrf_token %}" in form, f"{path.name}: a POST form without the token"
