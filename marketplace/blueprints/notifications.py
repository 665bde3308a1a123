"""Notifications in HTML: the list (which marks them read), and the e-mail settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField

from marketplace.blueprints.outcomes import form_errors
from marketplace.blueprints.paging import page_number
from marketplace.extensions import db
from marketplace.notifications.models import EmailMode, Notification
from marketplace.notifications.operations import (
    email_mode,
    mark_read,
    notifications_of,
    set_email_mode,
)
from marketplace.pagination import Pager

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PER_PAGE = 30


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Mark everything as read"))


class SettingsForm(FlaskForm):
    email = RadioField(
        _l("Send me an e-mail"),
        choices=EmailMode.choices,
        validate_choice=False,
    )
    submit = SubmitField(_l("Save"))


@bp.get("")
@login_required
def index():
    page = page_number()
    items, total = notifications_of(current_user, page, PER_PAGE)
    return render_template(
        "notifications/index.html",
        notifications=items,
        pager=Pager(page, PER_PAGE, total),
        form=MarkReadForm(formdata=None),
    )


@bp.post("/lues")
@login_required
def read_all():
    MarkReadForm()
    mark_read(current_user)
    flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/lue")
@login_required
def read_one(notification_id: int):

    MarkReadForm()
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    mark_read(current_user, notification_id)
    target = notification.url if notification.url.startswith("/") else ""
    if target.startswith("//"):
        target = ""
    return redirect(target or url_for("notifications.index"))


@bp.route("/reglages", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.email.data = email_mode(current_user)
        return render_template("notifications/settings.html", form=form)
    with form_errors(form, lambda: render_template("notifications/settings.html", form=form)):
        set_email_mode(current_user, form.email.data)
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("notifications.settings"))
