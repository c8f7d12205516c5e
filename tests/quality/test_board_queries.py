"""What the board costs (issue 11): its page reads a fixed few queries, whatever the records — each module's
figures in one batch, one pass over each set of rows they count — and a batch gives exactly the figures,
notes and rows of its sources' own ``measure``, proved on the demo's records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiayuan.core import indicators
from jiayuan.quality import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

BOARD = reverse("quality:board")
# Shell (session, user, memberships, project, navigation: 9), standards, catalogue and entries (3),
# service (6: repairs completed, repairs received, valid complaints, households, visits, timers),
# billing (2: the period's lines, the arrears recovered), org (2: managers, certificates).
BOARD_QUERIES = 22


@pytest.fixture
def demo():
    from jiayuan.demo import DEFAULT_SEED, load_demo

    return load_demo(seed=DEFAULT_SEED, scale=0.02)


def _months(demo):
    this_month = selectors.current_month(demo.today)
    return [selectors.shift(this_month, -2), selectors.shift(this_month, -1), this_month]


def test_batches_give_the_figures_and_rows_of_each_sources_measure(demo):
    counted = 0
    for code in ("CUIHU", "CHENGDONG"):
        project = demo.project(code)
        for period in _months(demo):
            batched = indicators.measure_all(project.pk, period)
            assert set(batched) == {src.code for src in indicators.sources()}
            for src in indicators.sources():
                one, got = src.measure(project.pk, period), batched[src.code]
                assert (got.numerator.value, got.denominator.value) == (
                    one.numerator.value,
                    one.denominator.value,
                ), (code, period, src.code)
                assert str(got.note) == str(one.note)
                for side, alone in ((got.numerator, one.numerator), (got.denominator, one.denominator)):
                    assert str(side.rows.query) == str(alone.rows.query), (src.code, side)
                counted += got.denominator.value > 0
    assert counted >= 20  # the demo's months have records behind most figures


def test_board_page_reads_a_fixed_few_queries(demo, as_user, django_assert_max_num_queries):
    client = as_user(demo.users["manager"])
    for period in _months(demo):
        query = {"project": demo.project("CUIHU").pk, "month": period.label}
        client.get(BOARD, query)  # the session and caches warm
        with django_assert_max_num_queries(BOARD_QUERIES):
            assert client.get(BOARD, query).status_code == 200


def test_the_board_measures_each_batch_once(demo, django_assert_max_num_queries):
    """The 20 registered sources of service, billing and org: ten queries in all, not one or two each."""
    assert len(indicators.sources()) >= 20
    with django_assert_max_num_queries(10):
        indicators.measure_all(demo.project("CUIHU").pk, selectors.current_month(demo.today))
