"""The directory of CAEs, the page of each CAE, and their creation and edition."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from marketplace.accounts.operations import cae_member_counts
from marketplace.blueprints.outcomes import ACTION_REFUSALS, form_errors
from marketplace.blueprints.paging import page_number, page_of
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
from marketplace.errors import PermissionDenied
from marketplace.pagination import Pager
from marketplace.profiles.operations import ProfileFilters, filtered_profiles

bp = Blueprint("caes", __name__, url_prefix="/caes")

DIRECTORY_PER_PAGE = 24


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
    pager = Pager(page_number(), DIRECTORY_PER_PAGE, len(rows))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "caes/index.html",
        form=form,
        rows=rows[pager.offset : pager.offset + pager.per_page],
        pager=pager,
        args=args,
        filtered=bool(args),
        sectors=known_sectors(),
    )


@bp.get("/<int:cae_id>")
def show(cae_id: int):
    cae = get_cae(cae_id)
    profiles, pager = page_of(filtered_profiles(current_user, ProfileFilters(cae=cae.id)))
    return render_template(
        "caes/show.html",
        cae=cae,
        member_count=cae_member_counts().get(cae.id, 0),
        profiles=profiles,
        pager=pager,
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
        with form_errors(form, lambda: render_template("caes/form.html", form=form, cae=None),
                         catch=ACTION_REFUSALS):  # fmt: skip
            cae = create_cae(current_user, CaeInput.load(form.data_for(FIELDS)))
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
            "siren": cae.siren or "",
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
        with form_errors(form, lambda: render_template("caes/form.html", form=form, cae=cae),
                         catch=ACTION_REFUSALS):  # fmt: skip
            update_cae(current_user, cae, CaeInput.load(form.data_for(allowed), partial=True))
        flash(_("The CAE page was updated."), "success")
        return redirect(url_for("caes.show", cae_id=cae.id))
    if form.is_submitted():
        status = 422
    return render_template("caes/form.html", form=form, cae=cae), status
