"""The newsroom's two roles. Reporters write and edit drafts and send them to review; editors
also publish, unpublish and retract (``claims.publish``), correct, and delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED = {
    "claims": ["claim", "citation", "contradiction", "speaker", "topic", "correction"],
    "sources": ["outlet", "source"],
}
REPORTER = {
    "claims": {
        "claim": ["add", "change", "view"],
        "citation": ["add", "change", "delete", "view"],
        "contradiction": ["add", "change", "view"],
        "speaker": ["add", "change", "view"],
        "topic": ["add", "change", "view"],
        "correction": ["view"],
    },
    "sources": {"outlet": ["add", "change", "view"], "source": ["add", "change", "view"]},
}


def _codenames(app_label, grants):
    return [
        (app_label, f"{action}_{model}") for model, actions in grants.items() for action in actions
    ]


def create_roles(apps, schema_editor):
    for label in ("auth", "contenttypes", "claims", "sources"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pairs
        ]

    reporter_pairs = [p for app, grants in REPORTER.items() for p in _codenames(app, grants)]
    editor_pairs = [
        (app, f"{action}_{model}")
        for app, models in CURATED.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    ] + [("claims", "publish")]
    history_pairs = [
        (app, f"view_historical{model}") for app, models in CURATED.items() for model in models
    ]
    reporter, _ = Group.objects.get_or_create(name="Reporter")
    reporter.permissions.set(permissions(reporter_pairs + history_pairs))
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(permissions(editor_pairs + history_pairs))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_publishing_workflow"),
        ("sources", "0002_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
