"""Who may moderate: the moderators of a city, in that city only."""

import rules

from accounts.rules import is_city_admin, is_city_moderator

rules.add_rule("moderation.moderate_city", is_city_moderator)
# City admins read the audit trail of their city's decisions.
rules.add_rule("moderation.audit_city", is_city_admin | is_city_moderator)
