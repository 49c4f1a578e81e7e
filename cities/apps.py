from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_city(instance, **kwargs):
    from cities.selectors import forget_boundaries

    forget_boundaries(instance.pk)


def _forget_district(instance, **kwargs):
    from cities.selectors import forget_boundaries

    forget_boundaries(instance.city_id)


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = "شهرها"

    def ready(self):
        # A city's or a district's edit (the admin, a service) forgets the cached boundaries
        # that every problem page draws (cities.selectors.city_boundaries).
        from cities.models import City, District

        for signal in (post_save, post_delete):
            signal.connect(_forget_city, sender=City, dispatch_uid=f"cities-city-{signal}")
            signal.connect(
                _forget_district, sender=District, dispatch_uid=f"cities-district-{signal}"
            )
