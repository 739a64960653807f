"""The portfolio workbook's options: company, period, KAMs, quadrants, tiers."""

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.addons.kam_management.models.kam_guard import check_date
from odoo.exceptions import UserError


class KamPortfolioReportWizard(models.TransientModel):
    """Each user's own (record rule): its values are checked as the addon's
    records are (types, dates within the product's years, readable links)."""

    _name = "kam.portfolio.report.wizard"
    _inherit = ["kam.guard.mixin"]
    _description = "Key Account Portfolio Workbook"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    kam_user_ids = fields.Many2many(
        "res.users",
        string="KAMs",
        help="Only the key accounts of these KAMs; empty: all.",
    )
    account_ids = fields.Many2many(
        "kam.account",
        string="Key Accounts",
        help="Only these accounts (the ones selected when printing from a "
        "list); empty: all.",
    )
    quadrant_invest = fields.Boolean(string="Invest", default=True)
    quadrant_selective = fields.Boolean(string="Selective Investment", default=True)
    quadrant_maintain = fields.Boolean(string="Maintain", default=True)
    quadrant_milk = fields.Boolean(string="Milk", default=True)
    tier_strategic = fields.Boolean(string="Strategic", default=True)
    tier_key = fields.Boolean(string="Key", default=True)
    tier_development = fields.Boolean(string="Development", default=True)

    @api.model
    def _default_date_from(self):
        today = fields.Date.context_today(self)
        return today - relativedelta(months=12) + relativedelta(days=1)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "kam.account" and "account_ids" in (
            fields_list
        ):
            accounts = self.env["kam.account"].browse(
                self.env.context.get("active_ids") or []
            )
            if not accounts:
                raise UserError(self.env._("Select the key accounts to print."))
            # The accounts were listed for the user: this reads them with the
            # user's rights (an account the user may not see is refused).
            accounts.check_access("read")
            values["account_ids"] = [fields.Command.set(accounts.ids)]
            if len(accounts.company_id) == 1:
                values["company_id"] = accounts.company_id.id
        return values

    def _selected(self, prefix, keys):
        chosen = [key for key in keys if self[f"{prefix}_{key}"]]
        return None if len(chosen) == len(keys) else chosen

    def _portfolio_data(self):
        """The workbook's figures, read with the user's rights."""
        self.ensure_one()
        self._check_dates()
        accounts = self.account_ids
        if accounts and accounts.company_id - self.company_id:
            raise UserError(
                self.env._(
                    "The selected key accounts belong to another company than "
                    "%(company)s.",
                    company=self.company_id.display_name,
                )
            )
        return self.env["kam.portfolio.data"]._portfolio(
            self.company_id,
            self.date_from,
            self.date_to,
            kam_users=self.kam_user_ids,
            quadrants=self._selected(
                "quadrant", ("invest", "selective", "maintain", "milk")
            ),
            tiers=self._selected("tier", ("strategic", "key", "development")),
            accounts=accounts,
        )

    def _check_dates(self):
        """The period's dates, named by their fields (also those stored
        before the dates were checked)."""
        for wizard in self:
            for fname in ("date_from", "date_to"):
                if wizard[fname]:
                    check_date(
                        self.env,
                        wizard[fname],
                        self._fields[fname]._description_string(self.env),
                    )

    def _check_options(self):
        """The bad inputs, refused before the download starts."""
        self._check_dates()
        for wizard in self:
            self.env["kam.portfolio.data"]._check_params(
                wizard.company_id,
                wizard.date_from,
                wizard.date_to,
                wizard._selected(
                    "quadrant", ("invest", "selective", "maintain", "milk")
                ),
                wizard._selected("tier", ("strategic", "key", "development")),
            )

    def action_print_xlsx(self):
        self._check_options()
        # A workbook needs no PDF layout (config=False: no "Configure your
        # document layout" first), and the dialog closes once it downloads.
        action = self.env.ref(
            "kam_reports.action_report_kam_portfolio_xlsx"
        ).report_action(self, config=False)
        action["close_on_report_download"] = True
        return action

    def _render_xlsx(self):
        """The workbook's bytes (for the mailing and the tests)."""
        self._check_options()
        content, _kind = self.env["ir.actions.report"]._render_xlsx(
            "kam_reports.portfolio_xlsx", self.ids, {}
        )
        return content
