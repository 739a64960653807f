"""The alerts of a key account, and how old the inputs of its position are."""

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models


class KamAccount(models.Model):
    # Kept apart from the other extensions on purpose (one file per feature).
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.account"

    alert_ids = fields.One2many("kam.alert", "account_id", string="Alerts")
    open_alert_ids = fields.One2many(
        "kam.alert",
        "account_id",
        string="Alerts to Act on",
        domain=[("state", "=", "open")],
    )
    open_alert_count = fields.Integer(
        string="Open Alerts", compute="_compute_open_alert_count"
    )
    position_inputs_date = fields.Date(
        string="Position Assessed on",
        compute="_compute_position_inputs_age",
        help="Date of the oldest of the latest assessments of each criterion: "
        "the supplier position is no fresher than this.",
    )
    position_inputs_age_months = fields.Integer(
        string="Position Inputs Age (months)",
        compute="_compute_position_inputs_age",
        help="How old the inputs of the supplier position are, in months.",
    )
    position_inputs_stale = fields.Boolean(
        string="Stale Position",
        compute="_compute_position_inputs_age",
        help="The latest assessment of at least one criterion is older than the "
        "months of the stale assessment alert rule.",
    )

    def _compute_open_alert_count(self):
        counts = self.env["kam.alert"]._kam_open_counts(self)
        for account in self:
            account.open_alert_count = sum(counts.get(account.id, {}).values())

    @api.depends("assessment_ids.date", "assessment_ids.criterion_id")
    def _compute_position_inputs_age(self):
        groups = self.env["kam.position.assessment"]._read_group(
            [("account_id", "in", self._origin.ids)],
            ["account_id", "criterion_id"],
            ["date:max"],
        )
        oldest = {}
        for account, _criterion, last in groups:
            oldest[account.id] = min(last, oldest.get(account.id, last))
        months = self.env["kam.position.assessment"]._kam_stale_months(self.company_id)
        today = fields.Date.context_today(self)
        for account in self:
            date = oldest.get(account._origin.id)
            account.position_inputs_date = date
            if not date:
                account.position_inputs_age_months = 0
                account.position_inputs_stale = False
                continue
            age = relativedelta(today, date)
            account.position_inputs_age_months = age.years * 12 + age.months
            limit = today - relativedelta(months=months[account.company_id])
            account.position_inputs_stale = date < limit

    def _kam_on_kam_change(self, former_kams):
        """The open alerts and their activities follow the account to its new
        KAM at once, before the former KAM's access is revoked."""
        # sudo: the owner of an alert is the application's; the caller
        # changed the KAM, which decides it.
        self.env["kam.alert"].sudo().search(
            [("account_id", "in", self.ids), ("state", "=", "open")]
        )._kam_follow_kam()
        return super()._kam_on_kam_change(former_kams)

    def action_check_alerts(self):
        """Evaluate the alert rules for these accounts now."""
        self.check_access("read")
        new = self.env["kam.alert"]._kam_evaluate(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not new else "warning",
                "message": self.env._(
                    "Alerts checked: %(count)s new alert(s).", count=len(new)
                ),
                # The form shows the new count and alerts.
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_alerts(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_alert"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_open": 1, "create": False}
        return action
