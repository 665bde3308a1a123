"""Sign-up, sign-in, sign-out, forgotten password and invitations (HTML)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from marketplace.accounts import notify
from marketplace.accounts.forms import (
    ChoosePasswordForm,
    ForgotForm,
    LoginForm,
    SignupForm,
)
from marketplace.accounts.models import User
from marketplace.accounts.operations import (
    authenticate,
    find_user_by_email,
    set_password,
    user_from_password_token,
)
from marketplace.blueprints.main import safe_next
from marketplace.blueprints.outcomes import ANY_REFUSAL, form_errors
from marketplace.caes.models import Cae
from marketplace.desk.signup import sign_up
from marketplace.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix=None)

LOGIN_LIMIT = "10 per minute;50 per hour"
SIGNUP_LIMIT = "5 per minute;30 per hour"
FORGOT_LIMIT = "5 per minute;20 per hour"
LINK_LIMIT = "10 per minute;50 per hour"


def _cae_choices() -> list[SelectChoice]:
    caes = db.session.scalars(select(Cae).order_by(Cae.name)).all()
    choices = [SelectChoice("", _("— Choose your CAE —"))]
    for cae in caes:
        place = f"{cae.city} ({cae.department})" if cae.city else f"({cae.department})"
        choices.append(SelectChoice(str(cae.id), f"{cae.name} — {place}"))
    return choices


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("profiles.edit"))
    form = SignupForm()
    form.cae.choices = _cae_choices()
    if request.method == "POST":
        cae = db.session.get(Cae, form.cae.data) if form.cae.data else None
        if form.validate() and cae is not None:
            page = lambda: render_template("auth/signup.html", form=form)  # noqa: E731
            with form_errors(form, page, catch=ANY_REFUSAL):
                user = sign_up(
                    email=form.email.data,
                    first_name=form.first_name.data,
                    last_name=form.last_name.data,
                    cae=cae,
                    status=form.status.data,
                    password=form.password.data,
                )
            login_user(user)
            flash(
                _(
                    "Welcome to Essaim! Your membership of %(cae)s awaits verification by "
                    "its support team. Meanwhile, you can complete your profile.",
                    cae=cae.name,
                ),
                "success",
            )
            return redirect(url_for("profiles.edit"))
        if cae is None:
            form.cae.errors = [*form.cae.errors, _("Choose your CAE from the directory.")]
        return render_template("auth/signup.html", form=form), 422
    return render_template("auth/signup.html", form=form)


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target or _landing(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = target or ""
        return render_template("auth/login.html", form=form)
    if form.validate():
        user = authenticate(form.email.data, form.password.data)
        if user is not None and login_user(user, remember=bool(form.remember.data)):
            flash(_("Hello %(name)s, you are signed in.", name=user.first_name), "success")
            return redirect(safe_next(form.next.data) or target or _landing(user))
        form.form_errors.append(_("Incorrect e-mail address or password."))
    return render_template("auth/login.html", form=form), 422


def _landing(user: User) -> str:
    """Where a sign-in without a ``next`` leads: managers and admins to their dashboard."""
    if user.is_admin or user.is_manager:
        return url_for("manage.index")
    return url_for("main.index")


@bp.post("/deconnexion")
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(FORGOT_LIMIT, methods=["POST"])
def forgot():
    form = ForgotForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/forgot.html", form=form), 422
        user = find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            notify.send_password_reset(user)
        flash(
            _(
                "If an account exists for this address, we have sent it a link to choose a new "
                "password. The link is valid for %(minutes)d minutes.",
                minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _choose_password(token: str, purpose: str):
    """The shared body of the reset and invitation pages."""
    user = user_from_password_token(token, purpose)
    if user is None:
        return render_template("auth/link_invalid.html", purpose=purpose), 400
    template = "auth/invitation.html" if purpose == "invitation" else "auth/reset.html"
    form = ChoosePasswordForm(user=user)
    page = lambda: render_template(template, form=form, user=user, token=token)  # noqa: E731
    if request.method == "POST":
        if form.validate():
            with form_errors(form, page, catch=ANY_REFUSAL):
                set_password(user, form.password.data)
            return _signed_in_after_link(user, purpose)
        return page(), 422
    return page()


def _signed_in_after_link(user: User, purpose: str):
    login_user(user)
    if purpose == "invitation":
        flash(
            _("Welcome to Essaim! Your password is saved: complete your profile now."),
            "success",
        )
        return redirect(url_for("profiles.edit"))
    flash(_("Your new password is saved and you are signed in."), "success")
    return redirect(url_for("main.index"))


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT, methods=["POST"])
def reset(token: str):
    return _choose_password(token, "reset")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT, methods=["POST"])
def invitation(token: str):
    return _choose_password(token, "invitation")
