"""Serializer fields shared by the apps' APIs."""

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
