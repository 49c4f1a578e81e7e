"""Jalali dates in the Django admin.

Models keep Gregorian dates (ISO in the API and the database); the admin shows and accepts
Jalali dates through django-jalali's date-picker widgets, and list columns show Jalali.
"""

import datetime

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django_jalali.admin.widgets import AdminjDateWidget, AdminSplitjDateTime

from backend.jalali import jalali_date_str, jalali_datetime_str, parse_date


class JalaliDateField(forms.DateField):
    widget = AdminjDateWidget

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return jalali_date_str(value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


class JalaliDateTimeField(forms.SplitDateTimeField):
    widget = AdminSplitjDateTime

    def __init__(self, *args, **kwargs):
        kwargs.pop("input_date_formats", None)
        kwargs.pop("input_time_formats", None)
        super().__init__(*args, **kwargs)
        self.fields = (
            JalaliDateField(error_messages={"invalid": "تاریخ نامعتبر است."}),
            forms.TimeField(error_messages={"invalid": "ساعت نامعتبر است."}),
        )

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [jalali_date_str(local), local.strftime("%H:%M:%S")]
        return value

    def compress(self, data_list):
        if data_list and all(part is not None for part in data_list):
            combined = datetime.datetime.combine(*data_list)
            return timezone.make_aware(combined)
        return None


JALALI_FIELDS = {
    models.DateField: {"form_class": JalaliDateField, "widget": AdminjDateWidget},
    models.DateTimeField: {"form_class": JalaliDateTimeField, "widget": AdminSplitjDateTime},
}


def name_inputs(formfield, label, *, every_input: bool = False):
    """Give inputs that no <label> names an accessible name: the date and the time box of a
    split date-time field (its label names the pair), and — `every_input`, for a tabular
    inline, whose column header is no label — each input by its field's name."""
    if formfield is None:
        return formfield
    widget = getattr(formfield.widget, "widget", formfield.widget)  # inside a related wrapper
    subwidgets = getattr(widget, "widgets", None)
    if subwidgets and len(subwidgets) == 2:
        subwidgets[0].attrs["aria-label"] = f"{label}، تاریخ"
        subwidgets[1].attrs["aria-label"] = f"{label}، ساعت"
    elif every_input:
        widget.attrs.setdefault("aria-label", str(label))
    return formfield


class JalaliAdmin(admin.ModelAdmin):
    """Base admin: date inputs are Jalali pickers; every input has a name."""

    formfield_overrides = JALALI_FIELDS

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return name_inputs(formfield, getattr(db_field, "verbose_name", ""))


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "حذف"


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs are named (the column headers are not labels) and
    whose dates are Jalali pickers."""

    formfield_overrides = JALALI_FIELDS
    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return name_inputs(formfield, getattr(db_field, "verbose_name", ""), every_input=True)


def jalali_column(field_name: str, label: str, *, with_time: bool = True):
    """A list_display / readonly_fields column showing a date field in Jalali.

    Assign it as a ModelAdmin attribute (`joined = jalali_column("date_joined", "…")`) and
    name that attribute in list_display.
    """

    @admin.display(description=label, ordering=field_name)
    def column(_model_admin, obj):
        value = getattr(obj, field_name)
        if value is None:
            return "—"
        return jalali_datetime_str(value) if with_time else jalali_date_str(value)

    column.__name__ = f"{field_name}_jalali"
    return column


def _jalali_display_for_field(original):
    def display_for_field(value, field, empty_value_display, *args, **kwargs):
        if value is not None and isinstance(field, models.DateTimeField):
            return jalali_datetime_str(value)
        if value is not None and isinstance(field, models.DateField):
            return jalali_date_str(value)
        return original(value, field, empty_value_display, *args, **kwargs)

    display_for_field.jalali = True  # type: ignore[attr-defined]
    return display_for_field


def use_jalali_everywhere() -> None:
    """Every date the admin shows by itself — a read-only field on a change page, a date
    field named in list_display — in Jalali, like the columns above.

    Django's admin formats those with `display_for_field`, which the change form
    (admin.helpers) and the changelist (admin_list) import by name; both names are replaced
    once, at start-up (BackendConfig.ready)."""
    from django.contrib.admin import helpers, utils
    from django.contrib.admin.templatetags import admin_list

    if getattr(utils.display_for_field, "jalali", False):
        return
    jalali = _jalali_display_for_field(utils.display_for_field)
    utils.display_for_field = jalali
    helpers.display_for_field = jalali  # type: ignore[attr-defined]
    admin_list.display_for_field = jalali  # type: ignore[attr-defined]
