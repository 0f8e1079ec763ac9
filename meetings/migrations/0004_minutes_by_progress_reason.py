"""The minute taker of a meeting (Meeting.minutes_by), who signs the minutes; and on a progress
report the percent before it and the reason required when it lowers the progress."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_bappeda_no_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="minutes_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The minute taker (notulis), who signs the minutes.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="minutes written by",
            ),
        ),
        migrations.AddField(
            model_name="progressupdate",
            name="previous_percent",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="progress before (%)",
            ),
        ),
        migrations.AddField(
            model_name="progressupdate",
            name="reason",
            field=models.TextField(blank=True, verbose_name="reason for the decrease"),
        ),
        migrations.AddConstraint(
            model_name="progressupdate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("previous_percent__isnull", True),
                    ("percent__isnull", True),
                    ("percent__gte", models.F("previous_percent")),
                    models.Q(("reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="meetings_progressupdate_decrease_has_reason",
            ),
        ),
    ]
