"""Probabilistic customer-base models for customer lifetime value (CLV).

===========================  ===========================  ==========================================
class                        setting                      paper
===========================  ===========================  ==========================================
:class:`ShiftedBetaGeo`      contractual, cohort survival Fader & Hardie (2007)
:class:`BetaGeo`             non-contractual, continuous  Fader, Hardie & Lee (2005), BG/NBD
:class:`ParetoNBD`           non-contractual, continuous  Schmittlein et al. (1987); Fader & Hardie (2005)
:class:`BetaGeoBetaBinom`    non-contractual, discrete    Fader, Hardie & Shang (2010), BG/BB
:class:`GammaGamma`          spend per transaction        Fader, Hardie & Lee (2005), "RFM and CLV"
===========================  ===========================  ==========================================

All share the scikit-learn shape described in :mod:`crmlab.models.base`.

Examples
--------
>>> from crmlab.models import ShiftedBetaGeo
>>> ShiftedBetaGeo().fit([1000, 631, 468, 382, 326, 289, 262, 241]).params_.round(3).tolist()
[0.704, 1.182]
"""
from __future__ import annotations

from crmlab.models.base import ConvergenceWarning, DegenerateFitError, DegenerateFitWarning, NotFittedError
from crmlab.models.bgbb import BetaGeoBetaBinom
from crmlab.models.bgnbd import BetaGeo
from crmlab.models.gammagamma import GammaGamma
from crmlab.models.paretonbd import ParetoNBD
from crmlab.models.sbg import ShiftedBetaGeo

__all__ = [
    "BetaGeo",
    "BetaGeoBetaBinom",
    "ConvergenceWarning",
    "DegenerateFitError",
    "DegenerateFitWarning",
    "GammaGamma",
    "NotFittedError",
    "ParetoNBD",
    "ShiftedBetaGeo",
]
