"""The newsroom's two roles. Reporters write and edit drafts, send them to review and propose
revisions of what is published; editors also accept those, publish, unpublish and retract
(``claims.publish``), correct, and delete.

Made by a data migration (0005_roles) and made again after every ``migrate`` or ``flush``
(a post_migrate handler), so a database emptied by a test run still has them.
"""

from django.contrib.auth.management import create_permissions

CURATED = {
    "claims": ["case", "claim", "citation", "contradiction", "speaker", "topic", "correction"],
    "sources": ["outlet", "source"],
}
REPORTER = {
    "claims": {
        "case": ["add", "change", "view"],  # its status is an editor's (claims.publish)
        "claim": ["add", "change", "view"],
        "citation": ["add", "change", "delete", "view"],
        "contradiction": ["add", "change", "view"],
        "speaker": ["add", "change", "view"],
        "topic": ["add", "change", "view"],
        "correction": ["view"],
    },
    "sources": {"outlet": ["add", "change", "view"], "source": ["add", "change", "view"]},
}


def _pairs(apps) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    def known(app: str, model: str) -> bool:
        # the roles migration (0005) runs before later models exist; post_migrate adds them
        try:
            apps.get_model(app, model)
        except LookupError:
            return False
        return True

    curated = {app: [m for m in models if known(app, m)] for app, models in CURATED.items()}
    history = [
        (app, f"view_historical{model}") for app, models in curated.items() for model in models
    ]
    reporter = [
        (app, f"{action}_{model}")
        for app, grants in REPORTER.items()
        for model, actions in grants.items()
        if known(app, model)
        for action in actions
    ]
    editor = [
        (app, f"{action}_{model}")
        for app, models in curated.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    ] + [("claims", "publish")]
    # proposed revisions: everyone reads them; editors decide them (claims/revisions.py)
    if known("claims", "revision"):
        reporter.append(("claims", "view_revision"))
        editor.append(("claims", "view_revision"))
    # the watch (alerts, repeats, followers) and the background tasks' results
    watch = [(app, f"{action}_{model}") for app, model, action in WATCH if known(app, model)]
    reporter += watch
    editor += watch + [pair for pair in WATCH_EDITOR if known(pair[0], "knownrepeat")]
    return reporter + history, editor + history


# (app, model, action) every role has on the watch's records; then what editors add
WATCH = [
    ("watch", "alert", "view"),
    ("watch", "alert", "change"),  # resolve
    ("watch", "knownrepeat", "view"),
    ("watch", "watchedsource", "view"),
    ("watch", "periodicjob", "view"),
    *(("watch", "casefollower", action) for action in ("add", "change", "delete", "view")),
    ("django_tasks_database", "dbtaskresult", "view"),
]
WATCH_EDITOR = [("watch", "confirm_repeat"), ("watch", "change_watchedsource")]


def ensure_roles(apps) -> None:
    """Create or refresh the Reporter and Editor groups (``apps``: the app registry, or a
    migration's historical one)."""
    for label in ("auth", "contenttypes", "claims", "sources", "watch", "django_tasks_database"):
        try:
            config = apps.get_app_config(label)
        except LookupError:  # an app not (yet) in this registry: its grants are left out
            continue
        config.models_module = getattr(config, "models_module", None) or True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pairs
        ]

    reporter_pairs, editor_pairs = _pairs(apps)
    for name, pairs in (("Reporter", reporter_pairs), ("Editor", editor_pairs)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(pairs))


def ensure_roles_after_migrate(sender, apps=None, **kwargs) -> None:
    """post_migrate (after ``migrate`` and after a ``flush``): the roles exist."""
    if apps is None:
        from django.apps import apps
    try:
        ensure_roles(apps)
    except LookupError:  # a partial migrate, before the roles migration
        pass
    except apps.get_model("auth", "Permission").DoesNotExist:
        pass
