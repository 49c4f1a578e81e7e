from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "مشارکت"

    def ready(self):
        from participation.moderated import register_content_kinds
        from participation.services import plan_item_opened_notify
        from participation.similarity import ensure_sqlite_index
        from planning.changes import on_item_opened

        register_content_kinds()
        on_item_opened(plan_item_opened_notify)

        post_migrate.connect(ensure_sqlite_index, sender=self)
