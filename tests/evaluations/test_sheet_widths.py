"""The read-only page of a form with two sheets (部门整体: 指标表 and 基础数据表) gives each grid
its own column widths; numbers never break inside."""

import re

from django.core.management import call_command
from django.urls import reverse

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Evaluation


def test_each_grid_has_its_own_widths(client, db):
    call_command("load_demo", verbosity=0)
    ev = Evaluation.objects.get(template="department_wide_yueyang")
    assert client.login(username="taoyuan_tianbao", password=DEMO_PASSWORD)
    html = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    styles = re.findall(r"<style nonce=[^>]*>(.*?)</style>", html, re.S)
    assert len(styles) == 2
    first = set(re.findall(r"\.(sheet-\d+) col", styles[0]))
    second = set(re.findall(r"\.(sheet-\d+) col", styles[1]))
    assert first == {"sheet-1"} and second == {"sheet-2"}
    assert 'class="sheet sheet-1"' in html and 'class="sheet sheet-2"' in html
