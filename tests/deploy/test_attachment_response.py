"""attachment_response: a stored file goes back as a download, never as a page of the site."""

import pytest

from config.downloads import OPAQUE, attachment_response


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_workbook_is_an_attachment_with_its_chinese_name():
    response = attachment_response(
        b"PK\x03\x04data",
        "2020年度 医保基金.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''2020%E5%B9%B4%E5%BA%A6" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == b"PK\x03\x04data"


@pytest.mark.parametrize(
    ("content_type", "filename"),
    [
        ("text/html", "说明.html"),
        ("text/html; charset=utf-8", "a.txt"),
        ("TEXT/HTML", "a"),
        ("image/svg+xml", "logo.svg"),
        ("application/xhtml+xml", "a.xhtml"),
        ("application/pdf", "report.html"),  # a PDF named .html
        ("image/png", "logo.svg"),
        ("", "a.bin"),
        (None, "a.bin"),
        ("nonsense", "a.bin"),
    ],
)
def test_html_and_svg_are_served_as_opaque_bytes(content_type, filename, tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(b"<script>alert(1)</script>")
    with path.open("rb") as fh:
        response = attachment_response(fh, filename, content_type)
        assert response["Content-Type"] == OPAQUE
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert body(response) == b"<script>alert(1)</script>"


def test_the_sandbox_policy_survives_the_csp_middleware(client, db, settings, tmp_path):
    """The site-wide CSP middleware leaves a download's own, stricter policy alone."""
    from django.http import HttpRequest
    from django.middleware.csp import ContentSecurityPolicyMiddleware

    response = attachment_response(b"x", "a.html", "text/html")
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    out = middleware(HttpRequest())
    assert out["Content-Security-Policy"] == "default-src 'none'; sandbox"
