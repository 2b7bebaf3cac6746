"""Claims models (see the claims workflow issue)."""
