"""Potential/position matrix (four quadrants).

An account has a high potential when its potential score is >= the potential
threshold and a strong position when its position score is >= the position
threshold (the thresholds themselves count as high/strong):

=================  ===============  ==============
                   strong position  weak position
=================  ===============  ==============
high potential     ``invest``       ``selective``
low potential      ``maintain``     ``milk``
=================  ===============  ==============

The quadrant is ``None`` when either score is unknown (NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import numeric

QUADRANTS = ("invest", "selective", "maintain", "milk")


def quadrants(
    potential: pd.Series,
    position: pd.Series,
    potential_threshold: float = 50.0,
    position_threshold: float = 50.0,
) -> pd.Series:
    """Return the quadrant of each account (object Series named ``quadrant``).

    The result follows the index of ``potential``; ``position`` is aligned to
    it by index (accounts missing from ``position`` get ``None``).
    """
    if not position.index.equals(potential.index):
        position = position.reindex(potential.index)
    pot = numeric(potential).to_numpy()
    pos = numeric(position).to_numpy()
    high = pot >= potential_threshold
    strong = pos >= position_threshold
    labels = np.select(
        [high & strong, high, strong],
        [QUADRANTS[0], QUADRANTS[1], QUADRANTS[2]],
        default=QUADRANTS[3],
    ).astype(object)
    labels[np.isnan(pot) | np.isnan(pos)] = None
    return pd.Series(labels, index=potential.index, dtype=object, name="quadrant")
