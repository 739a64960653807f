from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..compat import sql_constraints
from .kam_guard import is_internal_user_of

FUNCTIONS = [
    ("sales", "Sales"),
    ("marketing", "Marketing"),
    ("operations", "Operations"),
    ("finance", "Finance"),
    ("logistics", "Logistics"),
    ("other", "Other"),
]


@sql_constraints(
    (
        "account_user_unique",
        "unique(account_id, user_id)",
        "A person can only be once in the team of an account.",
    ),
)
class KamTeamMember(models.Model):
    """An internal person serving one key account together with its KAM."""

    _name = "kam.team.member"
    _inherit = ["kam.guard.mixin"]
    _description = "Key Account Team Member"
    _order = "account_id, function, id"
    _kam_recheck_fields = ("account_id", "company_id")

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

    @api.constrains("user_id", "account_id")
    def _check_user(self):
        for member in self:
            user = member.user_id
            # sudo: the account's name and KAM, for the message and the check.
            account = member.account_id.sudo()
            if not is_internal_user_of(user, account.company_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot join the account team of %(account)s: "
                        "only internal users of %(company)s can.",
                        user=user.name,
                        account=account.display_name,
                        company=account.company_id.name,
                    )
                )
            if user == account.kam_user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is the Key Account Manager of %(account)s and "
                        "cannot also be a member of its team.",
                        user=user.name,
                        account=account.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Leaving the team: followers and activities go at once
    # ------------------------------------------------------------------
    def _kam_memberships(self):
        """``[(account, user)]`` of these rows (sudo: read before they go)."""
        return [(member.account_id, member.user_id) for member in self.sudo()]

    def _kam_revoke(self, memberships):
        """Whoever of ``memberships`` lost access to the account stops
        following its records and hands their activities to its KAM."""
        Account = self.env["kam.account"]
        for account, user in memberships:
            if account.exists() and user:
                Account.browse(account.id)._kam_revoke_access(user)

    def write(self, vals):
        before = (
            self._kam_memberships()
            if {"user_id", "account_id"}.intersection(vals)
            else []
        )
        res = super().write(vals)
        if before:
            after = set(self._kam_memberships())
            self._kam_revoke([pair for pair in before if pair not in after])
        return res

    def unlink(self):
        memberships = self._kam_memberships()
        res = super().unlink()
        self._kam_revoke(memberships)
        return res
