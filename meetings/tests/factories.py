"""factory_boy factories of the meetings models."""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from tkpk.tests.factories import AgencyFactory, UserFactory

from ..choices import ActionPriority, ActionStatus, MeetingKind, MeetingStatus
from ..models import Attendance, FollowUpAction, Meeting, Notification, ProgressUpdate


def days_from_today(days: int):
    return timezone.localdate() + timedelta(days=days)


def local_datetime(days: int, hour: int = 9):
    return timezone.make_aware(datetime.combine(days_from_today(days), time(hour, 0)))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    kind = MeetingKind.COORDINATION
    title = factory.Sequence(lambda n: f"Rapat Koordinasi TKPK {n}")
    starts_at = factory.LazyFunction(lambda: local_datetime(-7))
    place = "Aula Bappelitbang, Amuntai"
    chair = "Ketua TKPK"
    status = MeetingStatus.HELD

    @factory.post_generation
    def invited(self, create, extracted, **kwargs):
        if create and extracted:
            for agency in extracted:
                self.invitations.create(agency=agency)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.SubFactory(AgencyFactory)
    name = factory.Faker("name", locale="id_ID")
    position = "Kepala Bidang"


class ActionFactory(factory.django.DjangoModelFactory):
    """An action; pass status=DONE/VERIFIED with completed_on (defaulted to the due date)."""

    class Meta:
        model = FollowUpAction

    meeting = factory.SubFactory(MeetingFactory)
    description = factory.Sequence(lambda n: f"Tindak lanjut nomor {n}")
    responsible_agency = factory.SubFactory(AgencyFactory)
    person_in_charge = "Kepala Bidang"
    due_date = factory.LazyFunction(lambda: days_from_today(14))
    priority = ActionPriority.MEDIUM
    status = ActionStatus.NOT_STARTED
    completed_on = factory.LazyAttribute(
        lambda a: a.due_date if a.status in (ActionStatus.DONE, ActionStatus.VERIFIED) else None
    )
    verified_at = factory.LazyAttribute(
        lambda a: timezone.now() if a.status == ActionStatus.VERIFIED else None
    )


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    text = "Sudah berjalan."
    percent = 50
    created_by = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    text = "Pengingat tindak lanjut."
    link = "/rapat/tindak-lanjut/saya/"
