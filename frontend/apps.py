from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FrontendConfig(AppConfig):
    name = "frontend"
    verbose_name = "وب"

    def ready(self):
        # An edit of what the problem pages' selects list forgets their cached choices
        # (frontend/choices.py).
        from cities.models import City, District
        from frontend import choices
        from planning.models import Axis, Plan

        for model in (City, District, Axis, Plan):
            for signal in (post_save, post_delete):
                signal.connect(
                    choices.forget, sender=model, dispatch_uid=f"choices-{model.__name__}-{signal}"
                )
