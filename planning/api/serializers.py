from rest_framework import serializers

from planning.models import Axis, City, Committee, District


class CityOut(serializers.ModelSerializer):
    class Meta:
        model = City
        fields = ["id", "slug", "name", "province"]


class AxisOut(serializers.ModelSerializer):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Axis
        fields = ["id", "city", "title", "position"]


class CommitteeOut(serializers.ModelSerializer):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    axes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "city", "title", "position", "axes"]


class DistrictOut(serializers.ModelSerializer):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = District
        fields = ["id", "city", "name", "number"]
