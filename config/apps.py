from django.apps import AppConfig

# psycopg converts a query's ``%s`` placeholders to PostgreSQL's ``$n`` by parsing its text, and
# remembers the conversion only for queries up to 4 KB with up to 50 parameters. The rows of a
# business action go out in one statement (``config.rows.RowBatch``: an approval's is 6 KB with
# 103 parameters), the same text for the same shape of action, parsed again on every run. The
# limits here keep those too; the number of conversions kept stays bounded.
QUERY_CONVERSION_MAX_LENGTH = 64 * 1024
QUERY_CONVERSION_MAX_PARAMS = 2000
QUERY_CONVERSIONS_KEPT = 512


def keep_query_conversions() -> None:
    """Raise psycopg's limits on the queries whose placeholder conversion it keeps (once)."""
    from functools import lru_cache

    from psycopg import _queries

    if getattr(_queries, "_claims_conversions_kept", False):
        return
    _queries.MAX_CACHED_STATEMENT_LENGTH = QUERY_CONVERSION_MAX_LENGTH
    _queries.MAX_CACHED_STATEMENT_PARAMS = QUERY_CONVERSION_MAX_PARAMS
    _queries._query2pg = lru_cache(maxsize=QUERY_CONVERSIONS_KEPT)(_queries._query2pg_nocache)
    _queries._claims_conversions_kept = True


class ConfigAppConfig(AppConfig):
    """Project infrastructure: the task outbox, health check and demo-data command."""

    name = "config"
    label = "infra"
    verbose_name = "Infrastructure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        keep_query_conversions()
