import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ROLES = {"reporter": "Reporter", "editor": "Editor"}


class Command(BaseCommand):
    help = (
        "Create a newsroom account with a role: a reporter writes drafts and sends them to "
        "review; an editor also publishes, unpublishes, retracts and corrects. Prints a new "
        "password (or sets --password). An existing name is refused unless --reset-password "
        "(a new password, which ends their sessions, and the role)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--password", help="default: a new random password, printed")
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="the user exists: give them a new password (their sessions end) and the role",
        )

    def handle(self, *args, username, role, password, reset_password=False, **options):
        username = username.strip()
        if not username:
            raise CommandError("Give a user name.")
        try:
            group = Group.objects.get(name=ROLES[role])
        except Group.DoesNotExist:
            raise CommandError("The roles are missing: run `manage.py migrate` first.") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        created = user.pk is None
        if not created and not reset_password:
            raise CommandError(
                f"{username!r} already exists: nothing changed. To give them a new password "
                "(their sessions end) and this role, add --reset-password; to change only the "
                "role, use the admin (Users)."
            )
        if password:
            try:
                validate_password(password, user)  # before anything is saved
            except ValidationError as error:
                raise CommandError("Password refused: " + " ".join(error.messages)) from None
        else:
            password = _generated(user)
        with transaction.atomic():
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=ROLES.values()))
            user.groups.add(group)
        what = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{what} {group.name.lower()} {username!r}, password: {password}")
        )


def _generated(user, tries: int = 50) -> str:
    """A random password of 20 characters that the validators take (a random one may, rarely,
    hold the site's name)."""
    for _ in range(tries):
        password = secrets.token_urlsafe(15)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password
    raise CommandError("Could not generate a password the validators take: give --password.")
