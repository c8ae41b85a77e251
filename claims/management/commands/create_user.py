"""``manage.py create_user NAME --role ROLE``: create an account in a role."""

import getpass

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role


class Command(BaseCommand):
    help = "Create a user holding a role of the tracker (reviewer, editor or admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password",
            help="The password; asked for interactively when omitted. Prefer the prompt: arguments end up in "
            "shell history.",
        )

    def handle(self, *args, username, role, email, password, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        if password is None:
            password = getpass.getpass(f"Password for {username}: ")
        user = User(username=username, email=email, is_staff=role == Role.ADMIN)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        self.stdout.write(f"Created {username!r} as {role}.")
