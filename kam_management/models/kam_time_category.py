"""The nine activities of a KAM's time (*Actividad / % de tiempo*).

Activity types and calendar events carry one of them; each company keeps a
reference profile (the share of time each should take, 100% in all), which
the time-allocation report compares with what the KAMs actually did.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_format import format_number

TIME_CATEGORIES = [
    ("relationships", "Developing Relationships"),
    ("negotiation", "Negotiation and Internal Coordination"),
    ("planning", "Industry Knowledge and Strategic Planning"),
    ("selling", "Selling"),
    ("problems", "Solving Day-to-Day Internal Problems"),
    ("reporting", "Reporting"),
    ("training", "Training"),
    ("team", "Team Management"),
    ("other", "Other"),
]
# The reference time profile of a KAM in the documents (% of time).
REFERENCE_PROFILE = {
    "relationships": 20.0,
    "negotiation": 15.0,
    "planning": 5.0,
    "selling": 10.0,
    "problems": 15.0,
    "reporting": 10.0,
    "training": 5.0,
    "team": 10.0,
    "other": 10.0,
}
# Company field holding the reference share of each category.
PROFILE_FIELDS = {key: f"kam_time_ref_{key}" for key, _label in TIME_CATEGORIES}


class MailActivityType(models.Model):
    _name = "mail.activity.type"
    _inherit = ["mail.activity.type", "kam.own.fields.guard.mixin"]

    kam_time_category = fields.Selection(
        TIME_CATEGORIES,
        string="KAM Activity",
        help="Which of the KAM's activities the time of a done activity of "
        "this type counts for in the time-allocation report.",
    )
    kam_duration_hours = fields.Float(
        string="KAM Hours per Activity",
        default=0.5,
        digits=(16, 2),
        help="Time one done activity of this type stands for in the "
        "time-allocation report.",
    )

    @api.constrains("kam_duration_hours")
    def _check_kam_duration_hours(self):
        for activity_type in self:
            if not 0 <= activity_type.kam_duration_hours <= 24:
                raise ValidationError(
                    self.env._(
                        "The KAM hours of an activity of type %(type)s must be "
                        "between 0 and 24 (got %(hours)s).",
                        type=activity_type.name,
                        hours=format_number(self.env, activity_type.kam_duration_hours),
                    )
                )


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


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    kam_time_ref_relationships = fields.Float(
        string="Developing Relationships (%)", default=20.0
    )
    kam_time_ref_negotiation = fields.Float(
        string="Negotiation and Internal Coordination (%)", default=15.0
    )
    kam_time_ref_planning = fields.Float(
        string="Industry Knowledge and Strategic Planning (%)", default=5.0
    )
    kam_time_ref_selling = fields.Float(string="Selling (%)", default=10.0)
    kam_time_ref_problems = fields.Float(
        string="Solving Day-to-Day Internal Problems (%)", default=15.0
    )
    kam_time_ref_reporting = fields.Float(string="Reporting (%)", default=10.0)
    kam_time_ref_training = fields.Float(string="Training (%)", default=5.0)
    kam_time_ref_team = fields.Float(string="Team Management (%)", default=10.0)
    kam_time_ref_other = fields.Float(string="Other (%)", default=10.0)

    def _kam_time_profile(self):
        """{category: reference share in %} of this company."""
        self.ensure_one()
        return {key: self[fname] for key, fname in PROFILE_FIELDS.items()}

    @api.constrains(*PROFILE_FIELDS.values())
    def _check_kam_time_profile(self):
        for company in self:
            shares = company._kam_time_profile()
            if any(not 0 <= share <= 100 for share in shares.values()):
                raise ValidationError(
                    self.env._(
                        "Each share of the reference time profile must be between "
                        "0 and 100%."
                    )
                )
            total = sum(shares.values())
            if abs(total - 100.0) > 0.01:
                raise ValidationError(
                    self.env._(
                        "The reference time profile of %(company)s must total 100%% "
                        "(it totals %(total)s%%).",
                        company=company.name,
                        total=format_number(self.env, total),
                    )
                )
