"""The adjuster's desk (issue 15): the claim page's summary and tabs, the start page's dashboard
and the work queues' counts. Reads only; every write stays with the services."""
