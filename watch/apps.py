from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What each role may do with the watch (added to claims/roles.py's groups after every migrate).
REPORTER = [
    ("watch", "view_alert"),
    ("watch", "change_alert"),  # resolve
    ("watch", "view_knownrepeat"),
    ("watch", "view_watchedsource"),
    ("watch", "view_periodicjob"),
    ("watch", "add_casefollower"),
    ("watch", "change_casefollower"),
    ("watch", "delete_casefollower"),
    ("watch", "view_casefollower"),
    ("django_tasks_database", "view_dbtaskresult"),
]
EDITOR = [*REPORTER, ("watch", "confirm_repeat"), ("watch", "change_watchedsource")]


def grant_roles(sender, apps=None, **kwargs) -> None:
    from django.contrib.auth.management import create_permissions

    if apps is None:
        from django.apps import apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for label in ("watch", "django_tasks_database"):
            config = apps.get_app_config(label)
            config.models_module = getattr(config, "models_module", None) or True
            create_permissions(config, apps=apps, verbosity=0)
    except LookupError:  # a partial migrate
        return
    for name, pairs in (("Reporter", REPORTER), ("Editor", EDITOR)):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label__in={app for app, _ in pairs},
                codename__in={codename for _, codename in pairs},
            )
        )


class WatchConfig(AppConfig):
    name = "watch"
    verbose_name = "The watch"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from watch import signals  # noqa: F401  a new claim is checked for repeats

        post_migrate.connect(grant_roles, sender=self, dispatch_uid="watch_roles")
