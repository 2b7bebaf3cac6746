"""The API's views: ``me`` (policyholders), ``claims`` and ``money`` (adjusters), ``policies``
(adjusters, read-only) and ``auth`` (the rate-limited token endpoint)."""
