"""Configuration of the account classification and its validation.

The configuration is a frozen dataclass so that a single instance can be shared
safely between scorers. :func:`config_problems` returns machine-readable
problems as ``(code, params)`` pairs, leaving the wording (and its translation)
to the caller; :func:`validate_config` raises :class:`ConfigError` instead.

Problem codes:

``window_not_positive``
    ``window_months`` is not a positive number. Params: ``months``.
``window_too_long``
    ``window_months`` is over :data:`MAX_WINDOW_MONTHS`. Params: ``months``,
    ``max``.
``pareto_out_of_range``
    ``pareto_a`` or ``pareto_b`` is not within ``0 < x < 100`` (at 100 no
    customer could be class C). Params: ``value``. Reported once per offending
    value.
``pareto_order``
    ``pareto_a`` is not strictly lower than ``pareto_b``. Params: ``a``, ``b``.
``weight_unknown``
    A weight key is not one of :data:`POTENTIAL_COMPONENTS`. Params:
    ``component``.
``weight_negative``
    A weight is negative or not a finite number. Params: ``component``, ``weight``.
``weight_too_large``
    A weight is over :data:`MAX_WEIGHT`. Params: ``component``, ``weight``,
    ``max``.
``weights_all_zero``
    The valid, non-negative weights of known components sum to zero or less.
    No params.
``clv_horizon_out_of_range``
    ``clv_horizon_months`` is not a whole number of months within
    ``1..MAX_CLV_HORIZON_MONTHS``. Params: ``months``, ``max``.
``clv_discount_out_of_range``
    ``clv_discount_rate`` (annual, percent) is not within ``0..100``.
    Params: ``rate``.
``threshold_out_of_range``
    A quadrant threshold is outside ``[0, 100]``. Params: ``name``
    (``"potential"`` or ``"position"``) and ``value``.

Components missing from ``weights`` count as weight 0. Every rule is checked
independently, so one wrong value may raise several problems (for instance
``pareto_a = 120`` with ``pareto_b = 95`` is both out of range and out of
order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

POTENTIAL_COMPONENTS = (
    "volume",
    "growth",
    "share_of_wallet",
    "profitability",
    "objectives_fit",
)

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "volume": 30.0,
        "growth": 20.0,
        "share_of_wallet": 15.0,
        "profitability": 20.0,
        "objectives_fit": 15.0,
    }
)

# Bounds that keep the arithmetic and the dates of a run sane.
MAX_WINDOW_MONTHS = 120
MAX_WEIGHT = 100.0
MAX_CLV_HORIZON_MONTHS = 120

Problem = tuple[str, dict[str, Any]]


def _default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class ClassificationConfig:
    """Parameters of the Pareto/RFM/potential/position classification.

    ``pareto_a`` and ``pareto_b`` are percentages of the cumulative revenue,
    ``weights`` weighs the potential components (relative values, they need not
    sum to 100) and the two thresholds split the potential/position matrix.
    """

    window_months: int = 12
    pareto_a: float = 80.0
    pareto_b: float = 95.0
    weights: Mapping[str, float] = field(default_factory=_default_weights)
    potential_threshold: float = 50.0
    position_threshold: float = 50.0
    clv_horizon_months: int = 36
    clv_discount_rate: float = 10.0


class ConfigError(ValueError):
    """Raised by :func:`validate_config`; ``problems`` holds the details."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        codes = ", ".join(code for code, _params in self.problems)
        super().__init__(f"invalid classification configuration: {codes}")


def _as_float(value: Any) -> float:
    """Return ``value`` as a float, or NaN when it is not a number."""
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _pareto_problems(a: Any, b: Any) -> list[Problem]:
    problems: list[Problem] = []
    for value in (a, b):
        number = _as_float(value)
        if not 0.0 < number < 100.0:
            problems.append(("pareto_out_of_range", {"value": value}))
    if not _as_float(a) < _as_float(b):
        problems.append(("pareto_order", {"a": a, "b": b}))
    return problems


def _weight_problems(weights: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    total = 0.0
    for component, weight in weights.items():
        if component not in POTENTIAL_COMPONENTS:
            problems.append(("weight_unknown", {"component": component}))
            continue
        number = _as_float(weight)
        if not number >= 0.0 or math.isinf(number):
            problems.append(
                ("weight_negative", {"component": component, "weight": weight})
            )
            continue
        if number > MAX_WEIGHT:
            problems.append(
                (
                    "weight_too_large",
                    {"component": component, "weight": weight, "max": MAX_WEIGHT},
                )
            )
            continue
        total += number
    if total <= 0.0:
        problems.append(("weights_all_zero", {}))
    return problems


def config_problems(config: ClassificationConfig) -> list[Problem]:
    """Return the list of ``(code, params)`` problems of ``config``.

    An empty list means the configuration is valid.
    """
    problems: list[Problem] = []
    months = _as_float(config.window_months)
    if not months > 0:
        problems.append(("window_not_positive", {"months": config.window_months}))
    elif months > MAX_WINDOW_MONTHS:
        problems.append(
            (
                "window_too_long",
                {"months": config.window_months, "max": MAX_WINDOW_MONTHS},
            )
        )
    problems.extend(_pareto_problems(config.pareto_a, config.pareto_b))
    problems.extend(_weight_problems(config.weights or {}))
    horizon = _as_float(config.clv_horizon_months)
    if not (1 <= horizon <= MAX_CLV_HORIZON_MONTHS and horizon == int(horizon)):
        problems.append(
            (
                "clv_horizon_out_of_range",
                {"months": config.clv_horizon_months, "max": MAX_CLV_HORIZON_MONTHS},
            )
        )
    if not 0.0 <= _as_float(config.clv_discount_rate) <= 100.0:
        problems.append(
            ("clv_discount_out_of_range", {"rate": config.clv_discount_rate})
        )
    for name, value in (
        ("potential", config.potential_threshold),
        ("position", config.position_threshold),
    ):
        if not 0.0 <= _as_float(value) <= 100.0:
            problems.append(("threshold_out_of_range", {"name": name, "value": value}))
    return problems


def validate_config(config: ClassificationConfig) -> None:
    """Raise :class:`ConfigError` when ``config`` has any problem."""
    problems = config_problems(config)
    if problems:
        raise ConfigError(problems)
