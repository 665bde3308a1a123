"""HTML forms of accounts: sign-up, sign-in, passwords, settings and API tokens.

Forms check presence, lengths and that two passwords match; the domain rules (e-mail syntax,
password policy, CAE, status) are applied by calling the same functions the operations use, so
that every problem shows at once, and the operations check them again.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length
from wtforms.validators import ValidationError as FieldError

from marketplace.accounts.models import Role
from marketplace.accounts.operations import normalize_email
from marketplace.accounts.passwords import MAX_LENGTH, password_problems
from marketplace.errors import DomainError, ValidationError
from marketplace.profiles.models import ProfileStatus

REQUIRED = _l("This field is required.")
MISMATCH = _l("The two passwords are not the same.")
EMAIL_ATTRS = {"maxlength": 254, "autocomplete": "email"}


def _required() -> InputRequired:
    return InputRequired(message=REQUIRED)


def _optional_int(value: Any) -> int | None:
    """The id chosen in a <select>, or None for nothing or garbage."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class NewPasswordMixin:
    """A new password typed twice, checked against the policy."""

    password = PasswordField(
        _l("Password"), validators=[_required()], render_kw={"maxlength": MAX_LENGTH}
    )
    password_confirm = PasswordField(
        _l("Confirm the password"),
        validators=[_required(), EqualTo("password", message=MISMATCH)],
    )

    def policy_context(self) -> tuple[str, tuple[str, ...]]:
        """E-mail and names the password must not be built on."""
        return "", ()

    def validate_password(self, field) -> None:
        email, names = self.policy_context()
        problems = password_problems(field.data or "", email=email, names=names)
        if problems:
            raise FieldError(problems[0])


class SignupForm(NewPasswordMixin, FlaskForm):
    first_name = StringField(_l("First name"), validators=[_required(), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[_required(), Length(max=80)])
    email = EmailField(_l("E-mail address"), validators=[_required()], render_kw=EMAIL_ATTRS)
    cae = SelectField(_l("Your CAE"), coerce=_optional_int, validate_choice=False)
    status = RadioField(
        _l("Your status in the CAE"),
        choices=[SelectChoice(value, label) for value, label in ProfileStatus.choices()],
        default="employee",
        validate_choice=False,
    )

    def policy_context(self) -> tuple[str, tuple[str, ...]]:
        return (self.email.data or "", (self.first_name.data or "", self.last_name.data or ""))

    def validate_email(self, field) -> None:

        try:
            normalize_email(field.data)
        except ValidationError as error:
            raise FieldError(error.fields["email"][0])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[_required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[_required()], render_kw=EMAIL_ATTRS)

    def validate_email(self, field) -> None:

        try:
            normalize_email(field.data)
        except ValidationError as error:
            raise FieldError(error.fields["email"][0])


class ChoosePasswordForm(NewPasswordMixin, FlaskForm):
    """Reset and invitation: the person the link was made for chooses a password."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def policy_context(self) -> tuple[str, tuple[str, ...]]:
        if self.user is None:
            return "", ()
        return self.user.email, (self.user.first_name, self.user.last_name)


class ChangePasswordForm(ChoosePasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[_required(), Length(max=MAX_LENGTH)]
    )
    password = PasswordField(
        _l("New password"), validators=[_required()], render_kw={"maxlength": MAX_LENGTH}
    )


LOCALE_CHOICES = [SelectChoice("fr", "Français"), SelectChoice("en", "English")]


class SettingsForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[_required(), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[_required(), Length(max=80)])
    locale = SelectField(_l("Interface language"), choices=LOCALE_CHOICES, validate_choice=False)


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password, to confirm"), validators=[_required(), Length(max=MAX_LENGTH)]
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[Length(max=80)],
        description=_l("To recognise it later, e.g. « my spreadsheet »."),
    )


def apply_errors(
    form: FlaskForm, error: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """Put the messages of a domain error beside the matching fields (or on top of the form)."""
    aliases = aliases or {}
    placed = False
    for key, messages in (error.fields or {}).items():
        field = form._fields.get(aliases.get(key, key))
        if field is not None:
            field.errors = [*field.errors, *messages]
            placed = True
        else:
            form.form_errors.extend(messages)
            placed = True
    if not placed and error.message:
        form.form_errors.append(error.message)


class RoleForm(FlaskForm):
    """Give an account a role (administrators)."""

    role = SelectField(_l("Role"), choices=Role.choices, validate_choice=False)
    next = HiddenField()
