"""`make screenshots`: PNGs of the main pages per role, at desktop (1366×768) and phone (390×844)
width, into docs/screens/, from a fresh copy of the demo data.

The app runs on a throw-away SQLite database in a temporary folder (migrated, `load_demo`), served
by `runserver` on a free port; Debian's Chromium, driven by Playwright, logs in as each demo
account and photographs each page in full length. Run from the project root:
`.venv/bin/python scripts/screenshots.py [--only NAME]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screens"
PASSWORD = "jixiao2026"
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"服务没有启动：{url}")


def shots(page, base: str) -> list[tuple[str, str, str]]:
    """(file name, login, path) for every page photographed; form ids are looked up by name."""
    from evaluations.models import Evaluation

    def form(**filters) -> int:
        return Evaluation.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[0]

    Status = Evaluation.Status
    project = form(template="project_2020")
    returned = Evaluation.objects.filter(status=Status.RETURNED).order_by("pk").first()
    submitted = Evaluation.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    department = form(template="department_wide_yueyang")
    out = [
        ("login", "", "/login/"),
        ("preparer-list", "shule_tianbao", "/evaluations/"),
        ("preparer-tasks", "shule_tianbao", "/seasons/mine/"),
        ("preparer-form", "shule_tianbao", f"/evaluations/{project}/"),
        ("preparer-new", "shule_tianbao", "/evaluations/new/"),
        ("preparer-import", "shule_tianbao", "/evaluations/import/"),
        ("reviewer-list", "shule_shenhe", "/evaluations/"),
        ("reviewer-board", "shule_shenhe", "/seasons/board/"),
        ("reviewer-summary", "shule_shenhe", "/summaries/"),
        ("viewer-list", "kashi_chakan", "/evaluations/"),
        ("viewer-summary", "kashi_chakan", "/summaries/"),
        ("department-form", "taoyuan_tianbao", f"/evaluations/{department}/"),
        ("admin", "admin", "/admin/"),
    ]
    if returned is not None:
        login = _preparer_of(returned)
        out += [
            ("preparer-returned-form", login, f"/evaluations/{returned.pk}/"),
            ("preparer-returned-edit", login, f"/evaluations/{returned.pk}/edit/"),
        ]
    if submitted is not None:
        out.append(("reviewer-form", _reviewer_of(submitted), f"/evaluations/{submitted.pk}/"))
    drafts = Evaluation.objects.filter(status=Status.DRAFT, unit__name="疏勒县医疗保障局")
    if drafts.exists():
        out.append(("preparer-edit", "shule_tianbao", f"/evaluations/{drafts.first().pk}/edit/"))
    return out


def _preparer_of(evaluation) -> str:
    from evaluations.models import Membership

    m = Membership.objects.filter(unit=evaluation.unit, role=Membership.Role.PREPARER).first()
    return m.user.username


def _reviewer_of(evaluation) -> str:
    from evaluations.selectors import reviewers_of

    return reviewers_of(evaluation)[0].username


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="只拍文件名含此字样的页面")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="jixiao-screens-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "load_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        photograph(base, args.only)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def photograph(base: str, only: str | None) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for size_name, (width, height) in SIZES.items():
            contexts = {}
            for name, login, path in shots(None, base):
                if only and only not in name:
                    continue
                if login not in contexts:
                    # bypass_csp only so the sticky save bar can be pinned for a full-page shot.
                    context = browser.new_context(
                        base_url=base,
                        locale="zh-CN",
                        viewport={"width": width, "height": height},
                        bypass_csp=True,
                    )
                    page = context.new_page()
                    if login:
                        page.goto("/login/")
                        page.get_by_label("用户名").fill(login)
                        page.get_by_label("密码").fill(PASSWORD)
                        page.get_by_role("button", name="登录").click()
                        page.wait_for_load_state()
                    contexts[login] = page
                page = contexts[login]
                page.goto(path)
                page.wait_for_load_state("networkidle")
                # A full-page shot would paint the sticky save bar mid-page: show it at its place.
                page.add_style_tag(content=".save-bar { position: static; }")
                target = OUT / f"{name}-{size_name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target.relative_to(ROOT))
            for page in contexts.values():
                page.context.close()
        browser.close()


if __name__ == "__main__":
    main()
