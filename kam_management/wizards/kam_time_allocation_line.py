from collections import defaultdict

from odoo import api, fields, models

from ..compat import group_figures
from ..models.mail_activity_type import TIME_CATEGORIES


@group_figures("_kam_group_shares", ("actual_pct", "reference_pct", "difference"))
class KamTimeAllocationLine(models.TransientModel):
    _name = "kam.time.allocation.line"
    _description = "KAM Time Allocation Line"
    _order = "user_id, category"

    wizard_id = fields.Many2one(
        "kam.time.allocation", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one("res.users", string="Key Account Manager", readonly=True)
    category = fields.Selection(TIME_CATEGORIES, string="KAM Activity", readonly=True)
    hours = fields.Float(readonly=True, digits=(16, 1))
    activity_count = fields.Integer(string="Done Activities", readonly=True)
    meeting_hours = fields.Float(
        readonly=True,
        digits=(16, 1),
        help="Hours of the meetings of this KAM activity that the KAM organised "
        "(and did not decline) or accepted. Invitations left unanswered, "
        "tentative or declined do not count.",
    )
    actual_pct = fields.Float(
        string="Actual (%)", readonly=True, digits=(5, 1), aggregator="avg"
    )
    reference_pct = fields.Float(
        string="Reference (%)", readonly=True, digits=(5, 1), aggregator="avg"
    )
    difference = fields.Float(
        string="Difference (points)",
        readonly=True,
        digits=(5, 1),
        aggregator="avg",
        help="Actual share minus the reference share.",
    )
    deviation = fields.Selection(
        [
            ("over", "More than the Reference"),
            ("under", "Less than the Reference"),
            ("ok", "Within Tolerance"),
            ("none", "No Time Recorded"),
        ],
        readonly=True,
    )

    @api.model
    def _kam_group_shares(self, domain, group_domains):
        """Shares of a group from its totals, not the mean of its lines'.

        A group's actual share is its hours over the counted hours of the
        KAMs in it; its reference the mean over those KAMs of the reference
        shares of its activities (so a KAM's row, and the total, are 100 %).
        """
        # One read of the lines (a wizard's few); groups matched in memory.
        lines = self.search(domain)
        totals = defaultdict(float)
        for line in lines:
            totals[line.user_id.id] += line.hours
        shares = []
        for group_domain in group_domains:
            members = lines.filtered_domain(group_domain)
            users = set(members.user_id.ids)
            counted = sum(totals[user] for user in users)
            actual = sum(members.mapped("hours")) / counted * 100.0 if counted else 0.0
            reference = (
                sum(members.mapped("reference_pct")) / len(users) if users else 0.0
            )
            shares.append(
                {
                    "actual_pct": actual,
                    "reference_pct": reference,
                    "difference": actual - reference,
                }
            )
        return shares
