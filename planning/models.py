from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    name = models.CharField(_("نام"), max_length=80)
    slug = models.SlugField(_("شناسه"), unique=True)
    province = models.CharField(_("استان"), max_length=80, blank=True)

    class Meta:
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
        verbose_name = _("منطقه")
        verbose_name_plural = _("مناطق")
        ordering = ["city", "number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Axis(models.Model):
    """A thematic axis (محور موضوعی) under which a city groups its problems and plan."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="axes")
    title = models.CharField(_("عنوان"), max_length=120)
    position = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("محور")
        verbose_name_plural = _("محورها")
        ordering = ["city", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["city", "title"], name="axis_unique_title")]

    def __str__(self) -> str:
        return self.title


class Committee(models.Model):
    """A specialised committee or working group (کمیته‌ی تخصصی / کارگروه) of a city."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="committees")
    title = models.CharField(_("عنوان"), max_length=160)
    position = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    axes = models.ManyToManyField(Axis, blank=True, related_name="committees")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="committees"
    )

    class Meta:
        verbose_name = _("کمیته")
        verbose_name_plural = _("کمیته‌ها")
        ordering = ["city", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "title"], name="committee_unique_title")
        ]

    def __str__(self) -> str:
        return self.title
