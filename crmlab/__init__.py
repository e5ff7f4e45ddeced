"""crmlab: customer relationship management and marketing analytics, as a runnable course.

Modules are named after the concepts they teach:

Plumbing
    ``lang`` (English/Chinese vocabulary), ``plotting`` (theme with a bundled CJK font),
    ``params`` (checking a lecture's parameters), ``output`` (tables, figures, ``summary.json``),
    ``validation`` (one family of input errors naming the column and the bad rows, the date and column rules),
    ``course`` (running lectures, building exercises), ``course_map`` (the lectures),
    ``exercise_build`` (building and grading the exercise sets), ``instructor_kit`` (objectives ↔ questions),
    ``live`` (widget figures that redraw only their data).
Data
    ``datasets`` (loaders of the bundled real data), ``simulate`` (a seeded synthetic customer base),
    ``transactions`` (validating and cleaning transaction logs), ``first_look`` (lecture 00's views).
Part I–II: marketing thinking and relationships
    ``philosophies``, ``frameworks`` (4P/6P/11P/4C/4R), ``promotion`` (budget over five tools),
    ``relationship``, ``concentration`` (20/80 rule, Lorenz curve, Gini).
Part III: segmentation
    ``rfm``, ``value_matrix``, ``abc_classes``, ``clustering``, ``targeting``, ``segmentation``.
Part IV: customer value
    ``clv`` (formulas and customer-level CLV), ``models`` (sBG, BG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma).
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
