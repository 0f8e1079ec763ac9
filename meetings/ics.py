"""The iCalendar (.ics) invitation attached to the invitation email."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .choices import MeetingStatus


def mail_domain() -> str:
    """The domain of the sender address, used to make the event UID globally unique."""
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"


def meeting_uid(meeting) -> str:
    """Stable across revisions, so that a calendar replaces the event instead of adding one."""
    return f"tkpk-rapat-{meeting.pk}@{mail_domain()}"


def meeting_ics(meeting) -> tuple[bytes, str]:
    """The calendar of one meeting and its iTIP method (REQUEST, or CANCEL once cancelled)."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Rapat TKPK//ID")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", meeting.title)
    event.add("location", meeting.place)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = vText(settings.SITE_NAME)
    event.add("organizer", organizer)
    calendar.add_component(event)
    return calendar.to_ical(), method
