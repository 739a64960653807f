from odoo import api, fields, models
from odoo.exceptions import ValidationError

OPPORTUNITY_TYPES = [
    ("improvement", "Improvement"),
    ("continuity", "Continuity"),
    ("deepening", "Deepening"),
    ("loyalty", "Loyalty"),
    ("new_development", "New Development"),
    ("line_extension", "Line Extension"),
    ("credit", "Credit Line"),
    ("service_facility", "Service Facility"),
    ("complementary_offer", "Complementary Offer"),
    ("event", "Event"),
]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    kam_commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Commercial Entity"
    )
    kam_plan_id = fields.Many2one(
        "kam.account.plan",
        string="Account Plan",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        domain="[('partner_id', '=', kam_commercial_partner_id), "
        "('state', '!=', 'closed')]",
        help="The plan of the key account this opportunity belongs to.",
    )
    kam_account_id = fields.Many2one(
        related="kam_plan_id.account_id",
        store=True,
        index="btree_not_null",
        string="Key Account",
    )
    kam_opportunity_type = fields.Selection(
        OPPORTUNITY_TYPES,
        string="KAM Opportunity Type",
        help="What kind of opportunity it is for the key account; each should "
        "turn into future sales.",
    )

    @api.constrains("kam_plan_id", "partner_id")
    def _check_kam_plan_partner(self):
        # sudo: salespeople without key-account rights may edit the lead; only
        # the customer of its plan is read.
        for lead in self.sudo().filtered("kam_plan_id"):
            plan = lead.kam_plan_id
            if lead.partner_id and lead.partner_id.commercial_partner_id != (
                plan.partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The opportunity %(lead)s is for %(customer)s but the "
                        "account plan %(plan)s is for %(plan_customer)s.",
                        lead=lead.name,
                        customer=lead.partner_id.commercial_partner_id.display_name,
                        plan=plan.name,
                        plan_customer=plan.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_kam_plan_access(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_kam_plan_access([vals])
        return super().write(vals)

    def copy(self, default=None):
        """A copy stays on the plan of its original.

        Salespeople without key-account rights may duplicate their linked
        opportunities: the copy keeps the link they may not set themselves.
        """
        default = dict(default or {})
        if "kam_plan_id" in default:
            return super().copy(default)
        default["kam_plan_id"] = False
        copies = super().copy(default)
        for original, new in zip(self, copies, strict=True):
            if original.kam_plan_id:
                # sudo: only the link of the original is copied.
                new.sudo().kam_plan_id = original.sudo().kam_plan_id
        return copies

    def onchange(self, values, field_names, fields_spec):
        if values.get("kam_plan_id") and not self.env.su:
            plan_id = values["kam_plan_id"]
            plan_id = plan_id.get("id") if isinstance(plan_id, dict) else plan_id
            if isinstance(plan_id, int):
                self.env["kam.account.plan"].browse(plan_id).check_access("read")
        return super().onchange(values, field_names, fields_spec)

    def _mail_track(self, tracked_fields, initial_values):
        # A salesman unlinking their opportunity from a plan they cannot read
        # still gets the change tracked (sudo: the plan's name only).
        if initial_values.get("kam_plan_id"):
            initial_values = dict(
                initial_values, kam_plan_id=initial_values["kam_plan_id"].sudo()
            )
        return super()._mail_track(tracked_fields, initial_values)

    def _check_kam_plan_access(self, vals_list):
        """Linking an opportunity to a plan needs the right to read the plan."""
        plan_ids = {
            vals["kam_plan_id"] for vals in vals_list if vals.get("kam_plan_id")
        }
        if plan_ids:
            self.env["kam.account.plan"].browse(plan_ids).check_access("read")
