"""Preparers: log in, open the list and the form, save it with the version the page carried
(optimistic lock), submit, withdraw, again, pausing between actions as $LOAD_WAIT says ("MIN-MAX"
seconds; default 0.5-1.5, a clerk's pace is 10-30). Each save tried, and each the server
acknowledges, is written to $LOAD_SAVES (JSON lines) and flushed at once, so `data.py verify`
can check afterwards that none was lost, whenever the run is stopped."""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, task

USERS = json.loads(Path(os.environ["LOAD_USERS"]).read_text(encoding="utf-8"))
SAVES = open(os.environ["LOAD_SAVES"], "a", encoding="utf-8")  # noqa: SIM115 - open for the run
PASSWORD = os.environ["LOAD_PASSWORD"]
_lock = threading.Lock()
_next = iter(range(10**9))
WAIT = [float(s) for s in os.environ.get("LOAD_WAIT", "0.5-1.5").split("-")]


def record(**entry) -> None:
    """One line of the save record, on disk before the request it notes is sent or after its
    answer came: a run cut off between the two leaves the "tried" line, never a half one."""
    with _lock:
        SAVES.write(json.dumps(entry, ensure_ascii=False) + "\n")
        SAVES.flush()


class FormFields(HTMLParser):
    """The name/value pairs a browser would post from the page's form with the given action."""

    def __init__(self, form_id_hint: str):
        super().__init__()
        self.hint, self.inside, self.fields = form_id_hint, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("method") or "").lower() == "post" and self.hint in (
                a.get("id", "") + a.get("action", "") + a.get("class", "")
            )
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") in ("submit", "button"):
                return
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def page_fields(html: str, hint: str) -> dict:
    parser = FormFields(hint)
    parser.feed(html)
    return parser.fields


class Preparer(HttpUser):
    wait_time = between(WAIT[0], WAIT[-1])

    def on_start(self):
        me = USERS[next(_next) % len(USERS)]
        self.form = me["form"]
        page = self.client.get("/login/", name="login page")
        token = page_fields(page.text, "")["csrfmiddlewaretoken"]
        with self.client.post(
            "/login/",
            {"username": me["username"], "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"login refused ({r.status_code})")

    def _csrf(self):
        return self.client.cookies.get("csrftoken", "")

    @task
    def fill_and_submit(self):
        # A pause (wait_time) before every click: the list, the form, 保存, the form page, 提交,
        # 撤回; the page a click redirects to comes with it.
        self.client.get("/evaluations/", name="list")
        edit = f"/evaluations/{self.form}/edit/"
        self.wait()
        page = self.client.get(edit, name="edit page")
        if page.status_code != 200 or "/edit/" not in page.url:
            return  # submitted by an earlier round that failed half-way: withdraw below
        data = page_fields(page.text, "evaluation-form")
        typed = f"完成情况 {uuid.uuid4().hex[:12]}"
        data["goal_actual"] = typed
        version = data.get("version")
        self.wait()
        record(form=self.form, token=typed, tried=True)  # cut off by the end, it may be stored
        with self.client.post(
            edit, data, name="save", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code == 302 and r.headers.get("Location", "").endswith(edit):
                record(form=self.form, token=typed, v=version)
            else:
                r.failure(f"save refused ({r.status_code})")
                return

        self.wait()
        detail = self.client.get(f"/evaluations/{self.form}/", name="detail")
        m = re.search(r'name="version" value="(\d+)"', detail.text)
        if not m:
            return
        for action in ("submit", "withdraw"):
            self.wait()
            with self.client.post(
                f"/evaluations/{self.form}/transition/{action}/",
                {"version": m.group(1), "csrfmiddlewaretoken": self._csrf()},
                name=action,
                allow_redirects=False,
                catch_response=True,
                headers={"Referer": self.host},
            ) as r:
                if r.status_code != 302:
                    r.failure(f"{action} refused ({r.status_code})")
                    return
            # The workflow message (success or refusal) is on the next page.
            detail = self.client.get(f"/evaluations/{self.form}/", name="detail")
            if "alert-danger" in detail.text:
                msg = re.search(r'alert-danger">([^<]*)', detail.text)
                self.environment.events.request.fire(
                    request_type="CHECK",
                    name=f"{action} refused",
                    response_time=0,
                    response_length=0,
                    exception=Exception(msg.group(1) if msg else action),
                )
                return
            m = re.search(r'name="version" value="(\d+)"', detail.text)
            if not m:
                return
