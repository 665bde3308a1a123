"""The audience of a shared object: who may see it (the rule itself lives in visibility.py).

Kept in its own ground-floor module because the models that store an audience are imported by
visibility.py; visibility.py re-exports it.
"""

from flask_babel import lazy_gettext as _l

from marketplace.enums import LabelledEnum


class Audience(LabelledEnum):
    CAE = "cae", _l("members of my CAE")
    NETWORK = "network", _l("members of every CAE")
    PUBLIC = "public", _l("everyone (public)")
