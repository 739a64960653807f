from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..kam_scoring import ClassificationConfig, config_problems
from ..kam_scoring.scorecard import AREAS, ScorecardConfig, scorecard_problems
from .kam_format import format_number
from .mail_activity_type import TIME_CATEGORIES

MAX_ACCOUNTS_PER_KAM = 1000
# Longest delay of the stale contact and agreement notice settings.
MAX_DAYS = 3650

# Company field holding the weight of each potential component.
WEIGHT_FIELDS = {
    "volume": "kam_weight_volume",
    "growth": "kam_weight_growth",
    "share_of_wallet": "kam_weight_share_of_wallet",
    "profitability": "kam_weight_profitability",
    "objectives_fit": "kam_weight_objectives_fit",
}

# ---- Reference time profile ----
# The reference time profile of a KAM in the documents (% of time).
REFERENCE_PROFILE = {
    "relationships": 20.0,
    "negotiation": 15.0,
    "planning": 5.0,
    "selling": 10.0,
    "problems": 15.0,
    "reporting": 10.0,
    "training": 5.0,
    "team": 10.0,
    "other": 10.0,
}
# Company field holding the reference share of each category.
PROFILE_FIELDS = {key: f"kam_time_ref_{key}" for key, _label in TIME_CATEGORIES}

# ---- Lifetime value ----
CLV_PROBLEMS = ("clv_horizon_out_of_range", "clv_discount_out_of_range")

# ---- Scorecard ----
# Company field holding the weight of each scorecard area.
AREA_WEIGHT_FIELDS = {area: f"kam_health_weight_{area}" for area in AREAS}


class ResCompany(models.Model):
    # The key-account settings' values are checked like the addon's own.
    _name = "res.company"
    _inherit = ["res.company", "kam.own.fields.guard.mixin"]

    kam_window_months = fields.Integer(
        string="Classification Window (months)",
        default=12,
        help="Revenue, frequency and recency are measured over this rolling "
        "window; growth compares it with the previous window of equal length.",
    )
    kam_pareto_a = fields.Float(
        string="Class A up to (%)",
        default=80.0,
        help="Customers whose cumulative revenue share is within this "
        "percentage are class A.",
    )
    kam_pareto_b = fields.Float(string="Class B up to (%)", default=95.0)
    kam_weight_volume = fields.Float(string="Weight: Business Volume", default=30.0)
    kam_weight_growth = fields.Float(string="Weight: Growth", default=20.0)
    kam_weight_share_of_wallet = fields.Float(
        string="Weight: Share of Wallet", default=15.0
    )
    kam_weight_profitability = fields.Float(
        string="Weight: Profitability", default=20.0
    )
    kam_weight_objectives_fit = fields.Float(
        string="Weight: Objectives Fit", default=15.0
    )
    kam_potential_threshold = fields.Float(
        string="High Potential from",
        default=50.0,
        help="Accounts with an account potential (0-100) at or above this "
        "value are high-potential accounts.",
    )
    kam_position_threshold = fields.Float(
        string="Strong Position from",
        default=50.0,
        help="Accounts with a supplier position (0-100) at or above this "
        "value are accounts where our position is strong.",
    )
    kam_auto_nominate = fields.Boolean(
        string="Nominate Class A Customers",
        help="When a customer moves into Pareto class A, the classification "
        "flags it as a key account.",
    )
    kam_max_accounts_per_kam = fields.Integer(string="Key Accounts per KAM", default=4)
    kam_kam_edit_wallet = fields.Boolean(
        string="KAMs Edit the Customer's Yearly Spend",
        help="The customer's yearly spend gives the share of wallet, a component "
        "of the account potential: by default only directors change it.",
    )

    def _kam_classification_config(self):
        """The scoring configuration of this company (pure engine object)."""
        self.ensure_one()
        return ClassificationConfig(
            window_months=self.kam_window_months,
            pareto_a=self.kam_pareto_a,
            pareto_b=self.kam_pareto_b,
            weights={key: self[fname] for key, fname in WEIGHT_FIELDS.items()},
            potential_threshold=self.kam_potential_threshold,
            position_threshold=self.kam_position_threshold,
            clv_horizon_months=self.kam_clv_horizon_months,
            clv_discount_rate=self.kam_clv_discount_rate,
        )

    def _kam_problem_message(self, code, params):
        if code == "clv_horizon_out_of_range":
            return self.env._(
                "The lifetime value horizon must be a whole number of months "
                "from 1 to %(max)s (got %(months)s).",
                max=params["max"],
                months=format_number(self.env, params["months"]),
            )
        if code == "clv_discount_out_of_range":
            return self.env._(
                "The annual discount rate must be between 0 and 100%% (got "
                "%(rate)s%%).",
                rate=format_number(self.env, params["rate"]),
            )
        labels = {
            "volume": self.env._("Business Volume"),
            "growth": self.env._("Growth"),
            "share_of_wallet": self.env._("Share of Wallet"),
            "profitability": self.env._("Profitability"),
            "objectives_fit": self.env._("Objectives Fit"),
            "potential": self.env._("High Potential from"),
            "position": self.env._("Strong Position from"),
        }
        messages = {
            "window_not_positive": self.env._(
                "The classification window must be at least one month (got %(months)s)."
            ),
            "window_too_long": self.env._(
                "The classification window can be at most %(max)s months (got "
                "%(months)s)."
            ),
            "pareto_out_of_range": self.env._(
                "Pareto thresholds must be above 0 and below 100%% (got %(value)s)."
            ),
            "pareto_order": self.env._(
                "The class A threshold (%(a)s%%) must be lower than the class B "
                "threshold (%(b)s%%)."
            ),
            "weight_negative": self.env._(
                "The weight of %(component)s cannot be negative (got %(weight)s)."
            ),
            "weight_too_large": self.env._(
                "The weight of %(component)s can be at most %(max)s (got %(weight)s)."
            ),
            "weights_all_zero": self.env._(
                "At least one account potential weight must be greater than zero."
            ),
            "weight_unknown": self.env._(
                "Unknown account potential component %(component)s."
            ),
            "threshold_out_of_range": self.env._(
                "%(name)s must be between 0 and 100 (got %(value)s)."
            ),
        }
        values = dict(params)
        for key in ("component", "name"):
            if key in values:
                values[key] = labels.get(values[key], values[key])
        for key in ("months", "value", "a", "b", "weight", "max"):
            if key in values:
                # 96.5 reads "96,5" for a Spanish user.
                values[key] = format_number(self.env, values[key])
        return messages[code] % values

    @api.constrains(
        "kam_window_months",
        "kam_pareto_a",
        "kam_pareto_b",
        "kam_potential_threshold",
        "kam_position_threshold",
        "kam_max_accounts_per_kam",
        *WEIGHT_FIELDS.values(),
    )
    def _check_kam_settings(self):
        for company in self:
            problems = config_problems(company._kam_classification_config())
            if problems:
                raise ValidationError(
                    "\n".join(company._kam_problem_message(*p) for p in problems)
                )
            if not 1 <= company.kam_max_accounts_per_kam <= MAX_ACCOUNTS_PER_KAM:
                raise ValidationError(
                    self.env._(
                        "The recommended number of key accounts per KAM must be "
                        "between 1 and %(max)s (got %(count)s).",
                        max=MAX_ACCOUNTS_PER_KAM,
                        count=company.kam_max_accounts_per_kam,
                    )
                )

    # ---- Reference time profile ----
    # The share of time each of the KAM's activities should take (100% in all).

    kam_time_ref_relationships = fields.Float(
        string="Developing Relationships (%)", default=20.0
    )
    kam_time_ref_negotiation = fields.Float(
        string="Negotiation and Internal Coordination (%)", default=15.0
    )
    kam_time_ref_planning = fields.Float(
        string="Industry Knowledge and Strategic Planning (%)", default=5.0
    )
    kam_time_ref_selling = fields.Float(string="Selling (%)", default=10.0)
    kam_time_ref_problems = fields.Float(
        string="Solving Day-to-Day Internal Problems (%)", default=15.0
    )
    kam_time_ref_reporting = fields.Float(string="Reporting (%)", default=10.0)
    kam_time_ref_training = fields.Float(string="Training (%)", default=5.0)
    kam_time_ref_team = fields.Float(string="Team Management (%)", default=10.0)
    kam_time_ref_other = fields.Float(string="Other (%)", default=10.0)

    def _kam_time_profile(self):
        """{category: reference share in %} of this company."""
        self.ensure_one()
        return {key: self[fname] for key, fname in PROFILE_FIELDS.items()}

    @api.constrains(*PROFILE_FIELDS.values())
    def _check_kam_time_profile(self):
        for company in self:
            shares = company._kam_time_profile()
            if any(not 0 <= share <= 100 for share in shares.values()):
                raise ValidationError(
                    self.env._(
                        "Each share of the reference time profile must be between "
                        "0 and 100%."
                    )
                )
            total = sum(shares.values())
            if abs(total - 100.0) > 0.01:
                raise ValidationError(
                    self.env._(
                        "The reference time profile of %(company)s must total 100%% "
                        "(it totals %(total)s%%).",
                        company=company.name,
                        total=format_number(self.env, total),
                    )
                )

    # ---- Lifetime value ----
    # Settings of the lifetime value: horizon and discount rate, per company.

    kam_clv_horizon_months = fields.Integer(
        string="Lifetime Value Horizon (months)",
        default=36,
        help="The lifetime value adds up the expected revenue of this many "
        "months (1 to 120).",
    )
    kam_clv_discount_rate = fields.Float(
        string="Annual Discount Rate (%)",
        default=10.0,
        help="Future revenue is worth less: the lifetime value and the "
        "expected return of an investment discount it at this yearly rate "
        "(0 to 100%), month by month.",
    )

    @api.constrains("kam_clv_horizon_months", "kam_clv_discount_rate")
    def _check_kam_clv_settings(self):
        for company in self:
            problems = [
                problem
                for problem in config_problems(company._kam_classification_config())
                if problem[0] in CLV_PROBLEMS
            ]
            if problems:
                raise ValidationError(
                    "\n".join(company._kam_problem_message(*p) for p in problems)
                )

    # ---- Buying centre coverage ----

    kam_stale_contact_days = fields.Integer(
        string="Stale Contact Delay (days)",
        default=90,
        help="A key contact of a key account (decision maker, influencer or "
        "person of high influence) with no interaction for this many days is "
        "reported as stale.",
    )

    @api.constrains("kam_stale_contact_days")
    def _check_kam_stale_contact_days(self):
        for company in self:
            if not 1 <= company.kam_stale_contact_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The stale contact delay must be between 1 and %(max)s "
                        "days (got %(days)s).",
                        days=company.kam_stale_contact_days,
                        max=MAX_DAYS,
                    )
                )

    # ---- Agreements ----

    kam_agreement_notice_days = fields.Integer(
        string="Agreement Notice (days)",
        default=30,
        help="An agreement ending within this many days is expiring: its KAM "
        "gets an activity to renegotiate or renew it.",
    )

    @api.constrains("kam_agreement_notice_days")
    def _check_kam_agreement_notice_days(self):
        for company in self:
            if not 0 <= company.kam_agreement_notice_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The agreement notice period must be between 0 and "
                        "%(max)s days (got %(days)s).",
                        max=MAX_DAYS,
                        days=company.kam_agreement_notice_days,
                    )
                )

    # ---- Scorecard ----
    # Weights of the scorecard's areas and the thresholds of its lights.

    kam_health_weight_sales = fields.Float(string="Weight: Sales", default=30.0)
    kam_health_weight_opportunities = fields.Float(
        string="Weight: Opportunities", default=20.0
    )
    kam_health_weight_relationships = fields.Float(
        string="Weight: Relationships", default=20.0
    )
    kam_health_weight_satisfaction = fields.Float(
        string="Weight: Satisfaction", default=20.0
    )
    kam_health_weight_alerts = fields.Float(string="Weight: Alerts", default=10.0)
    kam_health_green_from = fields.Float(string="Healthy from", default=70.0)
    kam_health_amber_from = fields.Float(string="Watch from", default=40.0)

    def _kam_scorecard_config(self):
        self.ensure_one()
        return ScorecardConfig(
            area_weights={
                area: self[fname] for area, fname in AREA_WEIGHT_FIELDS.items()
            },
            green_from=self.kam_health_green_from,
            amber_from=self.kam_health_amber_from,
        )

    @api.constrains(
        *AREA_WEIGHT_FIELDS.values(), "kam_health_green_from", "kam_health_amber_from"
    )
    def _check_kam_scorecard(self):
        for company in self:
            problems = scorecard_problems(company._kam_scorecard_config())
            if problems:
                raise ValidationError(
                    "\n".join(company._kam_scorecard_message(*p) for p in problems)
                )

    def _kam_scorecard_message(self, code, params):
        labels = dict(self.env["kam.account"]._kam_area_labels())
        values = dict(params)
        if "area" in values:
            values["area"] = labels.get(values["area"], values["area"])
        for key in ("weight", "value", "amber", "green"):
            if key in values:
                values[key] = format_number(self.env, values[key])
        messages = {
            "area_unknown": self.env._("Unknown scorecard area %(area)s."),
            "area_weight_out_of_range": self.env._(
                "The weight of the area %(area)s must be between 0 and 100 (got "
                "%(weight)s)."
            ),
            "area_weights_all_zero": self.env._(
                "At least one scorecard area must have a weight greater than zero."
            ),
            "light_out_of_range": self.env._(
                "Health thresholds must be between 0 and 100 (got %(value)s)."
            ),
            "light_order": self.env._(
                "The 'watch' threshold (%(amber)s) must be lower than the "
                "'healthy' threshold (%(green)s)."
            ),
        }
        return messages[code] % values
