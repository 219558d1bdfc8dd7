"""Form widgets shared by the pages.

FAB's date-time picker fills in a date only (its script formats `yyyy-mm-dd`), which its
own date-time field then refuses; a report time or an agreed reply time needs the hour.
The browser's own `datetime-local` input gives a date and a time in every language.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms.fields import DateTimeField
from wtforms.validators import DataRequired, Optional

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
