"""The policyholder portal: policies, aggregate use, first notice of loss, claim pages."""
