import secrets
from pathlib import Path

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create (or reset) a local superuser and print its credentials. Refuses to run unless "
        "DJANGO_DEBUG is on: this is for a laptop, never for a server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("create_local_admin only runs with DJANGO_DEBUG=true.")
        password_file = Path(settings.BASE_DIR) / "var" / "local-admin-password"
        password = password_file.read_text().strip() if password_file.exists() else ""
        if len(password) < 12:  # the password validators' minimum
            password = secrets.token_urlsafe(15)  # 20 characters
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not user.check_password(password):
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
        reset_lockouts(username=username)  # a laptop's own lockout ends with the next make run
        self.stdout.write(
            self.style.SUCCESS(
                f"Local admin: {settings.SITE_URL}/admin/  user: {username}  "
                f"password: {password}  (kept in {password_file.relative_to(settings.BASE_DIR)})"
            )
        )
