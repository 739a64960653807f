from odoo import api, fields, models
from odoo.exceptions import UserError

from .kam_account import PARETO_CLASSES


class ResPartner(models.Model):
    _inherit = "res.partner"

    kam_account_ids = fields.One2many(
        "kam.account",
        "partner_id",
        string="Key Account Records",
        groups="kam_management.group_kam_user",
    )
    kam_account_id = fields.Many2one(
        "kam.account",
        groups="kam_management.group_kam_user",
        string="Key Account Record",
        compute="_compute_kam_account_id",
        help="This customer's key-account record in the current company.",
    )
    is_key_account = fields.Boolean(
        groups="kam_management.group_kam_user",
        string="Key Account",
        compute="_compute_kam_account_id",
        search="_search_is_key_account",
    )
    kam_user_id = fields.Many2one(
        "res.users",
        groups="kam_management.group_kam_user",
        string="Key Account Manager",
        compute="_compute_kam_account_id",
        search="_search_kam_user_id",
    )
    kam_pareto_class = fields.Selection(
        groups="kam_management.group_kam_user",
        selection=PARETO_CLASSES,
        string="Pareto Class",
        compute="_compute_kam_account_id",
    )

    @api.depends_context("company")
    @api.depends(
        "kam_account_ids.company_id",
        "kam_account_ids.is_key_account",
        "kam_account_ids.kam_user_id",
        "kam_account_ids.pareto_class",
    )
    def _compute_kam_account_id(self):
        accounts = self.env["kam.account"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {account.partner_id: account for account in accounts}
        for partner in self:
            account = by_partner.get(
                partner.commercial_partner_id, self.env["kam.account"]
            )
            partner.kam_account_id = account
            partner.is_key_account = account.is_key_account
            partner.kam_user_id = account.kam_user_id
            partner.kam_pareto_class = account.pareto_class

    def _search_is_key_account(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Key Account."))
        positive = (operator == "=") == bool(value)
        accounts = self.env["kam.account"]._search(
            [
                ("is_key_account", "=", True),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        domain_op = "in" if positive else "not in"
        return [("commercial_partner_id", domain_op, accounts.subselect("partner_id"))]

    def _search_kam_user_id(self, operator, value):
        accounts = self.env["kam.account"]._search(
            [
                ("kam_user_id", operator, value),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        return [("commercial_partner_id", "in", accounts.subselect("partner_id"))]

    def action_open_kam_account(self):
        """Open (or, for a director, create) this customer's key-account record."""
        self.ensure_one()
        partner = self.commercial_partner_id
        account = self.kam_account_id
        if not account:
            if not self.env.user.has_group("kam_management.group_kam_manager"):
                raise UserError(
                    self.env._(
                        "%(partner)s is not a key account of %(company)s yet; "
                        "ask a Key Account Director to nominate it.",
                        partner=partner.display_name,
                        company=self.env.company.name,
                    )
                )
            account = self.env["kam.account"].create(
                {"partner_id": partner.id, "company_id": self.env.company.id}
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "kam.account",
            "res_id": account.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
