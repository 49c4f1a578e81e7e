"""Who may manage a city's Open311 clients: its city admins, and the platform's superusers.

The client apps themselves are not people: they authenticate with their API key
(open311.services.client_for_key), and what they post is checked by participation's rules
for their service account like any other author's problem.
"""

from accounts.rules import is_city_admin, is_superuser
from backend.authz import permission

# obj: the city whose clients are listed, issued or revoked.
permission(
    "open311.manage_clients",
    is_city_admin | is_superuser,
    message="برنامه‌های Open311 این شهر را فقط مدیران همین شهر می‌سازند یا باطل می‌کنند.",
    code="not_city_admin",
)
