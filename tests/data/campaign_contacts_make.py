"""Make ``campaign_contacts.csv``: a researcher-style campaign table for lecture 10 (seeded, synthetic).

Generative process (seed 1010, 4,000 contacts): ``age_years`` uniform whole numbers 20-75;
``tenure_months`` geometric with mean 24; ``orders_last_year`` Poisson(1 + tenure / 24);
``region`` one of north / south / east / west with shares 0.3 / 0.3 / 0.2 / 0.2;
``newsletter`` "yes" with probability 0.4. The customer buys (``bought`` = "yes") with probability
logistic(-3.2 + 0.02 (age - 45) + 0.35 orders + 0.8 [newsletter] + 0.4 [region = east]).
``call_minutes`` is the length of the sales call, longer for buyers: like Bank Marketing's ``duration``
it is only known after the call, so the lecture leaves it out of the predictors.

Run from the repository root: ``python tests/data/campaign_contacts_make.py``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def make_campaign(n: int = 4000, seed: int = 1010) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(20, 76, n)
    tenure = rng.geometric(1 / 24, n)
    orders = rng.poisson(1 + tenure / 24)
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.3, 0.3, 0.2, 0.2])
    newsletter = rng.random(n) < 0.4
    eta = -3.2 + 0.02 * (age - 45) + 0.35 * orders + 0.8 * newsletter + 0.4 * (region == "east")
    bought = rng.random(n) < 1 / (1 + np.exp(-eta))
    minutes = np.round(rng.gamma(2.0, 1.5, n) + 4.0 * bought, 1)
    return pd.DataFrame({
        "client_ref": [f"P{i:05d}" for i in range(1, n + 1)],
        "age_years": age,
        "tenure_months": tenure,
        "orders_last_year": orders,
        "region": region,
        "newsletter": np.where(newsletter, "yes", "no"),
        "call_minutes": minutes,
        "bought": np.where(bought, "yes", "no"),
    })


if __name__ == "__main__":
    make_campaign().to_csv(Path(__file__).with_name("campaign_contacts.csv"), index=False)
