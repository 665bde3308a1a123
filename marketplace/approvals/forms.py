"""Forms of the managers' pages: decide an approval, the CAE's threshold, decide a status.
They check the request (CSRF, shape); the rules live in the operations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField
from wtforms.validators import Optional

from marketplace.approvals.schemas import COMMENT_LIMIT
from marketplace.formfields import text_area


class ApprovalDecisionForm(FlaskForm):
    """Approve or refuse (the button pressed); a refusal says why."""

    decision = HiddenField()
    comment = text_area(_l("Comment (required to refuse)"), COMMENT_LIMIT, 2)


class ThresholdForm(FlaskForm):
    threshold = StringField(
        _l("Invoice records between CAEs above this amount (excl. VAT, €) need our approval"),
        render_kw={"maxlength": 20, "inputmode": "decimal", "autocomplete": "off"},
    )


class StatusDecisionForm(FlaskForm):
    decision = HiddenField()
    started_on = DateField(_l("Start date of the contract"), validators=[Optional()])
