"""How failed log-ins lock: per account and address, and per address.

django-axes counts failures for each lockout parameter but compares the
largest count with one limit. Two limits are wanted here:

- an account is locked for the address that guessed at it after
  ``AXES_FAILURE_LIMIT`` failures, so that a stranger's guesses never lock
  the owner out from anywhere else;
- an address is locked for every account after ``AXES_ADDRESS_FAILURE_LIMIT``
  failures at any accounts, so that one address cannot try every account.

A successful log-in forgives the failures at that account from that
address only: it proves nothing about the address's guesses at others.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressLockout(AxesDatabaseHandler):
    def _account_at_address(self, request, credentials):
        return AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        )

    def _address(self, request):
        return AccessAttempt.objects.filter(ip_address=request.axes_ip_address)

    def get_failures(self, request, credentials=None) -> int:
        """The failures, counted so that axes' one comparison with
        ``AXES_FAILURE_LIMIT`` locks when either limit is reached: the
        address's failures are scaled from its own limit to the account's."""
        threshold = get_cool_off_threshold(request)
        account, address = (
            attempts.filter(attempt_time__gte=threshold).aggregate(failures=Sum("failures_since_start"))["failures"]
            or 0
            for attempts in (self._account_at_address(request, credentials), self._address(request))
        )
        account_limit = settings.AXES_FAILURE_LIMIT
        return max(account, address * account_limit // settings.AXES_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        deleted, _ = self._account_at_address(request, credentials).delete()
        return deleted
