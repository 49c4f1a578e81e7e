"""Jalali dates in the Django admin.

Models keep Gregorian dates (ISO in the API and the database); the admin shows and accepts
Jalali dates through django-jalali's date-picker widgets, and list columns show Jalali.
"""

import datetime

from django import forms
from django.contrib import admin
from django.db import models
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


class JalaliAdmin(admin.ModelAdmin):
    """Base admin: date inputs are Jalali pickers."""

    formfield_overrides = {
        models.DateField: {"form_class": JalaliDateField, "widget": AdminjDateWidget},
        models.DateTimeField: {"form_class": JalaliDateTimeField, "widget": AdminSplitjDateTime},
    }


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
