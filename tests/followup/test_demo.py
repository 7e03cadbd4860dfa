"""The demo shows each step after the self-evaluation, and loading it twice changes nothing."""

from django.urls import reverse

from demo.loaders import load_demo
from evaluations.demo import DEMO_PASSWORD
from followup.demo import load_followup_demo
from followup.models import Rectification, RectificationItem, ResultDecision, Review, Sample
from tests.evaluations.test_scoring_on_forms import text_of


def test_the_demo_draws_rescores_rectifies_and_applies(db, client):
    lines = load_demo()  # the follow-up demo is part of the whole demo
    assert "复核与整改：已载入演示的抽评批次、复核、整改和结果应用。" in lines
    assert load_followup_demo() is False
    assert "复核与整改：演示数据已存在，未改动。" in load_demo()
    sample = Sample.objects.get()
    assert sample.seed == "bazhou2019"
    review = Review.objects.get()
    assert review.status == Review.Status.DONE and review.review_total != review.self_total
    statuses = list(RectificationItem.objects.order_by("order").values_list("status", flat=True))
    assert statuses == ["answered", "open"]
    assert Rectification.objects.count() == 1 and ResultDecision.objects.count() == 1

    assert client.login(username="bazhou_shenhe", password=DEMO_PASSWORD)
    page = text_of(client.get(reverse("followup:sample", args=[sample.pk])))
    assert "城乡居民基本医疗保险配套资金" in page and "已复核" in page
    detail = text_of(client.get(reverse("evaluation_detail", args=[review.evaluation_id])))
    assert "评分规则（四川省评分规则" in detail
