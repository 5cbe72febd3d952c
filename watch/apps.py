from django.apps import AppConfig


class WatchConfig(AppConfig):
    """The watch's roles are granted with the others' in claims/roles.py (one place, so no
    order of apps or of post_migrate handlers can take them away)."""

    name = "watch"
    verbose_name = "The watch"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from watch import signals  # noqa: F401  a new claim is checked for repeats
