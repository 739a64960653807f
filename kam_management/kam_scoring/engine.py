"""Extensible scoring pipeline.

A scorer is a :class:`Scorer` subclass declaring the columns it ``requires``
and the columns it ``provides``. :func:`classify` runs the scorers it is
given, in dependency order: a scorer runs after every scorer providing one of
its required columns; otherwise the given order is kept. A required column
that no scorer provides must be an input column. There is no registry: the
caller says which scorers run. :data:`DEFAULT_SCORERS` are this package's
own (Pareto, RFM, potential, quadrant); the Odoo addon builds its list per
database (``kam.classification.engine._kam_scorers()``, which each addon
extends with ``super()``).

Example of an additional scorer::

    class ChurnRiskScorer(Scorer):
        name = "churn_risk"
        requires = ("days_since_last", "rfm_frequency")
        provides = ("churn_risk",)

        def score(self, frame, config):
            risk = frame["days_since_last"] / 365 * 100
            return risk.clip(0, 100).to_frame("churn_risk")


    result = classify(frame, config, [*DEFAULT_SCORERS, ChurnRiskScorer])
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import ClassVar

import numpy as np
import pandas as pd

from ._frame import numeric_column
from .config import ClassificationConfig, validate_config
from .matrix import quadrants
from .pareto import PARETO_COLUMNS, pareto_classes
from .potential import COMPONENT_COLUMNS, potential_components, potential_score
from .rfm import RFM_COLUMNS, rfm_scores

INPUT_COLUMNS = (
    "revenue",
    "revenue_prev",
    "cost",
    "invoice_count",
    "days_since_last",
    "wallet_estimate",
    "objectives_fit",
    "position_score",
)


class Scorer(ABC):
    """Base class of the scorers run by :func:`classify`."""

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def score(self, frame: pd.DataFrame, config: ClassificationConfig) -> pd.DataFrame:
        """Return the ``provides`` columns for ``frame`` (same index)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def _check_scorer(item: Scorer | type[Scorer]) -> Scorer:
    """``item`` as an instance, after checking it is a complete scorer."""
    cls = item if inspect.isclass(item) else type(item)
    if not (inspect.isclass(cls) and issubclass(cls, Scorer)):
        raise TypeError(f"{item!r} is not a Scorer")
    if inspect.isabstract(cls):
        raise TypeError(f"{cls.__name__} does not implement score()")
    if not item.name or not item.provides:
        raise ValueError(f"{cls.__name__} must define a name and provided columns")
    return item() if inspect.isclass(item) else item


def order_scorers(
    scorers: Iterable[Scorer | type[Scorer]],
    available: Iterable[str] = INPUT_COLUMNS,
) -> list[Scorer]:
    """Return ``scorers`` (instances or classes) in dependency order.

    ``available`` lists the columns present before any scorer runs. Raises
    ``TypeError`` for an item that is no complete :class:`Scorer`, and
    ``ValueError`` for a scorer without a name or provided columns, for two
    scorers of the same name or providing the same column, when a required
    column is neither available nor provided, or on a dependency cycle. The
    same class given twice runs once.
    """
    pending: list[Scorer] = []
    seen: set[type[Scorer]] = set()
    names: set[str] = set()
    for item in scorers:
        if inspect.isclass(item) and item in seen:
            continue
        scorer = _check_scorer(item)
        if scorer.name in names:
            raise ValueError(f"two scorers are named {scorer.name!r}")
        if inspect.isclass(item):
            seen.add(item)
        names.add(scorer.name)
        pending.append(scorer)
    available = set(available)
    providers: dict[str, Scorer] = {}
    for scorer in pending:
        for column in scorer.provides:
            if column in providers:
                raise ValueError(
                    f"column {column!r} is provided by both "
                    f"{providers[column].name!r} and {scorer.name!r}"
                )
            providers[column] = scorer
    depends: dict[int, set[int]] = {}
    for scorer in pending:
        needed = set()
        for column in scorer.requires:
            provider = providers.get(column)
            if provider is not None and provider is not scorer:
                needed.add(id(provider))
            elif provider is None and column not in available:
                raise ValueError(
                    f"scorer {scorer.name!r} requires the unknown column {column!r}"
                )
        depends[id(scorer)] = needed

    ordered: list[Scorer] = []
    done: set[int] = set()
    while pending:
        ready = next((s for s in pending if depends[id(s)] <= done), None)
        if ready is None:
            names = ", ".join(repr(s.name) for s in pending)
            raise ValueError(f"dependency cycle between the scorers {names}")
        pending.remove(ready)
        ordered.append(ready)
        done.add(id(ready))
    return ordered


def classify(
    frame: pd.DataFrame,
    config: ClassificationConfig,
    scorers: Iterable[Scorer | type[Scorer]],
) -> pd.DataFrame:
    """Run ``scorers`` on ``frame`` (one row per account) and join their output.

    ``scorers`` are classes or instances (:data:`DEFAULT_SCORERS` for this
    package's own), run in dependency order (:func:`order_scorers`).

    Raises :class:`~kam_scoring.config.ConfigError` for an invalid ``config``.
    Missing input columns are added as NaN. Each scorer sees the frame with the
    outputs of the scorers before it; the result is the input frame followed by
    every provided column (a provided column already present is replaced).
    What a scorer puts in its output's ``attrs`` (a model fit, say) is kept
    in ``result.attrs["scorer_info"][scorer.name]``.
    """
    validate_config(config)
    result = frame.copy()
    missing = [column for column in INPUT_COLUMNS if column not in result.columns]
    if missing:
        filler = pd.DataFrame(np.nan, index=result.index, columns=missing)
        result = pd.concat([result, filler], axis=1)
    info = {}
    for scorer in order_scorers(scorers, result.columns):
        output = scorer.score(result, config)
        _check_output(scorer, output, result.index)
        if output.attrs:
            info[scorer.name] = dict(output.attrs)
        columns = list(scorer.provides)
        kept = result.drop(columns=[c for c in columns if c in result.columns])
        result = pd.concat([kept, output[columns]], axis=1)
    result.attrs = {"scorer_info": info}
    return result


def _check_output(scorer: Scorer, output: pd.DataFrame, index: pd.Index) -> None:
    if not isinstance(output, pd.DataFrame):
        raise TypeError(f"scorer {scorer.name!r} did not return a DataFrame")
    absent = [column for column in scorer.provides if column not in output.columns]
    if absent:
        raise ValueError(f"scorer {scorer.name!r} did not provide {absent}")
    if not output.index.equals(index):
        raise ValueError(f"scorer {scorer.name!r} changed the index")


class ParetoScorer(Scorer):
    """Pareto (ABC) class of the accounts by revenue."""

    name = "pareto"
    requires = ("revenue",)
    provides = PARETO_COLUMNS

    def score(self, frame: pd.DataFrame, config: ClassificationConfig) -> pd.DataFrame:
        return pareto_classes(
            numeric_column(frame, "revenue"), config.pareto_a, config.pareto_b
        )


class RfmScorer(Scorer):
    """RFM quintile scores and segment."""

    name = "rfm"
    requires = ("days_since_last", "invoice_count", "revenue")
    provides = RFM_COLUMNS

    def score(self, frame: pd.DataFrame, config: ClassificationConfig) -> pd.DataFrame:
        return rfm_scores(
            frame["days_since_last"], frame["invoice_count"], frame["revenue"]
        )


class PotentialScorer(Scorer):
    """Potential components and weighted potential score."""

    name = "potential"
    requires = (
        "revenue",
        "revenue_prev",
        "cost",
        "wallet_estimate",
        "objectives_fit",
    )
    provides = (*COMPONENT_COLUMNS, "potential_score")

    def score(self, frame: pd.DataFrame, config: ClassificationConfig) -> pd.DataFrame:
        components = potential_components(frame, config.window_months)
        components["potential_score"] = potential_score(components, config.weights)
        return components


class QuadrantScorer(Scorer):
    """Potential/position quadrant."""

    name = "quadrant"
    requires = ("potential_score", "position_score")
    provides = ("quadrant",)

    def score(self, frame: pd.DataFrame, config: ClassificationConfig) -> pd.DataFrame:
        labels = quadrants(
            frame["potential_score"],
            frame["position_score"],
            config.potential_threshold,
            config.position_threshold,
        )
        return labels.to_frame("quadrant")


# This package's own scorers, in the order they run.
DEFAULT_SCORERS: tuple[type[Scorer], ...] = (
    ParetoScorer,
    RfmScorer,
    PotentialScorer,
    QuadrantScorer,
)
