"""The bottom domain app: the cities a deployment serves and their municipal districts.

Every other app hangs off a city (staff roles, plans, moderation queues), so this app
imports none of them. The tables keep the names they had when they lived in `planning`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend import geo


class City(models.Model):
    name = models.CharField(_("نام"), max_length=80)
    slug = models.SlugField(_("شناسه"), unique=True)
    province = models.CharField(_("استان"), max_length=80, blank=True)
    # GeoJSON Polygon/MultiPolygon (backend.geo.clean_geometry). Reported points must fall
    # inside it; without one, inside the districts' boundaries, or anywhere in Iran.
    boundary = models.JSONField(_("مرز شهر"), null=True, blank=True)
    # [south, west, north, east] of the boundary, kept with it: the first cut of every
    # point check and the map's starting view.
    bbox = models.JSONField(null=True, blank=True, editable=False, verbose_name=_("محدوده‌ی نقشه"))

    class Meta:
        db_table = "planning_city"
        verbose_name = _("شهر")
        verbose_name_plural = _("شهرها")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.bbox = geo.bbox(self.boundary) if self.boundary else None
        super().save(*args, **kwargs)


class District(models.Model):
    """A municipal district (منطقه) of a city."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="districts", verbose_name=_("شهر")
    )
    name = models.CharField(_("نام"), max_length=80)
    number = models.PositiveSmallIntegerField(_("شماره"), null=True, blank=True)
    boundary = models.JSONField(_("مرز منطقه"), null=True, blank=True)
    bbox = models.JSONField(null=True, blank=True, editable=False, verbose_name=_("محدوده‌ی نقشه"))

    class Meta:
        db_table = "planning_district"
        verbose_name = _("منطقه")
        verbose_name_plural = _("مناطق")
        ordering = ["city", "number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.bbox = geo.bbox(self.boundary) if self.boundary else None
        super().save(*args, **kwargs)
