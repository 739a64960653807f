"""What a plan objective expects by a given day."""

from datetime import date

import pytest

from kam_scoring import expected_to_date, period_share_elapsed

START, END = date(2026, 1, 1), date(2026, 1, 10)  # ten days, both counted


@pytest.mark.parametrize(
    ("today", "share"),
    [
        (date(2026, 1, 1), 0.1),  # the first day counts
        (date(2026, 1, 5), 0.5),
        (date(2026, 1, 10), 1.0),
        (date(2026, 2, 1), 1.0),  # after the end: all of it
        (date(2025, 12, 1), 0.1),  # before the start: one day
    ],
)
def test_period_share_elapsed(today, share):
    assert period_share_elapsed(START, END, today) == pytest.approx(share)


def test_one_day_and_reversed_periods():
    day = date(2026, 3, 1)
    assert period_share_elapsed(day, day, day) == 1.0
    # an end before the start is a one-day period
    assert period_share_elapsed(day, date(2026, 2, 1), day) == 1.0


def test_expected_to_date():
    today = date(2026, 1, 4)
    assert expected_to_date(1000.0, START, END, today) == pytest.approx(400.0)
    # percent of the target, as the alert rule reads it
    assert expected_to_date(100.0, START, END, today) == pytest.approx(40.0)
    # a level (share of wallet, satisfaction) is expected in full at once
    assert expected_to_date(1000.0, START, END, today, level=True) == 1000.0
