"""Account settings: name, language, password and personal API tokens (HTML)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    json,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from marketplace.accounts.deletion import delete_account
from marketplace.accounts.export import personal_data
from marketplace.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    SettingsForm,
    TokenForm,
)
from marketplace.accounts.models import ApiToken
from marketplace.accounts.operations import (
    change_password,
    create_api_token,
    revoke_api_token,
    update_account,
)
from marketplace.blueprints.outcomes import ANY_REFUSAL, form_errors
from marketplace.extensions import db

bp = Blueprint("accounts", __name__, url_prefix="/compte")


def _settings_page(
    settings_form: SettingsForm,
    password_form: ChangePasswordForm,
    status: int = 200,
    delete_form: DeleteAccountForm | None = None,
):
    return render_template(
        "accounts/settings.html",
        form=settings_form,
        password_form=password_form,
        delete_form=delete_form or DeleteAccountForm(formdata=None),
        user=current_user,
    ), status


@bp.route("", methods=["GET", "POST"])
@login_required
def settings():
    user = current_user._get_current_object()
    form = SettingsForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.locale.data = user.locale or session.get("lang") or current_app.config["LANGUAGES"][0]
    password_form = ChangePasswordForm(formdata=None, user=user)
    if request.method == "GET":
        return _settings_page(form, password_form)
    if form.validate():
        with form_errors(form, lambda: _settings_page(form, password_form), catch=ANY_REFUSAL):
            update_account(
                user,
                user,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                locale=form.locale.data,
            )
        if user.locale:
            session["lang"] = user.locale
            refresh()  # the confirmation already speaks the chosen language
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.settings"))
    return _settings_page(form, password_form, 422)


@bp.post("/mot-de-passe")
@login_required
def password():
    user = current_user._get_current_object()
    password_form = ChangePasswordForm(user=user)
    if password_form.validate():
        with form_errors(password_form, lambda: _password_page(user, password_form),
                         catch=ANY_REFUSAL):  # fmt: skip
            change_password(
                user, user, password_form.current_password.data, password_form.password.data
            )
        # The session token changed: every other session is signed out, this one stays.
        remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        login_user(user, remember=remember_cookie in request.cookies)
        flash(
            _("Your password is changed. Your other sessions have been signed out."),
            "success",
        )
        return redirect(url_for("accounts.settings"))
    return _password_page(user, password_form)


def _password_page(user, password_form: ChangePasswordForm, status: int = 422):
    form = SettingsForm(formdata=None, obj=user)
    form.locale.data = user.locale or session.get("lang") or current_app.config["LANGUAGES"][0]
    return _settings_page(form, password_form, status)


def _tokens_page(form: TokenForm, created: ApiToken | None = None, clear: str | None = None):
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    return render_template(
        "accounts/tokens.html", form=form, tokens=tokens, created=created, clear_token=clear
    )


@bp.route("/jetons", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    if request.method == "GET":
        return _tokens_page(form)
    if form.validate():
        user = current_user._get_current_object()
        with form_errors(form, lambda: _tokens_page(form), catch=ANY_REFUSAL):
            token, clear = create_api_token(user, user, form.name.data or "")
        # Shown once, on this page only: never in a flash or in the session.
        return _tokens_page(TokenForm(formdata=None), created=token, clear=clear)
    return _tokens_page(form), 422


@bp.post("/jetons/<int:token_id>/revoquer")
@login_required
def revoke_token(token_id: int):
    token = revoke_api_token(current_user._get_current_object(), token_id)  # NotFound: 404
    flash(_("The token « %(name)s » is revoked.", name=token.name), "success")
    return redirect(url_for("accounts.tokens"))


@bp.get("/donnees")
@login_required
def export():
    """Download my data (JSON), the same document as GET /api/v1/me/export."""

    body = json.dumps(personal_data(current_user._get_current_object()), ensure_ascii=False)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="essaim-mes-donnees.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/supprimer")
@login_required
def delete():
    """Delete my account after confirming the password (records of others stay, anonymised)."""

    user = current_user._get_current_object()
    delete_form = DeleteAccountForm()
    with form_errors(delete_form, lambda: _delete_page(user, delete_form), catch=ANY_REFUSAL):
        if delete_form.validate():
            delete_account(user, user, delete_form.password.data)
            logout_user()
            flash(_("Your account is deleted. Thank you for your time on Essaim."), "info")
            return redirect(url_for("main.index"))
    return _delete_page(user, delete_form)


def _delete_page(user, delete_form: DeleteAccountForm, status: int = 422):
    form = SettingsForm(formdata=None, obj=user)
    form.locale.data = user.locale or session.get("lang") or current_app.config["LANGUAGES"][0]
    password_form = ChangePasswordForm(formdata=None, user=user)
    return _settings_page(form, password_form, status, delete_form)
