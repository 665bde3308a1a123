"""The demo data set: fictional CAEs and a few hundred French skill profiles.

``load_demo()`` (loader.py) creates what is missing through the same operations as the
interface; ``generate_people()`` (generate.py) draws the people from the tables of caes.py,
people.py and sectors.py with a fixed seed, so every run gives the same data. The tables
themselves are data files in data/, read by datafiles.py.
"""

from marketplace.demo.generate import DEFAULT_COUNT, DEFAULT_SEED, generate_people
from marketplace.demo.loader import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    MEMBER_EMAIL,
    DemoResult,
    load_demo,
)

__all__ = [
    "ADMIN_EMAIL",
    "DEFAULT_COUNT",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "MANAGER_EMAIL",
    "MEMBER_EMAIL",
    "DemoResult",
    "generate_people",
    "load_demo",
]
