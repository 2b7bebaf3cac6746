"""The adjusters' admin: the claim screen and work queue, and the screens around it."""

from claims.admin import claim, others  # noqa: F401 - registers the model admins
