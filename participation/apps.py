from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "مشارکت"

    def ready(self):
        from participation.moderated import register_content_kinds
        from participation.similarity import ensure_sqlite_index

        register_content_kinds()

        post_migrate.connect(ensure_sqlite_index, sender=self)
