import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LanguagePreference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("language", models.CharField(choices=[("de", "Deutsch"), ("en", "English")],
                                              default="de", max_length=10,
                                              verbose_name="language")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("user", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="language_preference", to=settings.AUTH_USER_MODEL,
                    verbose_name="user")),
            ],
            options={"verbose_name": "language preference",
                     "verbose_name_plural": "language preferences"},
        ),
    ]
