"""The session engine: Django's database sessions, with the read every signed-in request makes
(the session's data by its key) compiled once per connection (``config.statements.Prepared``)
instead of built by the ORM on each request. Same table, same rows, same signing (the class is
named ``SessionStore`` like Django's, which its signature's salt is derived from)."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.statements import Prepared

_SESSION_DATA = Prepared(lambda p: Session.objects.filter(
    session_key=p.text("session_key"), expire_date__gt=p.datetime("now"),
).values_list("session_data", flat=True))


class SessionStore(db.SessionStore):
    def load(self):
        if not self.session_key or "\x00" in self.session_key:  # none, or never a stored one
            self._session_key = None
            return {}
        data = _SESSION_DATA.first(session_key=self.session_key, now=timezone.now())
        if data is None:
            self._session_key = None  # as Django's: a new key if the session gets written
            return {}
        return self.decode(data)
