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

    @api.model
    def _kam_set_time_categories(self, categories):
        """Give activity types of other addons their KAM activity and hours.

        ``categories`` lists ``(xml id, KAM activity, hours)``; a type its
        addon does not define (any more) is left out.
        """
        for xmlid, category, hours in categories:
            activity_type = self.env.ref(xmlid, raise_if_not_found=False)
            if activity_type:
                activity_type.write(
                    {"kam_time_category": category, "kam_duration_hours": hours}
                )
        return True

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
