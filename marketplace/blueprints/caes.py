"""The directory of CAEs, the page of each CAE, and their creation and edition."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import NotFound as HTTPNotFound

from marketplace.accounts.operations import cae_member_counts
from marketplace.caes.forms import CaeFilterForm, CaeForm, CaeManagerForm
from marketplace.caes.models import Cae
from marketplace.caes.operations import (
    FIELDS,
    CaeFilters,
    create_cae,
    editable_fields,
    get_cae,
    known_sectors,
    list_caes,
    update_cae,
)
from marketplace.caes.schemas import CaeInput
from marketplace.errors import DomainError, NotFound, PermissionDenied
from marketplace.profiles.operations import ProfileFilters, filtered_profiles, paginate

bp = Blueprint("caes", __name__, url_prefix="/caes")

DIRECTORY_PER_PAGE = 24


def register_domain_errors(blueprint: Blueprint) -> None:
    """Hidden or absent objects answer 404, refused actions 403, with the site's error pages."""

    @blueprint.errorhandler(NotFound)
    def not_found(_error):
        return current_app.handle_http_exception(HTTPNotFound())

    @blueprint.errorhandler(PermissionDenied)
    def forbidden(_error):
        return current_app.handle_http_exception(Forbidden())


register_domain_errors(bp)


def page_arg() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return max(1, min(page, 100_000))


def show_errors(form: FlaskForm, error: DomainError) -> None:
    """Copy an operation's field errors beside the form's fields (others on top)."""
    for key, messages in error.fields.items():
        if key in form:
            form[key].errors = list(messages)
        else:
            form.form_errors.extend(messages)
    if not error.fields and error.message:
        form.form_errors.append(error.message)


@bp.get("")
def index():
    form = CaeFilterForm(request.args)
    filters = CaeFilters(
        region=form.region.data or None,
        sector=(form.sector.data or "").strip() or None,
        q=(form.q.data or "").strip() or None,
        department=request.args.get("department") or None,
    )
    rows = list_caes(filters)
    page = page_arg()
    start = (page - 1) * DIRECTORY_PER_PAGE
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "caes/index.html",
        form=form,
        rows=rows[start : start + DIRECTORY_PER_PAGE],
        total=len(rows),
        page=page,
        per_page=DIRECTORY_PER_PAGE,
        args=args,
        filtered=bool(args),
        sectors=known_sectors(),
    )


@bp.get("/<int:cae_id>")
def show(cae_id: int):
    cae = get_cae(cae_id)
    page = page_arg()
    per_page = current_app.config["PER_PAGE"]
    profiles, total = paginate(
        filtered_profiles(current_user, ProfileFilters(cae=cae.id)), page, per_page
    )
    return render_template(
        "caes/show.html",
        cae=cae,
        member_count=cae_member_counts().get(cae.id, 0),
        profiles=profiles,
        total=total,
        page=page,
        per_page=per_page,
        can_manage=current_user.manages(cae.id),
        can_edit=bool(editable_fields(current_user, cae)),
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def new():
    if not current_user.is_admin:
        raise PermissionDenied(_("Only administrators can add a CAE."))
    form = CaeForm()
    status = 200
    if form.validate_on_submit():
        try:
            cae = create_cae(current_user, CaeInput.load(form.data_for(FIELDS)))
        except PermissionDenied:
            raise
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(_("The CAE %(name)s was added to the directory.", name=cae.name), "success")
            return redirect(url_for("caes.show", cae_id=cae.id))
    if form.is_submitted():
        status = 422
    return render_template("caes/form.html", form=form, cae=None), status


def _form_for(cae: Cae, allowed: tuple[str, ...]) -> FlaskForm:
    form_class = CaeForm if allowed == FIELDS else CaeManagerForm
    if request.method == "POST":
        return form_class()
    return form_class(
        data={
            "name": cae.name,
            "city": cae.city,
            "department": cae.department,
            "website": cae.website or "",
            "sectors": "; ".join(cae.sector_list),
            "description": cae.description or "",
        }
    )


@bp.route("/<int:cae_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(cae_id: int):
    cae = get_cae(cae_id)
    allowed = editable_fields(current_user, cae)
    if not allowed:
        raise PermissionDenied(_("Only administrators and the managers of this CAE can do this."))
    form = _form_for(cae, allowed)
    status = 200
    if form.validate_on_submit():
        try:
            update_cae(current_user, cae, CaeInput.load(form.data_for(allowed), partial=True))
        except PermissionDenied:
            raise
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(_("The CAE page was updated."), "success")
            return redirect(url_for("caes.show", cae_id=cae.id))
    if form.is_submitted():
        status = 422
    return render_template("caes/form.html", form=form, cae=cae), status
