"""Django's password-reset form with its email sent as a task through the outbox, as every email
is (``config.mail``): no SMTP inside the request, retried while the mail server fails."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.template import loader

from config.mail import email_enqueue


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(subject=subject, body=body, recipients=[to_email])
