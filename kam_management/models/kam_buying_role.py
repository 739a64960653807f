import operator
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..compat import sql_constraints
from .kam_decision_role import DECISION_MAKER, INFLUENCER
from .kam_guard import is_internal_user_of

INFLUENCE_LEVELS = [("high", "High"), ("medium", "Medium"), ("low", "Low")]
ATTITUDES = [
    ("champion", "Champion"),
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("sceptic", "Sceptic"),
    ("opponent", "Opponent"),
]
# Messages that are an exchange with a person (not a log of field changes).
INTERACTION_MESSAGE_TYPES = ("comment", "email")
# The interests and motivations: only the account's KAM, team and directors.
CONFIDENTIAL_GROUP = "kam_management.group_kam_user"
SEARCH_OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}


@sql_constraints(
    (
        "account_partner_unique",
        "unique(account_id, partner_id)",
        "A contact has one buying role per key account: give it several "
        "decision roles instead.",
    ),
)
class KamBuyingRole(models.Model):
    """A person of the customer who takes part in its purchase decisions.

    One record per contact and key account: the roles the person plays in the
    buying centre, their influence and attitude towards us, the strength of our
    relationship and who on our side owns it, and what moves them (business and
    personal interests, recognition, how their performance is measured).
    """

    _name = "kam.buying.role"
    _description = "Buying Centre Role"
    _inherit = ["kam.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _kam_recheck_fields = ("account_id", "company_id")
    _rec_name = "partner_id"
    _order = "account_id, is_decision_maker desc, relationship_strength desc, id"

    account_id = fields.Many2one(
        "kam.account",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    account_partner_id = fields.Many2one(
        related="account_id.partner_id", string="Customer", compute_sudo=False
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('is_company', '=', False), "
        "('commercial_partner_id', '=', account_partner_id)]",
        help="A person of the customer (a contact of its company).",
    )
    contact_name = fields.Char(related="partner_id.name", string="Name")
    function = fields.Char(related="partner_id.function", string="Job Position")
    active = fields.Boolean(
        default=True,
        help="Archived when the contact left the customer: the role then no "
        "longer counts in the buying centre and its coverage.",
    )
    left_customer = fields.Boolean(
        string="Left the Customer", readonly=True, tracking=True, copy=False
    )
    date_left = fields.Date(string="Left on", readonly=True, copy=False)
    successor_id = fields.Many2one(
        "kam.buying.role",
        string="Replaced by",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The buying role of the person who took over from this contact.",
    )
    predecessor_ids = fields.One2many(
        "kam.buying.role",
        "successor_id",
        string="Replaces",
        context={"active_test": False},
        help="The contacts who left the customer and whose role this person took over.",
    )
    avatar_128 = fields.Image(related="partner_id.avatar_128")
    role_ids = fields.Many2many(
        "kam.decision.role",
        "kam_buying_role_decision_role_rel",
        "buying_role_id",
        "decision_role_id",
        string="Decision Roles",
        help="The parts this person plays in the purchase decision; one person "
        "can play several.",
    )
    influence = fields.Selection(
        INFLUENCE_LEVELS, required=True, default="medium", tracking=True
    )
    attitude = fields.Selection(
        ATTITUDES,
        string="Attitude towards Us",
        required=True,
        default="neutral",
        tracking=True,
        group_expand=True,
    )
    relationship_strength = fields.Integer(
        required=True,
        default=1,
        tracking=True,
        aggregator="avg",
        help="Strength of our relationship with this person, from 1 (very weak) "
        "to 5 (very strong).",
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Relationship Owner",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        help="The person on our side who owns the relationship: relationships "
        "should cross functions on both sides, not only KAM to buyer.",
    )
    reports_to_id = fields.Many2one(
        "kam.buying.role",
        index=True,
        ondelete="set null",
        domain="[('account_id', '=', account_id), ('id', '!=', id)]",
        tracking=True,
    )
    subordinate_ids = fields.One2many(
        "kam.buying.role", "reports_to_id", string="Direct Reports"
    )
    business_interests = fields.Text(
        groups=CONFIDENTIAL_GROUP,
        help="What this person wants for their company and their department.",
    )
    personal_interests = fields.Text(
        groups=CONFIDENTIAL_GROUP,
        help="What this person wants for themselves (career, workload, image...).",
    )
    recognition = fields.Text(
        string="Recognition Sought",
        groups=CONFIDENTIAL_GROUP,
        help="How this person wants to be recognised, and by whom.",
    )
    performance_measures = fields.Text(
        groups=CONFIDENTIAL_GROUP,
        help="How this person's own performance is measured.",
    )
    is_decision_maker = fields.Boolean(
        compute="_compute_decision_flags", store=True, index=True
    )
    is_key_contact = fields.Boolean(
        compute="_compute_decision_flags",
        store=True,
        help="Decision makers, influencers and people of high influence: their "
        "relationship must be kept alive.",
    )
    last_interaction = fields.Datetime(
        compute="_compute_last_interaction",
        search="_search_last_interaction",
        help="Latest of: messages and logged notes on the contact or written by "
        "them, messages on the key account addressed to them, messages and done "
        "activities on this buying role, and past meetings they attended.",
    )
    days_since_interaction = fields.Integer(compute="_compute_last_interaction")
    interaction_overdue = fields.Boolean(
        string="No Recent Interaction",
        compute="_compute_last_interaction",
        search="_search_interaction_overdue",
        help="No interaction within the number of days set in the Key Accounts "
        "settings (stale contact delay).",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id.name")
    def _compute_display_name(self):
        # The customer is given by the account: the person's name is enough.
        for role in self:
            role.display_name = role.partner_id.name or ""

    @api.depends("role_ids.code", "influence")
    def _compute_decision_flags(self):
        for role in self:
            codes = set(role.role_ids.mapped("code"))
            role.is_decision_maker = DECISION_MAKER in codes
            role.is_key_contact = bool(
                codes & {DECISION_MAKER, INFLUENCER} or role.influence == "high"
            )

    @api.depends("partner_id", "account_id", "company_id.kam_stale_contact_days")
    def _compute_last_interaction(self):
        dates = self._last_interaction_dates()
        now = fields.Datetime.now()
        for role in self:
            last = dates.get(role, False)
            role.last_interaction = last
            role.days_since_interaction = (now - last).days if last else 0
            role.interaction_overdue = role._is_overdue(last, now)

    def _is_overdue(self, last, now):
        self.ensure_one()
        days = self.company_id.kam_stale_contact_days or 0
        return not last or last < now - timedelta(days=days)

    def _last_interaction_dates(self):
        """Latest interaction with the person of each role: ``{role: datetime}``.

        One query per source for the whole recordset, whatever its size.
        Roles without any interaction are left out.
        """
        roles = self.filtered("partner_id")
        if not roles:
            return {}
        partner_ids = sorted({pid for pid in roles.partner_id._origin.ids if pid})
        role_ids = [rid for rid in roles._origin.ids if rid]
        account_ids = [aid for aid in roles.account_id._origin.ids if aid]
        self.env["mail.message"].flush_model(
            [
                "model",
                "res_id",
                "message_type",
                "mail_activity_type_id",
                "date",
                "author_id",
                "partner_ids",
            ]
        )
        self.env["calendar.event"].flush_model(["start", "active"])
        self.env["calendar.attendee"].flush_model(["partner_id", "event_id", "state"])
        exchange = SQL(
            "(m.message_type IN %s OR m.mail_activity_type_id IS NOT NULL)",
            INTERACTION_MESSAGE_TYPES,
        )
        by_partner = defaultdict(list)
        by_role = {}
        by_account_partner = {}
        if partner_ids:
            # Messages, notes and done activities on the contact itself.
            for partner_id, date in self.env.execute_query(
                SQL(
                    """SELECT m.res_id, MAX(m.date) FROM mail_message m
                        WHERE m.model = 'res.partner' AND m.res_id = ANY(%s)
                          AND %s
                     GROUP BY m.res_id""",
                    partner_ids,
                    exchange,
                )
            ):
                by_partner[partner_id].append(date)
            # Messages written by the contact, on any document.
            for partner_id, date in self.env.execute_query(
                SQL(
                    """SELECT m.author_id, MAX(m.date) FROM mail_message m
                        WHERE m.author_id = ANY(%s) AND m.message_type IN %s
                     GROUP BY m.author_id""",
                    partner_ids,
                    INTERACTION_MESSAGE_TYPES,
                )
            ):
                by_partner[partner_id].append(date)
            # Meetings the contact attended (declined invitations left out).
            for partner_id, date in self.env.execute_query(
                SQL(
                    """SELECT a.partner_id, MAX(e.start)
                         FROM calendar_attendee a
                         JOIN calendar_event e ON e.id = a.event_id
                        WHERE a.partner_id = ANY(%s) AND e.active
                          AND e.start <= %s
                          AND a.state IS DISTINCT FROM 'declined'
                     GROUP BY a.partner_id""",
                    partner_ids,
                    fields.Datetime.now(),
                )
            ):
                by_partner[partner_id].append(date)
        if role_ids:
            # The relationship's own chatter: messages, notes, done activities.
            by_role = dict(
                self.env.execute_query(
                    SQL(
                        """SELECT m.res_id, MAX(m.date) FROM mail_message m
                            WHERE m.model = %s AND m.res_id = ANY(%s) AND %s
                         GROUP BY m.res_id""",
                        self._name,
                        role_ids,
                        exchange,
                    )
                )
            )
        if account_ids and partner_ids:
            # Messages on the key account addressed to the contact.
            for account_id, partner_id, date in self.env.execute_query(
                SQL(
                    """SELECT m.res_id, rel.res_partner_id, MAX(m.date)
                         FROM mail_message m
                         JOIN mail_message_res_partner_rel rel
                           ON rel.mail_message_id = m.id
                        WHERE m.model = 'kam.account' AND m.res_id = ANY(%s)
                          AND rel.res_partner_id = ANY(%s) AND %s
                     GROUP BY m.res_id, rel.res_partner_id""",
                    account_ids,
                    partner_ids,
                    exchange,
                )
            ):
                by_account_partner[account_id, partner_id] = date
        result = {}
        for role in roles:
            partner_id = role.partner_id._origin.id
            candidates = [
                *by_partner.get(partner_id, ()),
                by_role.get(role._origin.id),
                by_account_partner.get((role.account_id._origin.id, partner_id)),
            ]
            last = max(filter(None, candidates), default=None)
            if last:
                result[role] = last
        return result

    def _search_from_dates(self, keep):
        """Ids of the roles the user can read for which ``keep(role, date)``."""
        roles = self.search([("company_id", "in", self.env.companies.ids)])
        dates = roles._last_interaction_dates()
        return [("id", "in", [r.id for r in roles if keep(r, dates.get(r))])]

    def _search_last_interaction(self, operator_, value):
        if operator_ in ("=", "!=") and not value:
            empty = operator_ == "="
            return self._search_from_dates(lambda _r, date: (not date) == empty)
        compare = SEARCH_OPERATORS.get(operator_)
        if not compare:
            raise UserError(
                self.env._(
                    "Unsupported search on the last interaction: %(operator)s.",
                    operator=operator_,
                )
            )
        limit = fields.Datetime.to_datetime(value)
        return self._search_from_dates(
            lambda _r, date: bool(date) and compare(date, limit)
        )

    def _search_interaction_overdue(self, operator_, value):
        if operator_ not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on No Recent Interaction."))
        wanted = (operator_ == "=") == bool(value)
        now = fields.Datetime.now()
        return self._search_from_dates(
            lambda role, date: role._is_overdue(date, now) == wanted
        )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("partner_id", "account_id")
    def _check_partner(self):
        for role in self:
            customer = role.account_id.partner_id
            contact = role.partner_id
            if contact.is_company:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a company: the buying centre lists the "
                        "people of %(customer)s who take part in its decisions.",
                        contact=contact.display_name,
                        customer=customer.display_name,
                    )
                )
            if contact.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "Cannot add a role on a contact of another company: "
                        "%(contact)s is not a contact of %(customer)s.",
                        contact=contact.display_name,
                        customer=customer.display_name,
                    )
                )

    @api.constrains("relationship_strength")
    def _check_relationship_strength(self):
        for role in self:
            if not 1 <= role.relationship_strength <= 5:
                raise ValidationError(
                    self.env._(
                        "The strength of the relationship with %(contact)s must be "
                        "between 1 (very weak) and 5 (very strong), not "
                        "%(strength)s.",
                        contact=role.partner_id.display_name,
                        strength=role.relationship_strength,
                    )
                )

    @api.constrains("owner_id", "account_id")
    def _check_owner(self):
        for role in self.filtered("owner_id"):
            owner = role.owner_id
            if not is_internal_user_of(owner, role.company_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot own a relationship of %(account)s: only "
                        "internal users of %(company)s can.",
                        user=owner.name,
                        account=role.account_id.sudo().display_name,
                        company=role.company_id.name,
                    )
                )

    @api.constrains("reports_to_id", "account_id")
    def _check_reports_to(self):
        for role in self:
            others = role.subordinate_ids | role.reports_to_id
            stranger = others.filtered(
                lambda r, role=role: r.account_id != role.account_id
            )
            if stranger:
                raise ValidationError(
                    self.env._(
                        "%(contact)s and %(other)s are in the buying centres of "
                        "different key accounts: a reporting line stays within "
                        "one account.",
                        contact=role.partner_id.display_name,
                        other=stranger[0].partner_id.display_name,
                    )
                )
        if self._has_cycle("reports_to_id"):
            raise ValidationError(
                self.env._(
                    "The reporting lines would go round in a circle: someone "
                    "cannot report, directly or not, to themselves."
                )
            )

    # ------------------------------------------------------------------
    # Chatter: a message on the relationship is an interaction
    # ------------------------------------------------------------------
    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        self.account_id._kam_refresh_coverage()
        return result

    # ------------------------------------------------------------------
    # Succession: the contact left the customer
    # ------------------------------------------------------------------
    def action_contact_left(self):
        self.ensure_one()
        if self.left_customer:
            raise UserError(
                self.env._(
                    "%(contact)s has already left the customer.",
                    contact=self.partner_id.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contact Left"),
            "res_model": "kam.buying.role.succession",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_role_id": self.id},
        }

    def _successor_values(self):
        """Values the successor takes over: the part played in the buying
        centre and what the position is measured by, not the personal ties."""
        self.ensure_one()
        values = {
            "role_ids": [(4, role.id) for role in self.role_ids],
            "influence": self.influence,
            "reports_to_id": self.reports_to_id.id,
            "owner_id": self.owner_id.id,
        }
        # The interests belong to the confidential group the wizard's user
        # is in (only KAMs, teams and directors reach this).
        if self.env.user.has_group(CONFIDENTIAL_GROUP):
            values.update(
                {
                    "business_interests": self.business_interests,
                    "performance_measures": self.performance_measures,
                }
            )
        return values
