"""Progress of an account plan's objectives: what is expected by a given day.

An objective accumulated over the plan's period (revenue, margin, a count) is
expected pro rata of the days elapsed; one measured as a level (share of
wallet, satisfaction) is expected in full at any point. The scorecard's sales
area and the "objective off track" alert both measure against it.

Pure Python, no Odoo.
"""

from __future__ import annotations

from datetime import date


def period_share_elapsed(date_start: date, date_end: date, today: date) -> float:
    """Share (0-1] of a period elapsed by ``today``, both ends counted.

    The period lasts from ``date_start`` to ``date_end`` included (at least
    one day); ``today`` counts as elapsed, and is taken between the first and
    the last day: before the period one day is elapsed, after it all of it.
    """
    length = max((date_end - date_start).days + 1, 1)
    elapsed = min(max((today - date_start).days + 1, 1), length)
    return elapsed / length


def expected_to_date(
    target: float,
    date_start: date,
    date_end: date,
    today: date,
    level: bool = False,
) -> float:
    """The part of ``target`` expected by ``today`` of the period.

    ``level``: the objective is a level (share of wallet, satisfaction), the
    whole target is expected at any point; otherwise ``target`` times the
    :func:`period_share_elapsed`.
    """
    if level:
        return float(target)
    return float(target) * period_share_elapsed(date_start, date_end, today)
