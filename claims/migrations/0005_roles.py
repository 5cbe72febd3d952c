"""The newsroom's two roles, Reporter and Editor (see claims/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from claims.roles import ensure_roles

    ensure_roles(apps)


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
