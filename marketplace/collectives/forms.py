"""Forms of the collective pages: rendering and CSRF; their content is checked by the
schemas (collectives/schemas.py), whose limits the fields show."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import NumberRange, Optional

from marketplace import geo
from marketplace.audience import Audience
from marketplace.collectives.models import JoinPolicy, VoteChoice
from marketplace.collectives.schemas import (
    CollectiveInput,
    CommentInput,
    DecisionInput,
    InvitationInput,
    JoinDecisionInput,
    JoinInput,
    PostInput,
    ThreadInput,
)
from marketplace.formfields import FilterForm, place_errors, radio_field, text_area
from marketplace.schema import limit_of

#: The collective pages word the audience more fully than Audience.label ("verified" members).
AUDIENCE_LABELS = {
    Audience.CAE.value: _l("the verified members of my CAE"),
    Audience.NETWORK.value: _l("the verified members of every CAE"),
    Audience.PUBLIC.value: Audience.PUBLIC.label,
}


class CollectiveForm(FlaskForm):
    name = StringField(
        _l("Name"), render_kw={"maxlength": limit_of(CollectiveInput, "name"), "required": True}
    )
    description = text_area(
        _l("Description"),
        limit_of(CollectiveInput, "description"),
        6,
        description=_l("What brings you together, what you do together."),
    )
    sector = StringField(
        _l("Sector"),
        render_kw={"maxlength": limit_of(CollectiveInput, "sector")},
        description=_l("e.g. Energy renovation, Training, Digital"),
    )
    region = SelectField(_l("Region"), validate_choice=False)
    audience = RadioField(
        _l("Who may see the collective"),
        choices=lambda: list(AUDIENCE_LABELS.items()),
        validate_choice=False,
    )
    join_policy = radio_field(_l("How people join"), JoinPolicy.choices)
    open_ballot = BooleanField(
        _l("Open ballots"),
        description=_l("The members see how each member voted (otherwise only who voted)."),
    )
    submit = SubmitField(_l("Save the collective"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [("", _l("— anywhere in France —")), *((r, r) for r in geo.REGIONS)]

    def collective_data(self) -> dict[str, Any]:
        return {
            "name": self.name.data or "",
            "description": self.description.data or "",
            "sector": self.sector.data or "",
            "region": self.region.data or None,
            "audience": self.audience.data,
            "join_policy": self.join_policy.data,
            "open_ballot": bool(self.open_ballot.data),
        }

    def add_domain_errors(self, fields: dict[str, list[str]]) -> None:
        add_domain_errors(self, fields)


def add_domain_errors(form: FlaskForm, fields: dict[str, list[str]]) -> None:
    """Put the messages of a ValidationError beside the matching fields."""
    place_errors(form, fields)


class JoinForm(FlaskForm):
    message = text_area(
        _l("Message to the coordinators"), limit_of(JoinInput, "message"), 3, id="join-message"
    )
    submit = SubmitField(_l("Join"), id="join-submit")


class DecideRequestForm(FlaskForm):
    answer = text_area(_l("Answer (optional)"), limit_of(JoinDecisionInput, "answer"), 2)
    approve = SubmitField(_l("Accept"))
    refuse = SubmitField(_l("Decline"))


class InviteForm(FlaskForm):
    invitee = StringField(
        _l("E-mail of the person to invite"),
        render_kw={"maxlength": 254, "type": "email", "autocomplete": "off"},
    )
    message = text_area(_l("Message"), limit_of(InvitationInput, "message"), 2, id="invite-message")
    submit = SubmitField(_l("Invite"), id="invite-submit")


class AnswerInvitationForm(FlaskForm):
    accept = SubmitField(_l("Accept the invitation"))
    decline = SubmitField(_l("Decline"))


class ActionForm(FlaskForm):
    """A bare POST (leave, remove, change a role…): only the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class DecisionForm(FlaskForm):
    title = StringField(
        _l("Title"),
        id="decision-title",
        render_kw={"maxlength": limit_of(DecisionInput, "title"), "required": True},
    )
    description = text_area(
        _l("What is proposed"), limit_of(DecisionInput, "description"), 6, id="decision-description"
    )
    closes_at = DateTimeLocalField(
        _l("Vote open until (Paris time)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    quorum_percent = IntegerField(
        _l("Quorum (percentage of the members who must vote, optional)"),
        validators=[Optional(), NumberRange(min=1, max=100)],
        render_kw={"min": 1, "max": 100, "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Open the vote"), id="decision-submit")

    def decision_data(self) -> dict[str, Any]:
        closes_at = self.closes_at.data
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "closes_at": closes_at.isoformat() if closes_at else None,
            "quorum_percent": self.quorum_percent.data,
        }


class VoteForm(FlaskForm):
    choice = radio_field(_l("My choice"), VoteChoice.choices)
    submit = SubmitField(_l("Vote"))


class CollectiveFilterForm(FilterForm):
    sector = SelectField(_l("Sector"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)
    cae = SelectField(_l("CAE represented"), validate_choice=False)

    def __init__(self, sectors: list[str], caes: list[tuple[int, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        anything = ("", _l("All"))
        self.sector.choices = [anything, *((s, s) for s in sectors)]
        self.region.choices = [anything, *((r, r) for r in geo.REGIONS)]
        self.cae.choices = [anything, *((str(i), name) for i, name in caes)]

    def filter_values(self) -> dict[str, Any]:
        cae = self.chosen(self.cae)
        return {
            "q": self.typed(self.q, 200),
            "sector": self.chosen(self.sector),
            "region": self.chosen(self.region),
            "cae": int(cae) if cae else None,
        }


class ThreadForm(FlaskForm):
    title = StringField(
        _l("Title"),
        id="thread-title",
        render_kw={"maxlength": limit_of(ThreadInput, "title"), "required": True},
    )
    body = text_area(_l("Message"), limit_of(ThreadInput, "body"), 6, id="thread-body")
    submit = SubmitField(_l("Open the thread"), id="thread-submit")


class PostForm(FlaskForm):
    body = text_area(
        _l("Your reply"),
        limit_of(PostInput, "body"),
        5,
        id="post-body",
        description=_l("Write @ and a member's first and last name to tell them."),
    )
    submit = SubmitField(_l("Reply"), id="post-submit")


class FollowForm(FlaskForm):
    mode = HiddenField()


class CommentForm(FlaskForm):
    body = text_area(_l("Your comment"), limit_of(CommentInput, "body"), 4, id="comment-body")
    submit = SubmitField(_l("Comment"), id="comment-submit")
