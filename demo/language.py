"""Demo: German is everyone's default; one policyholder (Lena Fischer) and the team lead read
English, so both languages can be tried with a demo login."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from language.services import language_set

ENGLISH_READERS = ["lena.fischer", "teamlead"]


def load(stdout) -> list[tuple[str, str, str]]:
    users = get_user_model().objects.filter(username__in=ENGLISH_READERS)
    for user in users:
        language_set(user=user, language="en")
    stdout.write(f"Languages: {', '.join(u.username for u in users)} read English; "
                 "everyone else German.")
    return []
