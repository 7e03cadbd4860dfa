"""Drawing a 抽评 sample: the same seed draws the same forms; strata and amounts as asked."""

from decimal import Decimal

from followup.sampling import Candidate, draw_above, draw_random, draw_stratified

FORMS = [Candidate(pk, unit_id=pk % 3, amount=Decimal(pk * 10)) for pk in range(1, 31)]


def test_the_same_seed_draws_the_same_sample_whatever_the_order():
    first = draw_random(FORMS, size=5, seed="a1b2")
    assert len(first) == 5
    assert draw_random(list(reversed(FORMS)), size=5, seed="a1b2") == first
    assert draw_random(FORMS, size=5, seed="other") != first


def test_stratified_draw_takes_forms_of_every_unit():
    chosen = draw_stratified(FORMS, size=2, seed="s")
    assert len(chosen) == 6
    assert sorted({pk % 3 for pk in chosen}) == [0, 1, 2]
    assert draw_stratified(FORMS, size=2, seed="s") == chosen


def test_a_sample_larger_than_the_forms_takes_them_all():
    assert draw_random(FORMS[:3], size=10, seed="x") == [1, 2, 3]


def test_every_form_above_an_amount():
    assert draw_above(FORMS, min_amount=Decimal(275)) == [28, 29, 30]
