from odoo import fields, models

from .mail_activity_type import TIME_CATEGORIES


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _inherit = ["calendar.event", "kam.own.fields.guard.mixin"]

    kam_time_category = fields.Selection(
        TIME_CATEGORIES,
        string="KAM Activity",
        help="Which of the KAM's activities the hours of this meeting count "
        "for in the time-allocation report: for its organiser and for each "
        "attendee who accepted it, not for unanswered, tentative or declined "
        "invitations.",
    )
