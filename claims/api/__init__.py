"""The REST API under /api/: policyholders (``/api/me/``), adjusters (``/api/claims/``,
``/api/policies/``, ``/api/accounts/``) and the sign-in token. Every view filters its queryset by
the caller's role; every write goes through the claims services."""
