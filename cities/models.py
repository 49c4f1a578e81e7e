"""The bottom domain app: the cities a deployment serves and their municipal districts.

Every other app hangs off a city (staff roles, plans, moderation queues), so this app
imports none of them. The tables keep the names they had when they lived in `planning`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    name = models.CharField(_("نام"), max_length=80)
    slug = models.SlugField(_("شناسه"), unique=True)
    province = models.CharField(_("استان"), max_length=80, blank=True)

    class Meta:
        db_table = "planning_city"
        verbose_name = _("شهر")
        verbose_name_plural = _("شهرها")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A municipal district (منطقه) of a city."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("نام"), max_length=80)
    number = models.PositiveSmallIntegerField(_("شماره"), null=True, blank=True)

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
