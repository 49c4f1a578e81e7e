"""The API's shared pieces: pagination and error shape."""

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.compiled import Compiled
from backend.errors import DomainError, TooMany
from backend.ids import MAX_ID
from backend.paging import CappedPaginator


def IdField(**kwargs) -> serializers.IntegerField:  # noqa: N802 - reads as a field class
    """An integer id the database can hold (larger ones are a 400, not an overflow)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


_ROWS: dict[type, Compiled] = {}


class KeyOf(serializers.PrimaryKeyRelatedField):
    """A key of any row of `model` (DRF's PrimaryKeyRelatedField over its whole table),
    found by a statement compiled once (backend.compiled): DRF builds and compiles
    `queryset.get(pk=…)` on every request, ~3 ms of a similar-problems lookup. Anything
    but a plain number goes to DRF, which answers it with its own errors."""

    def __init__(self, model, **kwargs):
        # DRF copies a serializer's fields for every instance: one statement per model.
        self._row = _row_of(model)
        super().__init__(queryset=model._default_manager.all(), **kwargs)

    def to_internal_value(self, data):
        if type(data) is int or (type(data) is str and data.isdigit() and data.isascii()):
            found = self._row.first(pk=int(data))
            if found is None:
                self.fail("does_not_exist", pk_value=data)
            return found
        return super().to_internal_value(data)


def _row_of(model) -> Compiled:
    if model not in _ROWS:
        # One row by its key: no ordering (a model's default one may join another table).
        _ROWS[model] = Compiled(lambda pk: model._default_manager.filter(pk=pk).order_by())
    return _ROWS[model]


class _KeyChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        plain = type(value) is str and value.isdigit() and value.isascii()
        whole_table = self.to_field_name is None and not self.queryset.query.where
        if plain and whole_table and int(value) <= MAX_ID:
            found = _row_of(self.queryset.model).first(pk=int(value))
            if found is None:
                raise DjangoValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                )
            return found
        return super().to_python(value)


class KeyChoiceFilter(django_filters.ModelChoiceFilter):
    """`?plan=<id>` and the like over a whole table, found as KeyOf finds it (one statement
    compiled once): django-filter's field builds and compiles `queryset.get(pk=…)` on every
    request. Anything but a plain number in range, or a queryset narrowed by a filter, goes
    to django-filter as before."""

    field_class = _KeyChoiceField


class IdFilter(django_filters.NumberFilter):
    """`?problem=<id>` and the like, bounded like IdField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class FormOnceFilterSet(django_filters.FilterSet):
    """A filter set whose form class is made once per class. django-filter makes a new form
    class on every request, and with it a new form field per filter (a ModelChoiceField
    clones its queryset): ~2 ms of a problem list. Only for filter sets whose fields do not
    depend on the request (no queryset made from it)."""

    def get_form_class(self):
        made = type(self).__dict__.get("_form_class_made")
        if made is None:
            made = super().get_form_class()
            type(self)._form_class_made = made
        return made


class Pagination(PageNumberPagination):
    """Page-number pages with a capped count: `count` is exact up to 1,000, and `count_more`
    says there are more than that."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CappedPaginator
    invalid_page_message = "این صفحه وجود ندارد."

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        paginator = self.page.paginator if self.page is not None else None
        response.data["count_more"] = isinstance(paginator, CappedPaginator) and paginator.more
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_more"] = {
            "type": "boolean",
            "description": "True when there are more than `count` (1,000) rows.",
        }
        return schema


def _flatten_django_validation_error(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {"detail": " ".join(error.messages), "code": "invalid"}


def exception_handler(exc, context):
    """Every refusal becomes `{"detail", "code"}` (or DRF field errors) with a 4xx status."""
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooMany) else None
        body = {"detail": exc.message, "code": exc.code, **exc.extra}
        return Response(body, status=exc.status, headers=headers)
    if isinstance(exc, RecursionError):  # JSON nested ~1,000 deep overflows the parser
        body = {"detail": "بدنه‌ی درخواست بیش از اندازه تودرتو است.", "code": "too_deep"}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):  # too many fields, an oversize body, …
        body = {"detail": "درخواست نامعتبر یا بیش از اندازه بزرگ است.", "code": "bad_request"}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response(_flatten_django_validation_error(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError("بدنه‌ی درخواست JSON معتبر نیست.")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data.setdefault("code", getattr(exc, "default_code", "error"))
        detail = response.data["detail"]
        if hasattr(detail, "code"):
            response.data["code"] = detail.code
    return response
