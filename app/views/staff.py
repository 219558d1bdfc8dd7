"""Staff and job roles (R-ORG-3, R-ORG-4): thin pages over app.workflows.staff_setup and
app.workflows.job_roles.

Administration → Staff sets a colleague up in one screen (login, name, password, job
roles and where they work); Administration → Job roles lists the built-in roles as
templates with what each allows, grouped by area in plain words. The older staff profile
list stays reachable (no menu entry); FAB's own user and role pages are kept for the
admin, out of the daily menu.
"""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields import BooleanField, PasswordField, SelectMultipleField, StringField

from app.models import StaffProfile
from app.security import permissions as P
from app.security.role_labels import is_built_in, role_description, role_label
from app.views.base import ScopedModelView, scoped
from app.workflows import job_roles
from app.workflows.staff_setup import (
    StaffData,
    StaffRefused,
    choices,
    ensure_single_profile,
    profile_of,
    save_staff,
    shown_email,
    staff_in_scope,
    user_in_scope,
)

STAFF_PERMISSIONS = ["can_read", "can_create", "can_edit", "can_delete", "can_export"]


class StaffProfileView(ScopedModelView):
    """The staff profile list of old, without a menu entry (Administration → Staff
    replaces it); a person never gets a second profile here either."""

    datamodel = scoped(StaffProfile)
    class_permission_name = P.STAFF_PROFILE
    list_columns = ["user", "job_title", "departments", "estates", "offices"]
    search_columns = ["user", "job_title", "departments", "estates", "offices", "branches"]
    add_columns = edit_columns = show_columns = ["user", "job_title", "phone", "departments",
                                                 "estates", "offices", "branches"]
    label_columns = {
        "user": _l("User"), "job_title": _l("Job title"), "phone": _l("Phone"),
        "departments": _l("Departments"), "estates": _l("Estates"),
        "offices": _l("Whole offices"), "branches": _l("Whole branches"),
    }
    description_columns = {
        "offices": _l("Everything in these offices: for office directors."),
        "branches": _l("Everything in these branches: for branch managers."),
    }
    list_title = show_title = add_title = edit_title = _l("Staff profiles")

    def pre_add(self, item: Any) -> None:
        ensure_single_profile(self.datamodel.session, item.user)
        super().pre_add(item)

    def pre_update(self, item: Any) -> None:
        ensure_single_profile(self.datamodel.session, item.user, item)
        super().pre_update(item)


# --- one staff screen ------------------------------------------------------------------------

def _many(label: Any, description: Any = None) -> SelectMultipleField:
    return SelectMultipleField(label, coerce=int, validate_choice=False, choices=[],
                               description=description, widget=Select2ManyWidget())


class StaffForm(DynamicForm):
    username = StringField(_l("Login name"), description=_l("What the person types to sign in."))
    first_name = StringField(_l("Full name"), description=_l(
        "A Chinese name goes here whole, family name first (李晓燕)."))
    last_name = StringField(_l("Family name (optional)"), description=_l(
        "Only for names written given name first (Anna Wong: Wong)."))
    password = PasswordField(_l("Password"))
    email = StringField(_l("Email (optional)"))
    active = BooleanField(_l("Active: may sign in"), default=True)
    roles = _many(_l("Job roles"), _l("What the person may do. A person may hold several."))
    departments = _many(_l("Departments"))
    estates = _many(_l("Estates"))
    offices = _many(_l("Whole offices"), _l("Everything in these offices: for office "
                                            "directors."))
    branches = _many(_l("Whole branches"), _l("Everything in these branches: for branch "
                                              "managers."))
    job_title = StringField(_l("Job title"))
    phone = StringField(_l("Phone"))


def _offer(form: StaffForm) -> None:
    offered = choices(current_app.appbuilder.session)
    form.roles.choices = sorted(((i, role_label(r.name)) for i, r in offered.roles.items()),
                                key=lambda choice: choice[1])
    form.departments.choices = list(offered.departments.items())
    form.estates.choices = list(offered.estates.items())
    form.offices.choices = list(offered.offices.items())
    form.branches.choices = list(offered.branches.items())


def _data(form: StaffForm) -> StaffData:
    return StaffData(
        username=form.username.data or "", first_name=form.first_name.data or "",
        last_name=form.last_name.data or "", password=form.password.data or "",
        email=form.email.data or "", active=bool(form.active.data),
        job_title=form.job_title.data or "", phone=form.phone.data or "",
        role_ids=list(form.roles.data or []), department_ids=list(form.departments.data or []),
        estate_ids=list(form.estates.data or []), office_ids=list(form.offices.data or []),
        branch_ids=list(form.branches.data or []))


def _fill(form: StaffForm, user: Any, profile: StaffProfile | None) -> None:
    form.username.data, form.first_name.data = user.username, user.first_name
    form.last_name.data, form.email.data = user.last_name, shown_email(user)
    form.active.data = bool(user.active)
    form.roles.data = [r.id for r in user.roles]
    if profile is not None:
        form.departments.data = [d.id for d in profile.departments]
        form.estates.data = [e.id for e in profile.estates]
        form.offices.data = [o.id for o in profile.offices]
        form.branches.data = [b.id for b in profile.branches]
        form.job_title.data, form.phone.data = profile.job_title, profile.phone


class StaffView(BaseView):
    """Administration → Staff: everyone the admin may see, and one screen per person."""

    route_base = "/staff"
    default_view = "index"
    class_permission_name = P.STAFF_PROFILE
    method_permission_name = {"index": "read", "preview": "read", "add": "create",
                              "edit": "edit"}
    # Shared with the staff profile list: FAB keeps only the permissions its last view
    # names on a resource, so both name all of them.
    base_permissions = STAFF_PERMISSIONS

    @expose("/")
    @has_access
    def index(self):
        session = self.appbuilder.session
        search = (request.args.get("q") or "").strip()[:64]
        rows = staff_in_scope(session, search=search)
        return self.render_template("staff/list.html", title=_("Staff"), rows=rows,
                                    search=search, role_label=role_label,
                                    can_add=self.appbuilder.sm.has_access("can_create",
                                                                          P.STAFF_PROFILE),
                                    can_edit=self.appbuilder.sm.has_access("can_edit",
                                                                           P.STAFF_PROFILE))

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = StaffForm()
        _offer(form)
        if request.method == "POST":
            return self._save(form, None, _("Add a colleague"))
        return self._form(form, None, _("Add a colleague"))

    @expose("/edit/<int:pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: int):
        session = self.appbuilder.session
        user = user_in_scope(session, pk)
        if user is None:
            abort(404)
        form = StaffForm()
        _offer(form)
        title = _("Edit %(name)s", name=user.get_full_name())
        if request.method == "POST":
            return self._save(form, user, title)
        _fill(form, user, profile_of(session, user))
        return self._form(form, user, title)

    @expose("/preview")
    @has_access
    def preview(self):
        """What the chosen roles will see (the staff screen asks as roles change)."""
        ids = request.args.getlist("roles", type=int)
        offered = choices(self.appbuilder.session).roles
        roles = [offered[i] for i in ids if i in offered]
        return self.render_template("staff/_preview_fragment.html",
                                    preview=job_roles.preview_of_roles(roles))

    def _save(self, form: StaffForm, user: Any | None, title: str):
        session = self.appbuilder.session
        if not form.validate():
            flash(_("Nothing was saved: correct the marked fields."), "danger")
            return self._form(form, user, title, status=400)
        try:
            saved = save_staff(session, _data(form), user)
        except StaffRefused as refused:
            session.rollback()
            for name, message in refused.errors.items():
                field = getattr(form, name, None)
                if field is not None:
                    field.errors = list(field.errors or []) + [message]
                else:
                    flash(message, "danger")
            flash(str(refused.description), "danger")
            return self._form(form, user, title, status=400)
        flash(_("Saved: %(name)s can sign in as %(login)s.", name=saved.get_full_name(),
                login=saved.username) if saved.active else _("Saved."), "success")
        return redirect(url_for(".edit", pk=saved.id))

    def _form(self, form: StaffForm, user: Any | None, title: str, status: int = 200):
        offered = choices(self.appbuilder.session).roles
        chosen = [offered[i] for i in (form.roles.data or []) if i in offered]
        if user is not None and request.method == "GET":
            chosen = list(user.roles)
        return self.render_template(
            "staff/form.html", title=title, form=form, user=user,
            preview=job_roles.preview_of_roles(chosen)), status


# --- job roles ---------------------------------------------------------------------------------

class JobRoleView(BaseView):
    """Administration → Job roles: the roles with translated names and descriptions;
    clone a template, edit its permissions by area, preview what its holders see."""

    route_base = "/jobroles"
    default_view = "index"
    class_permission_name = P.JOB_ROLE
    method_permission_name = {"index": "read", "show": "read", "clone": "create",
                              "permissions": "edit"}
    base_permissions = ["can_read", "can_create", "can_edit"]

    def _roles(self) -> list[Any]:
        sm = self.appbuilder.sm
        roles = list(self.appbuilder.session.scalars(select(sm.role_model)))
        return sorted(roles, key=lambda r: (not is_built_in(r.name), role_label(r.name)))

    def _role(self, pk: int) -> Any:
        role = self.appbuilder.session.get(self.appbuilder.sm.role_model, pk)
        if role is None:
            abort(404)
        return role

    def _index(self, errors: dict[int, str] | None = None, typed: dict[int, str] | None = None,
               status: int = 200):
        roles = self._roles()
        holders = {r.id: len(r.user) if hasattr(r, "user") else 0 for r in roles}
        return self.render_template(
            "staff/roles.html", title=_("Job roles"), roles=roles, holders=holders,
            role_label=role_label, role_description=role_description,
            is_built_in=is_built_in, errors=errors or {}, typed=typed or {},
            admin_name=current_app.config["AUTH_ROLE_ADMIN"],
            advanced=self._advanced_links()), status

    def _advanced_links(self) -> list[tuple[str, str]]:
        """FAB's own user and role pages, for the admin who needs them."""
        sm = self.appbuilder.sm
        links = []
        if sm.has_access("can_list", "UserDBModelView"):
            links.append((f"{_('Security')} → {_('List Users')}", "/users/list/"))
        if sm.has_access("can_list", "RoleModelView"):
            links.append((f"{_('Security')} → {_('List Roles')}", "/roles/list/"))
        return links

    @expose("/")
    @has_access
    def index(self):
        return self._index()

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk: int):
        role = self._role(pk)
        return self.render_template(
            "staff/role_show.html", title=role_label(role.name), role=role,
            description=role_description(role.name), areas=self._held(role),
            preview=job_roles.preview_of_roles([role]),
            is_admin=job_roles.is_admin_role(role))

    def _held(self, role: Any) -> list[Any]:
        held = {pv.id for pv in role.permissions}
        areas = job_roles.permission_choices()
        for area in areas:
            area.items = [(pk, label) for pk, label in area.items if pk in held]
        return [a for a in areas if a.items]

    @expose("/clone/<int:pk>", methods=["POST"])
    @has_access
    def clone(self, pk: int):
        template = self._role(pk)
        name = (request.form.get("name") or "").strip()
        try:
            role = job_roles.clone_role(template, name)
        except job_roles.RoleRefused as refused:
            self.appbuilder.session.rollback()
            flash(str(refused.description), "danger")
            return self._index(errors={pk: refused.errors.get("name", "")},
                               typed={pk: name}, status=400)
        flash(_("Role %(name)s created from %(template)s. Adjust its permissions below.",
                name=role.name, template=role_label(template.name)), "success")
        return redirect(url_for(".permissions", pk=role.id))

    @expose("/permissions/<int:pk>", methods=["GET", "POST"])
    @has_access
    def permissions(self, pk: int):
        role = self._role(pk)
        status = 200
        if request.method == "POST":
            ids = request.form.getlist("permission")
            try:
                job_roles.set_permissions(role, [int(i) for i in ids if i.isdigit()])
            except job_roles.RoleRefused as refused:
                self.appbuilder.session.rollback()
                flash(str(refused.description), "danger")
                status = 400
            else:
                flash(_("Permissions of %(name)s saved.", name=role_label(role.name)),
                      "success")
                return redirect(url_for(".permissions", pk=role.id))
        held = {pv.id for pv in role.permissions}
        return self.render_template(
            "staff/role_permissions.html", title=role_label(role.name), role=role,
            description=role_description(role.name), areas=job_roles.permission_choices(),
            held=held, preview=job_roles.preview_of_roles([role]),
            is_admin=job_roles.is_admin_role(role)), status


def hide_security_menu(appbuilder: Any) -> None:
    """FAB's Security menu (users, roles, raw permission names) leaves the daily menu;
    its pages stay reachable for the admin from Job roles. The entries are kept aside so
    that their labels still name their permissions."""
    menu = appbuilder.menu
    hidden = [item for item in menu.menu if item.name == "Security"]
    menu.menu = [item for item in menu.menu if item.name != "Security"]
    current_app.extensions.setdefault("hidden_menu_items", []).extend(hidden)
