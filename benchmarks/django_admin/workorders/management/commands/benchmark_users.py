"""The two accounts the comparison signs in with: `admin` (superuser, every work order) and
`eng_head` (staff who may view work orders; scoped by the application's staff profile of
the same user name). Both get the demo password; run again, it resets them."""
from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True)
        parser.add_argument("--head", default="eng_head")

    def handle(self, *args, password: str, head: str, **options):
        admin, _ = User.objects.get_or_create(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()
        person, _ = User.objects.get_or_create(username=head)
        person.is_staff, person.is_superuser = True, False
        person.set_password(password)
        person.save()
        person.user_permissions.set(Permission.objects.filter(
            content_type__app_label="workorders", codename="view_workorder"))
        self.stdout.write(f"users admin and {head} ready")
