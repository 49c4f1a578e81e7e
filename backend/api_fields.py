"""Serializer fields shared by the apps' APIs."""

import copy
import decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.jalali import jalali_datetime_str


@extend_schema_field(OpenApiTypes.STR)
class JalaliDateTimeField(serializers.ReadOnlyField):
    """The Jalali form of another datetime attribute: `created_at_jalali` next to the ISO one."""

    def __init__(self, source: str, **kwargs):
        super().__init__(source=source, **kwargs)

    def to_representation(self, value) -> str:
        return jalali_datetime_str(value)


class AuthorField(serializers.Serializer):
    """How a post's author appears to everyone: the public name and the expert badge only."""

    public_name = serializers.CharField()
    is_expert = serializers.BooleanField()


class CoordinateField(serializers.DecimalField):
    """A latitude or longitude in degrees, rounded to 5 decimals (about a metre) before it
    is checked: a phone's position comes with many more digits than a pin needs. Persian
    and Arabic-Indic digits are accepted."""

    def __init__(self, *, limit: int, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        limit_message = f"مختصات باید بین {-limit} و {limit} درجه باشد."
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "مختصات باید عدد باشد.",
                "max_value": limit_message,
                "min_value": limit_message,
                "max_string_length": "مختصات بیش از حد طولانی است.",
            },
        )
        super().__init__(
            max_digits=8,
            decimal_places=5,
            min_value=-limit,
            max_value=limit,
            rounding=decimal.ROUND_HALF_EVEN,
            **kwargs,
        )

    def validate_precision(self, value):
        try:
            value = value.quantize(decimal.Decimal("0.00001"))
        except decimal.InvalidOperation:  # "1e400": too many digits to round; out of range
            self.fail("max_value" if value > 0 else "min_value")
        return super().validate_precision(value)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.translate(_DIGITS).replace("٫", ".")
        return super().to_internal_value(data)


_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


class ModelOut(serializers.ModelSerializer):
    """A model serializer for answers, whose fields DRF works out from the model once per
    class instead of once per instance. DRF's `get_fields` reads the model's meta and
    builds every field on each serializer made, and a list makes one per row for nested
    ones: ~2 ms of a problem's detail. The fields depend on the class only (no serializer
    here builds them from its context); each instance gets its own copies to bind, as DRF
    does with declared fields."""

    def get_fields(self):
        made = type(self).__dict__.get("_fields_made")
        if made is None:
            made = super().get_fields()
            type(self)._fields_made = made
        return copy.deepcopy(made)
