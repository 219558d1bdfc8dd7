"""Form widgets shared by the pages.

FAB's date-time picker fills in a date only (its script formats `yyyy-mm-dd`), which its
own date-time field then refuses; a report time or an agreed reply time needs the hour.
The browser's own `datetime-local` input gives a date and a time in every language.
"""
from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape
from wtforms.fields import DateTimeField, Field
from wtforms.validators import DataRequired, Optional, StopValidation

# What the input sends, what people type by hand, and a bare date (midnight).
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                    "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class LocalDateTimeWidget:
    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        value = field.data.strftime("%Y-%m-%dT%H:%M") if field.data else (
            field.raw_data[0] if field.raw_data else "")
        kwargs.setdefault("id", field.id)
        attributes = " ".join(f'{k}="{escape(v)}"' for k, v in kwargs.items()
                              if k not in ("class_", "class"))
        return Markup('<input type="datetime-local" step="60" class="form-control" '
                      f'name="{escape(field.name)}" value="{escape(value)}" {attributes}>')


def datetime_field(label: Any, required: bool = False) -> DateTimeField:
    return DateTimeField(label, format=DATETIME_FORMATS, widget=LocalDateTimeWidget(),
                         validators=[DataRequired() if required else Optional()])


# --- related fields whose choices load on demand (app.choices) --------------------------
class ChoicesWidget:
    """A select holding only the chosen value; the rest is fetched as the person types
    (static/js/choices.js), narrowed by the fields it depends on."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        from flask import request, url_for
        from flask_babel import gettext as _

        from app import choices

        if field.for_filter:
            # A list filter: the active filters' values of this column, if any.
            chosen = [v for k, vs in request.args.lists()
                      if k.startswith("_flt_") and k.split("_", 3)[-1] == field.name
                      for v in vs]
        else:
            chosen = [field.data.id] if field.data is not None else (
                [field.raw_data[0]] if field.raw_data else [])
        labels = choices.labels_for(field.kind, chosen) if chosen else {}
        options = ['<option value=""></option>'] + [
            f'<option value="{pk}" selected>{escape(text)}</option>'
            for pk, text in labels.items()]
        attributes = {
            "id": kwargs.pop("id", field.id), "name": field.name,
            "class": "form-control choices-ajax",
            "data-choices-url": url_for("ChoicesView.choices", kind=field.kind),
            "data-choices-parents": json.dumps(field.parents),
            "data-placeholder": _("Type to search…"),
            "data-text-searching": _("Searching…"),
            "data-text-no-results": _("Nothing matches."),
            "data-text-more": _("Loading more…"),
            "data-text-error": _("The choices could not be loaded. Try again."),
        }
        if field.flags.required:
            attributes["required"] = "required"
        rendered = " ".join(f'{k}="{escape(v)}"' for k, v in attributes.items())
        return Markup(f"<select {rendered}>{''.join(options)}</select>")


class ChoiceField(Field):
    """A reference to one row, posted as its id and loaded through the row scope: an id
    that does not exist or lies outside the person's scope is a field error, not a
    silent link (and never a 500)."""

    widget = ChoicesWidget()

    def __init__(self, label: Any = None, validators: Any = None, *, kind: str,
                 model: type, parents: dict[str, str] | None = None,
                 for_filter: bool = False, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.kind = kind
        self.model = model
        self.parents = parents or {}
        self.for_filter = for_filter
        self._unknown = False

    def process_data(self, value: Any) -> None:
        self.data = value

    def process_formdata(self, valuelist: list[str]) -> None:
        from app import choices

        raw = (valuelist or [""])[0]
        self._unknown = False
        if raw in ("", "__None", None):
            self.data = None
            return
        self.data = choices.get_in_scope(self.model, raw)
        self._unknown = self.data is None

    def pre_validate(self, form: Any) -> None:
        from flask_babel import gettext as _

        if self._unknown:  # stops the chain: "required" would otherwise replace it
            raise StopValidation(_("Choose a value from the list."))

    def _value(self) -> str:
        return str(self.data.id) if self.data is not None else ""


def choice_field(label: Any, kind: str, model: type, required: bool = False,
                 parents: dict[str, str] | None = None, for_filter: bool = False
                 ) -> ChoiceField:
    validators = [DataRequired()] if required else [Optional()]
    return ChoiceField(label, validators, kind=kind, model=model, parents=parents,
                       for_filter=for_filter)


class NarrowingField(ChoiceField):
    """A box that only narrows another one (the building before the unit): not stored."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None


def narrowing_field(label: Any, kind: str, model: type,
                    parents: dict[str, str] | None = None) -> NarrowingField:
    return NarrowingField(label, [Optional()], kind=kind, model=model, parents=parents)
