"""The fixed cast every test draws on, and small `make_*` helpers.

Regions: 新疆维吾尔自治区 → 喀什地区 → 疏勒县 and 英吉沙县. Units: 疏勒县医疗保障局 (our preparer's),
疏勒县卫生健康委员会 (another budget unit in the same county), 英吉沙县医疗保障局 (another county),
疏勒县财政局 (our reviewer's), 英吉沙县财政局 (a reviewer of another region) and 喀什地区财政局 (a viewer
who sees the prefecture and below, and a reviewer above county level who reviews only the
prefecture's own units until a test sets the unit's `reviews_subregions`).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.http import HttpRequest
from django.test import Client

from evaluations import services
from evaluations.models import Evaluation, IndicatorLine, Membership, Region, Unit, Year

SEED_FORMS = Path(__file__).resolve().parents[1] / "evaluations" / "demo" / "seed_forms.json"
PASSWORD = "correct-horse-42"


def pytest_configure(config):
    # The cast's users are created for every test: a deliberately slow production hasher would
    # spend most of the suite's time hashing their passwords. Logging in still goes through the
    # real authentication backends (django-axes included); only the hash is cheap.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class LoginClient(Client):
    """Django's test client, whose login() gives authenticate() a request: django-axes (login
    throttling) refuses to judge a login without one, as a real login page always has one."""

    def login(self, **credentials):
        request = HttpRequest()
        request.META.update(self._base_environ())
        return super().login(request=request, **credentials)


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Uploads and stored PDFs go to the test's own folder: SQLite hands the same form ids out
    again after a rollback, and a stored PDF is named by form id and version."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_figures():
    """Scores and board figures are cached by form id and version, and SQLite hands the same ids
    out again after a test's rollback: every test starts and ends without them."""
    caches["figures"].clear()
    yield
    caches["figures"].clear()


@pytest.fixture
def client():
    return LoginClient()


def seed_forms() -> list[dict]:
    return [f for f in json.loads(SEED_FORMS.read_text(encoding="utf-8")) if f.get("indicators")]


def make_user(username, unit, role, *, full_name=""):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=full_name)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def cast(db):
    xj = Region.objects.create(name="新疆维吾尔自治区", level=Region.Level.PROVINCE)
    kashi = Region.objects.create(name="喀什地区", level=Region.Level.PREFECTURE, parent=xj)
    shule = Region.objects.create(name="疏勒县", level=Region.Level.COUNTY, parent=kashi)
    yingjisha = Region.objects.create(name="英吉沙县", level=Region.Level.COUNTY, parent=kashi)
    bureau = Unit.objects.create(name="疏勒县医疗保障局", region=shule)
    health = Unit.objects.create(name="疏勒县卫生健康委员会", region=shule)
    other_bureau = Unit.objects.create(name="英吉沙县医疗保障局", region=yingjisha)
    finance = Unit.objects.create(name="疏勒县财政局", region=shule, kind=Unit.Kind.FINANCE)
    other_finance = Unit.objects.create(
        name="英吉沙县财政局", region=yingjisha, kind=Unit.Kind.FINANCE
    )
    prefecture = Unit.objects.create(
        name="喀什地区财政局", region=kashi, kind=Unit.Kind.FINANCE, reviews_subregions=False
    )
    R = Membership.Role
    year = Year.objects.create(year=2020, deadline=date(2021, 4, 30))
    return SimpleNamespace(
        regions=SimpleNamespace(xj=xj, kashi=kashi, shule=shule, yingjisha=yingjisha),
        bureau=bureau,
        health=health,
        other_bureau=other_bureau,
        finance=finance,
        prefecture=prefecture,
        year=year,
        preparer=make_user("preparer", bureau, R.PREPARER, full_name="阿依古丽"),
        colleague=make_user("colleague", bureau, R.PREPARER, full_name="王建国"),
        other_preparer=make_user("other_preparer", health, R.PREPARER, full_name="李明"),
        far_preparer=make_user("far_preparer", other_bureau, R.PREPARER),
        reviewer=make_user("reviewer", finance, R.REVIEWER, full_name="张审核"),
        other_reviewer=make_user("other_reviewer", other_finance, R.REVIEWER),
        viewer=make_user("viewer", prefecture, R.VIEWER),
        prefecture_reviewer=make_user(
            "prefecture_reviewer", prefecture, R.REVIEWER, full_name="喀什地区审核人"
        ),
    )


def make_evaluation(
    preparer,
    year,
    *,
    template="social_insurance_fund",
    project_name="城镇职工医疗保险基金支出",
    lines=(),
    funds=None,
) -> Evaluation:
    """A draft form of the preparer's unit, with indicator lines given as
    (level1, level2, level3, target, actual) and fund amounts as {row_key: {column: "1.00"}}."""
    ev = services.evaluation_create(
        user=preparer,
        unit=preparer.membership.unit,
        year=year,
        template_code=template,
        project_name=project_name,
    )
    IndicatorLine.objects.bulk_create(
        IndicatorLine(
            evaluation=ev, order=i, level1=l1, level2=l2, level3=l3, target=target, actual=actual
        )
        for i, (l1, l2, l3, target, actual) in enumerate(lines)
    )
    for row_key, values in (funds or {}).items():
        ev.fund_lines.filter(row_key=row_key).update(
            **{k: Decimal(v) if v is not None else None for k, v in values.items()}
        )
    return ev


def close_fixture_connection(django_db_blocker):
    """Close the database connection a module-scoped fixture opened (outside the per-test database
    fixtures, which manage theirs). Run after the browser tests — pytest-django runs tests without
    database access last — such a fixture's connection outlived the session, and the test
    database could not be dropped ("being accessed by other users")."""
    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()
