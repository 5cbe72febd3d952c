import secrets
from pathlib import Path

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
        if not password:
            password = secrets.token_urlsafe(12)
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
        self.stdout.write(
            self.style.SUCCESS(
                f"Local admin: http://127.0.0.1:8000/admin/  user: {username}  "
                f"password: {password}  (kept in {password_file.relative_to(settings.BASE_DIR)})"
            )
        )
