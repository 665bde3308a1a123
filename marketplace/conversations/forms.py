"""The conversations' forms (rendering and CSRF; the schemas check the input)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField

from marketplace.conversations.schemas import ConversationInput, MessageInput, ReportInput
from marketplace.formfields import text_area
from marketplace.schema import limit_of


class NewConversationForm(FlaskForm):
    subject = StringField(
        _l("Subject"), render_kw={"maxlength": limit_of(ConversationInput, "subject")}
    )
    body = text_area(_l("Message"), limit_of(ConversationInput, "body"), 6)
    submit = SubmitField(_l("Send"))


class ReplyForm(FlaskForm):
    body = text_area(_l("Your reply"), limit_of(MessageInput, "body"), 4)
    submit = SubmitField(_l("Send"))


class ReportForm(FlaskForm):
    reason = text_area(_l("Why do you report this message?"), limit_of(ReportInput, "reason"), 2)
    submit = SubmitField(_l("Report to the administrators"))


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (block, unblock, mark reviewed)."""
