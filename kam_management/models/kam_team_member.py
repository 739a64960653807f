from odoo import fields, models

FUNCTIONS = [
    ("sales", "Sales"),
    ("marketing", "Marketing"),
    ("operations", "Operations"),
    ("finance", "Finance"),
    ("logistics", "Logistics"),
    ("other", "Other"),
]


class KamTeamMember(models.Model):
    """An internal person serving one key account together with its KAM."""

    _name = "kam.team.member"
    _description = "Key Account Team Member"
    _order = "account_id, function, id"

    account_id = fields.Many2one(
        "kam.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Member",
        required=True,
        domain="[('share', '=', False)]",
    )
    function = fields.Selection(
        FUNCTIONS, string="Internal Function", required=True, default="sales"
    )
    note = fields.Char(string="Responsibility")

    _sql_constraints = [
        (
            "account_user_unique",
            "unique(account_id, user_id)",
            "A person can only be once in the team of an account.",
        )
    ]
