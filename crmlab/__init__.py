"""crmlab: customer relationship management and marketing analytics, as a runnable course.

Modules are named after the concepts they teach; see README.md for the map.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
