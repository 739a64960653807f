from datetime import timedelta

from odoo import api, fields, models

# Stored coverage fields, all computed by ``_compute_coverage``.
COVERAGE_FIELDS = (
    "coverage_no_decision_maker",
    "coverage_no_dm_relationship",
    "coverage_single_threaded",
    "coverage_stale_count",
    "coverage_gap_count",
)
# From this strength on, a relationship with a decision maker counts.
STRONG_RELATIONSHIP = 3


class KamAccount(models.Model):
    """The buying centre of a key account and the gaps in our coverage of it."""

    # Kept apart from the other extensions on purpose (one file per feature).
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.account"

    buying_role_ids = fields.One2many(
        "kam.buying.role", "account_id", string="Buying Centre"
    )
    buying_role_count = fields.Integer(
        string="Buying Centre Contacts", compute="_compute_buying_role_count"
    )
    coverage_no_decision_maker = fields.Boolean(
        string="No Decision Maker",
        compute="_compute_coverage",
        store=True,
        help="Nobody in the buying centre has the decision maker role.",
    )
    coverage_no_dm_relationship = fields.Boolean(
        string="No Decision Maker Relationship",
        compute="_compute_coverage",
        store=True,
        help="No decision maker with a relationship of strength 3 or more.",
    )
    coverage_single_threaded = fields.Boolean(
        string="Single-Threaded",
        compute="_compute_coverage",
        store=True,
        help="Fewer than two contacts in the buying centre: the relationship "
        "hangs on one thread.",
    )
    coverage_stale_count = fields.Integer(
        string="Stale Key Contacts",
        compute="_compute_coverage",
        store=True,
        help="Decision makers, influencers and people of high influence without "
        "any interaction within the stale contact delay of the settings. "
        "Recomputed every day and when the buying centre changes.",
    )
    coverage_gap_count = fields.Integer(
        string="Coverage Gaps",
        compute="_compute_coverage",
        store=True,
        help="Number of coverage warnings of this key account.",
    )
    coverage_warning = fields.Text(compute="_compute_coverage_warning")

    def _kam_get_system_fields(self):
        # Computed from the buying centre: nobody hides a coverage warning.
        return super()._kam_get_system_fields() | set(COVERAGE_FIELDS)

    def _compute_buying_role_count(self):
        groups = self.env["kam.buying.role"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.buying_role_count = counts.get(account.id, 0)

    @api.depends(
        "is_key_account",
        "company_id.kam_stale_contact_days",
        "buying_role_ids.partner_id",
        "buying_role_ids.is_decision_maker",
        "buying_role_ids.is_key_contact",
        "buying_role_ids.relationship_strength",
    )
    def _compute_coverage(self):
        roles = self.buying_role_ids.filtered("is_key_contact")
        last_dates = roles._last_interaction_dates()
        now = fields.Datetime.now()
        for account in self:
            if not account.is_key_account:
                account.coverage_no_decision_maker = False
                account.coverage_no_dm_relationship = False
                account.coverage_single_threaded = False
                account.coverage_stale_count = 0
                account.coverage_gap_count = 0
                continue
            account_roles = account.buying_role_ids
            decision_makers = account_roles.filtered("is_decision_maker")
            limit = now - timedelta(days=account.company_id.kam_stale_contact_days)
            stale = account_roles.filtered(
                lambda r, limit=limit: (
                    r.is_key_contact and (r not in last_dates or last_dates[r] < limit)
                )
            )
            account.coverage_no_decision_maker = not decision_makers
            account.coverage_no_dm_relationship = not any(
                r.relationship_strength >= STRONG_RELATIONSHIP for r in decision_makers
            )
            account.coverage_single_threaded = len(account_roles) < 2
            account.coverage_stale_count = len(stale)
            account.coverage_gap_count = sum(
                (
                    account.coverage_no_decision_maker,
                    account.coverage_no_dm_relationship,
                    account.coverage_single_threaded,
                    bool(stale),
                )
            )

    @api.depends(*COVERAGE_FIELDS, "company_id.kam_stale_contact_days")
    def _compute_coverage_warning(self):
        for account in self:
            lines = []
            if account.coverage_no_decision_maker:
                lines.append(
                    self.env._("No decision maker identified in the buying centre.")
                )
            if account.coverage_no_dm_relationship:
                lines.append(
                    self.env._(
                        "No relationship of strength %(strength)s or more with a "
                        "decision maker.",
                        strength=STRONG_RELATIONSHIP,
                    )
                )
            if account.coverage_single_threaded:
                lines.append(
                    self.env._(
                        "Single-threaded: fewer than two contacts in the buying centre."
                    )
                )
            if account.coverage_stale_count:
                lines.append(
                    self.env._(
                        "%(count)s key contact(s) without any interaction in the "
                        "last %(days)s days.",
                        count=account.coverage_stale_count,
                        days=account.company_id.kam_stale_contact_days,
                    )
                )
            account.coverage_warning = "\n".join(lines) or False

    # ------------------------------------------------------------------
    # Recompute of the time-dependent warnings
    # ------------------------------------------------------------------
    def _kam_refresh_coverage(self):
        """Queue the recompute of the coverage warnings of ``self``."""
        accounts = self.filtered("id")
        for fname in COVERAGE_FIELDS:
            self.env.add_to_compute(self._fields[fname], accounts)
        return accounts

    @api.model
    def _cron_update_coverage(self):
        """Daily: contacts go stale with time, so recompute the warnings."""
        accounts = self.search([("is_key_account", "=", True)])
        accounts._kam_refresh_coverage()
        accounts.flush_recordset(list(COVERAGE_FIELDS))
        return True

    def action_view_buying_centre(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_buying_role_map"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        action["display_name"] = self.env._(
            "Buying Centre of %(account)s", account=self.display_name
        )
        return action
