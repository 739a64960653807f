"""The key-account scorecard (*cuadro de mando*): five areas and a health score.

Stage 4 of managing a key account measures it in five critical areas: sales,
opportunities, relationships, satisfaction and alerts. Each area is a 0-100
score made of KPIs; each KPI is turned into points by a documented mapping
(:data:`KPI_MAPPINGS`), the area is the mean of the points of its KPIs that
could be measured, and the health score is the weighted mean of the areas
that could be measured (weights renormalised, as for the account potential).

Everything is vectorised over a :class:`pandas.DataFrame` with one row per
account; a KPI that is missing (NaN) is left out of its area and reported, an
area without any KPI is NaN ("not enough data") and left out of the health.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

AREAS = ("sales", "opportunities", "relationships", "satisfaction", "alerts")

DEFAULT_AREA_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "sales": 30.0,
        "opportunities": 20.0,
        "relationships": 20.0,
        "satisfaction": 20.0,
        "alerts": 10.0,
    }
)

# Net Promoter Score bands on the 0-10 question: promoters answer 9 or 10,
# detractors 0 to 6 (7 and 8 are passives).
NPS_MIN = 0
NPS_MAX = 10
NPS_PROMOTER_FROM = 9
NPS_DETRACTOR_TO = 6

# Health points of difference with the previous month that make a trend.
TREND_STEP = 5.0

# Severity weights of open alerts: points lost per open alert.
ALERT_SEVERITY_POINTS: Mapping[str, float] = MappingProxyType(
    {"low": 5.0, "medium": 15.0, "high": 35.0}
)


@dataclass(frozen=True)
class KpiMapping:
    """How a KPI turns into 0-100 points: linear from ``zero`` to ``full``.

    Values at or beyond ``full`` score 100, at or beyond ``zero`` (on the
    other side) score 0; ``zero`` may be above ``full`` (lower is better).
    """

    area: str
    zero: float
    full: float

    def points(self, values: pd.Series) -> pd.Series:
        span = self.full - self.zero
        scaled = (values.astype(float) - self.zero) / span * 100.0
        return scaled.clip(0.0, 100.0)


# The KPIs of each area and their mapping to points.
KPI_MAPPINGS: Mapping[str, KpiMapping] = MappingProxyType(
    {
        # Sales: % of the plan's objective achieved at this point of the
        # period (100% on track = 100 points), growth against the previous
        # period (-20% = 0, +20% = 100), product categories bought for the
        # first time (none is neutral, 50; 2 or more = 100).
        "revenue_achieved_pct": KpiMapping("sales", 0.0, 100.0),
        "margin_achieved_pct": KpiMapping("sales", 0.0, 100.0),
        "growth_pct": KpiMapping("sales", -20.0, 20.0),
        "new_categories": KpiMapping("sales", -2.0, 2.0),
        # Opportunities: win rate (50% or more = 100), pipeline against the
        # revenue objective still to achieve (1x or more = 100), qualified
        # opportunities in the period (3 or more = 100).
        "win_rate_pct": KpiMapping("opportunities", 0.0, 50.0),
        "pipeline_coverage": KpiMapping("opportunities", 0.0, 1.0),
        "qualified_count": KpiMapping("opportunities", 0.0, 3.0),
        # Relationships: contacts with strength >= 3 (4 or more = 100), share
        # of decision makers with such a relationship (all = 100), new
        # contacts in the period (2 or more = 100), interactions in the period
        # (24 or more, about two a month = 100).
        "strong_contacts": KpiMapping("relationships", 0.0, 4.0),
        "decision_makers_covered_pct": KpiMapping("relationships", 0.0, 100.0),
        "new_contacts": KpiMapping("relationships", 0.0, 2.0),
        "interactions": KpiMapping("relationships", 0.0, 24.0),
        # Satisfaction: survey score on 0-10 (NPS question; 5 = 0, 10 = 100),
        # balance of the moments of truth (all negative = 0, all positive =
        # 100).
        "survey_score": KpiMapping("satisfaction", 5.0, 10.0),
        "moments_balance_pct": KpiMapping("satisfaction", -100.0, 100.0),
        # Alerts: points lost to open alerts, weighted by severity (0 lost =
        # 100, 100 or more lost = 0).
        "alert_points_lost": KpiMapping("alerts", 100.0, 0.0),
    }
)


def _default_area_weights() -> dict[str, float]:
    return dict(DEFAULT_AREA_WEIGHTS)


@dataclass(frozen=True)
class ScorecardConfig:
    """Area weights (relative) and the traffic-light thresholds of health."""

    area_weights: Mapping[str, float] = field(default_factory=_default_area_weights)
    green_from: float = 70.0
    amber_from: float = 40.0


Problem = tuple[str, dict[str, Any]]


def scorecard_problems(config: ScorecardConfig) -> list[Problem]:
    """``(code, params)`` problems of ``config``; empty when it is valid.

    Codes: ``area_unknown`` (``area``), ``area_weight_out_of_range``
    (``area``, ``weight``: negative, not finite or over 100),
    ``area_weights_all_zero``, ``light_out_of_range`` (``value``: a threshold
    outside 0-100), ``light_order`` (``amber``, ``green``: amber not below
    green).
    """
    problems: list[Problem] = []
    total = 0.0
    for area, weight in config.area_weights.items():
        if area not in AREAS:
            problems.append(("area_unknown", {"area": area}))
            continue
        try:
            number = float(weight)
        except (TypeError, ValueError):
            number = math.nan
        if not 0.0 <= number <= 100.0:
            problems.append(
                ("area_weight_out_of_range", {"area": area, "weight": weight})
            )
            continue
        total += number
    if total <= 0.0:
        problems.append(("area_weights_all_zero", {}))
    for value in (config.amber_from, config.green_from):
        if not 0.0 <= float(value) <= 100.0:
            problems.append(("light_out_of_range", {"value": value}))
    if not float(config.amber_from) < float(config.green_from):
        problems.append(
            (
                "light_order",
                {"amber": config.amber_from, "green": config.green_from},
            )
        )
    return problems


def alert_points_lost(severities: pd.Series) -> pd.Series:
    """Points lost per account from its open alerts' severities.

    :param severities: one row per open alert, indexed by account, values
        ``low`` / ``medium`` / ``high``
    """
    weights = severities.map(dict(ALERT_SEVERITY_POINTS)).fillna(0.0)
    return weights.groupby(level=0).sum()


def survey_summary(answers: pd.DataFrame) -> pd.DataFrame:
    """Survey score, Net Promoter Score and answer count per account.

    :param answers: one row per completed answer, columns ``account_id`` and
        ``value`` (the answer to the NPS question, 0-10; NaN when skipped)
    :return: indexed by account, ``survey_score`` (mean value, 0-10),
        ``survey_nps`` (% promoters, 9-10, minus % detractors, 0-6: -100 to
        100) and ``survey_answers`` (answers with a value); accounts whose
        answers all skipped the question (or are off the 0-10 scale) have
        no row: not enough data
    """
    values = answers.dropna(subset=["value"])
    # Only answers on the NPS scale are answers: anything else is no data.
    values = values[values["value"].astype(float).between(NPS_MIN, NPS_MAX)]
    value = values["value"].astype(float)
    frame = pd.DataFrame(
        {
            "account_id": values["account_id"],
            "value": value,
            "promoter": (value >= NPS_PROMOTER_FROM).astype(float),
            "detractor": (value <= NPS_DETRACTOR_TO).astype(float),
        }
    )
    grouped = frame.groupby("account_id")
    result = pd.DataFrame(
        {
            "survey_score": grouped["value"].mean(),
            "survey_nps": (grouped["promoter"].mean() - grouped["detractor"].mean())
            * 100.0,
            "survey_answers": grouped["value"].count(),
        }
    )
    result.index.name = "account_id"
    return result


def kpi_points(kpis: pd.DataFrame) -> pd.DataFrame:
    """0-100 points of every known KPI column of ``kpis`` (NaN stays NaN)."""
    columns = {
        f"{name}_points": mapping.points(kpis[name])
        for name, mapping in KPI_MAPPINGS.items()
        if name in kpis
    }
    return pd.DataFrame(columns, index=kpis.index)


def score_scorecard(kpis: pd.DataFrame, config: ScorecardConfig) -> pd.DataFrame:
    """Area scores, health and traffic light for each account (row).

    :param kpis: one row per account, KPI columns named as in
        :data:`KPI_MAPPINGS` (any subset; NaN where a KPI is unknown)
    :return: the KPI points, ``<area>_score`` for the five areas (NaN: not
        enough data), ``health_score`` (NaN when no area could be measured),
        ``health_light`` (``green`` / ``amber`` / ``red`` / None) and
        ``missing_areas`` (comma-separated)
    """
    points = kpi_points(kpis)
    result = points.copy()
    for area in AREAS:
        cols = [
            f"{name}_points"
            for name, mapping in KPI_MAPPINGS.items()
            if mapping.area == area and f"{name}_points" in points
        ]
        result[f"{area}_score"] = (
            points[cols].mean(axis=1, skipna=True) if cols else np.nan
        )
    scores = result[[f"{area}_score" for area in AREAS]].to_numpy(dtype=float)
    weights = np.array(
        [float(config.area_weights.get(area, 0.0)) for area in AREAS], dtype=float
    )
    present = ~np.isnan(scores)
    used = present * weights
    total = used.sum(axis=1)
    weighted = np.where(present, scores, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        health = np.where(total > 0, weighted / np.where(total > 0, total, 1), np.nan)
    result["health_score"] = health
    result["health_light"] = np.select(
        [health >= config.green_from, health >= config.amber_from, health < np.inf],
        ["green", "amber", "red"],
        default=None,
    )
    result.loc[np.isnan(health), "health_light"] = None
    area_names = np.array(AREAS)
    result["missing_areas"] = [
        ",".join(area_names[(~row) & (weights > 0)]) for row in present
    ]
    return result


def health_trend(health, previous, step: float = TREND_STEP) -> str | None:
    """Trend of a health score against the previous month's.

    ``"up"`` when the health rose by ``step`` points or more, ``"down"`` when
    it fell by ``step`` or more, ``"flat"`` otherwise; None when either score
    is unknown (None or NaN).
    """
    if health is None or previous is None:
        return None
    delta = float(health) - float(previous)
    if math.isnan(delta):
        return None
    if delta >= step:
        return "up"
    if delta <= -step:
        return "down"
    return "flat"
