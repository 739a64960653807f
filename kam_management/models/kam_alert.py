"""Alerts: a condition of a key account found by an alert rule.

The evaluation is set-based: each rule reads the conditions of all the
accounts at once; the alerts are then created, kept or resolved in batches.
An alert is *live* (``condition_active``) while its condition holds: the
same condition never raises a second alert while it lasts, even after the
owner dismissed or resolved the first; once the condition is gone, the
alert is closed (resolved automatically if still open) and the condition
coming back raises a new alert.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..compat import sql_constraints
from .kam_alert_rule import RULE_TYPES, SEVERITIES, group_accounts_by_rule

ALERT_STATES = [
    ("open", "Open"),
    ("resolved", "Resolved"),
    ("dismissed", "Dismissed"),
]
ALERT_ACTIVITY = "kam_management.mail_activity_type_kam_alert"
# Days the owner has to act, by severity.
DEADLINE_DAYS = {"high": 0, "medium": 3, "low": 7}
SEVERITY_WEIGHT = {"high": 3, "medium": 2, "low": 1}
DIRECTOR_GROUP = "kam_management.group_kam_manager"


@sql_constraints(
    (
        "dismissed_reason",
        "CHECK(state != 'dismissed' OR resolution_note IS NOT NULL)",
        "A dismissed alert needs a reason.",
    ),
)
class KamAlert(models.Model):
    _name = "kam.alert"
    _description = "Key Account Alert"
    _inherit = ["kam.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, severity_sequence desc, date_raised desc, id desc"
    _check_company_auto = True
    _kam_recheck_fields = ("account_id", "company_id")
    # Everything is set by the evaluation; users only dismiss or resolve,
    # through the buttons.
    _kam_system_fields = (
        "name",
        "account_id",
        "rule_id",
        "severity",
        "owner_id",
        "condition_key",
        "condition_active",
        "res_model",
        "res_id",
        "state",
        "date_raised",
        "date_closed",
        "closed_by_id",
        "resolution_note",
    )

    name = fields.Char(string="Alert", required=True, readonly=True)
    account_id = fields.Many2one(
        "kam.account",
        string="Key Account",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="account_id.partner_id", string="Customer", compute_sudo=False
    )
    kam_user_id = fields.Many2one(
        related="account_id.kam_user_id",
        store=True,
        index=True,
        string="Key Account Manager",
    )
    rule_id = fields.Many2one(
        "kam.alert.rule",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        context={"active_test": False},
    )
    rule_type = fields.Selection(
        related="rule_id.rule_type", string="Condition", store=True, index=True
    )
    severity = fields.Selection(
        SEVERITIES, required=True, readonly=True, index=True, tracking=True
    )
    severity_sequence = fields.Integer(compute="_compute_sequences", store=True)
    owner_id = fields.Many2one("res.users", readonly=True, index=True, tracking=True)
    condition_key = fields.Char(
        required=True,
        readonly=True,
        index=True,
        help="Names the condition (rule, account and object): the same "
        "condition never raises a second alert while it lasts.",
    )
    condition_active = fields.Boolean(
        string="Condition Holds",
        readonly=True,
        default=True,
        index=True,
        help="The condition still held at the last check.",
    )
    res_model = fields.Char(string="Object Model", readonly=True)
    res_id = fields.Integer(string="Object", readonly=True)
    state = fields.Selection(
        ALERT_STATES,
        required=True,
        default="open",
        readonly=True,
        index=True,
        tracking=True,
    )
    state_sequence = fields.Integer(compute="_compute_sequences", store=True)
    date_raised = fields.Datetime(
        string="Raised on", readonly=True, default=fields.Datetime.now
    )
    date_closed = fields.Datetime(string="Closed on", readonly=True)
    closed_by_id = fields.Many2one("res.users", string="Closed by", readonly=True)
    resolution_note = fields.Text(
        string="Resolution",
        readonly=True,
        help="Why the alert was dismissed, or how it was resolved.",
    )
    can_close = fields.Boolean(compute="_compute_can_close")

    def init(self):
        # The same condition never has two live alerts.
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS kam_alert_live_condition_uniq
                   ON kam_alert (condition_key) WHERE condition_active"""
        )

    @api.depends("state", "severity")
    def _compute_sequences(self):
        for alert in self:
            alert.state_sequence = 0 if alert.state == "open" else 1
            alert.severity_sequence = SEVERITY_WEIGHT.get(alert.severity, 0)

    @api.depends_context("uid")
    @api.depends("owner_id", "account_id.kam_user_id", "state")
    def _compute_can_close(self):
        is_director = self.env.user.has_group(DIRECTOR_GROUP)
        for alert in self:
            alert.can_close = alert.state == "open" and (
                is_director
                or self.env.user in (alert.owner_id | alert.account_id.kam_user_id)
            )

    # ------------------------------------------------------------------
    # No alert by hand
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # Alerts are what the rules find, not free text: concerns of a
            # person go to the chatter, activities and moments of truth.
            raise AccessError(
                self.env._(
                    "Alerts are raised by the alert rules only; write your "
                    "concern in the account's chatter or schedule an activity."
                )
            )
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Dismiss and resolve (the owner, the account's KAM or a director)
    # ------------------------------------------------------------------
    def _check_can_close(self):
        self.check_access("write")
        for alert in self:
            if alert.state != "open":
                raise UserError(
                    self.env._(
                        "The alert %(alert)s is already closed.", alert=alert.name
                    )
                )
            if not alert.can_close:
                raise AccessError(
                    self.env._(
                        "Only the owner of the alert, the account's Key Account "
                        "Manager or a Key Account Director can close %(alert)s.",
                        alert=alert.name,
                    )
                )

    def action_resolve(self, note=False):
        self._check_can_close()
        self._kam_close("resolved", note or False)
        return True

    def action_dismiss(self):
        """Open the wizard that asks for the reason."""
        self._check_can_close()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dismiss Alert"),
            "res_model": "kam.alert.dismiss",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_alert_ids": self.ids},
        }

    def _kam_dismiss(self, reason):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Say why the alert is dismissed: a reason is required.")
            )
        self._check_can_close()
        self._kam_close("dismissed", reason)
        return True

    def _kam_close(self, state, note, user=None):
        """Close the alerts and their activities (the addon's own write)."""
        if not self:
            return
        # sudo: the state is the application's; the caller checked who asks.
        self.sudo().write(
            {
                "state": state,
                "date_closed": fields.Datetime.now(),
                "closed_by_id": (user or self.env.user).id,
                "resolution_note": note,
            }
        )
        # sudo: the activity is the owner's; closing the alert ends it.
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ALERT_ACTIVITY)
        )
        if activities:
            activities.action_feedback(feedback=note or False)

    def action_open_object(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return self.account_id.get_formview_action()
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(self.env._("The object of this alert no longer exists."))
        record.check_access("read")
        return record.get_formview_action()

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    @api.model
    def _cron_evaluate_alerts(self):
        """Daily: evaluate every rule for every key account."""
        return self._kam_evaluate()

    @api.model
    def _kam_evaluate(self, accounts=None):
        """Raise, keep and resolve the alerts of ``accounts`` (all key
        accounts when None). Runs with superuser rights: the caller checked
        the user may see the accounts.

        :return: the new alerts
        """
        alert_model = self.sudo()
        account_model = alert_model.env["kam.account"]
        today = fields.Date.context_today(self)
        if accounts is None:
            accounts = account_model.search([("is_key_account", "=", True)])
            scope = [("condition_active", "=", True)]
        else:
            accounts = accounts.sudo().filtered("is_key_account")
            scope = [
                ("condition_active", "=", True),
                ("account_id", "in", accounts.ids),
            ]
        rule_model = alert_model.env["kam.alert.rule"]
        rules_by_company = rule_model._kam_rules_by_company(accounts.company_id)
        rule_types = [key for key, _label in RULE_TYPES]
        rule_types += [
            key
            for key, _label in rule_model._fields["rule_type"].selection
            if key not in rule_types
        ]
        found = {}
        for rule, rule_accounts in group_accounts_by_rule(
            accounts, rules_by_company, rule_types
        ).items():
            for condition in rule._kam_find_conditions(rule_accounts, today):
                key = f"{rule.rule_type}:{condition['account_id']}:{condition['key']}"
                found[key] = (rule, condition)
        live = alert_model.search(scope)
        live_keys = set(live.mapped("condition_key"))
        gone = live.filtered(lambda a: a.condition_key not in found)
        gone.write({"condition_active": False})
        gone.filtered(lambda a: a.state == "open")._kam_close(
            "resolved",
            self.env._("Resolved automatically: the condition is gone."),
            user=self.env.ref("base.user_root"),
        )
        (live - gone)._kam_follow_kam()
        new = {key: value for key, value in found.items() if key not in live_keys}
        return alert_model._kam_raise(new, today)

    def _kam_owner_to_be(self):
        """Who owns an open alert: its rule's owner, or else the account's KAM."""
        self.ensure_one()
        return self.rule_id.owner_user_id or self.account_id.kam_user_id

    def _kam_follow_kam(self):
        """Open alerts follow their owner: the rule's owner, or else the
        account's KAM. A change of KAM moves them at once (see
        ``kam.account._kam_on_kam_change``); the nightly evaluation catches
        any other change."""
        moved = self.filtered(
            lambda a: a.state == "open" and a.owner_id != a._kam_owner_to_be()
        )
        if not moved:
            return
        alert_type = self.env.ref(ALERT_ACTIVITY)
        today = fields.Date.context_today(self)
        for owner, alerts in moved.grouped(lambda a: a._kam_owner_to_be()).items():
            alerts.write({"owner_id": owner.id})
            activities = alerts.activity_ids.filtered(
                lambda a: a.activity_type_id == alert_type
            )
            if owner:
                # No e-mail per alert: the new owner finds them in their
                # activities (see _kam_raise).
                activities.with_context(mail_activity_quick_update=True).write(
                    {"user_id": owner.id}
                )
                # Raised without an owner: their activity comes now.
                alerts._kam_schedule_activities(today)
            else:
                activities.unlink()

    def _kam_schedule_activities(self, today):
        """The activity of each alert for its owner, unless one is open."""
        with_owner = self.filtered("owner_id")
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            ._kam_schedule_once(
                with_owner,
                ALERT_ACTIVITY,
                {
                    alert.id: {
                        "user_id": alert.owner_id.id,
                        "date_deadline": today
                        + timedelta(days=DEADLINE_DAYS.get(alert.severity, 0)),
                        "summary": alert.name,
                    }
                    for alert in with_owner
                },
            )
        )

    @api.model
    def _kam_raise(self, new, today):
        if not new:
            return self.browse()
        accounts = self.env["kam.account"].browse(
            {condition["account_id"] for _rule, condition in new.values()}
        )
        vals_list = []
        for key, (rule, condition) in new.items():
            account = accounts.browse(condition["account_id"])
            owner = rule.owner_user_id or account.kam_user_id
            lang = owner.lang or self.env.lang
            vals_list.append(
                {
                    "name": rule.with_context(lang=lang)._kam_condition_text(
                        condition, account.company_id
                    ),
                    "account_id": account.id,
                    "rule_id": rule.id,
                    "severity": rule.severity,
                    "owner_id": owner.id,
                    "condition_key": key,
                    "res_model": condition.get("res_model"),
                    "res_id": condition.get("res_id"),
                }
            )
        alerts = self.with_context(mail_create_nolog=True).create(vals_list)
        # The owner finds the alert in their activities; no e-mail per alert
        # (a night can raise hundreds: one notification each was 90% of the
        # pass's time and a flood of mail).
        alerts._kam_schedule_activities(today)
        return alerts

    @api.model
    def _kam_open_counts(self, accounts):
        """``{account id: {severity: open alerts}}`` (for the scorecard)."""
        groups = self._read_group(
            [("account_id", "in", accounts.ids), ("state", "=", "open")],
            ["account_id", "severity"],
            ["__count"],
        )
        result = {}
        for account, severity, count in groups:
            result.setdefault(account.id, {})[severity] = count
        return result
