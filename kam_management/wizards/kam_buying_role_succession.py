from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class KamBuyingRoleSuccession(models.TransientModel):
    """A contact left the customer: hand their role over to their successor.

    The successor gets the decision roles, influence, reporting line,
    relationship owner and the business side of the interests; the people who
    reported to the leaver now report to the successor; the open activities
    move to the successor's role. The leaver's role is archived, marked as
    left and linked to the successor; both chatters say what happened.
    """

    _name = "kam.buying.role.succession"
    _inherit = ["kam.guard.mixin"]
    _description = "Buying Centre: Contact Left"

    role_id = fields.Many2one(
        "kam.buying.role", string="Contact Who Left", required=True, readonly=True
    )
    account_id = fields.Many2one(related="role_id.account_id")
    account_partner_id = fields.Many2one(related="role_id.account_partner_id")
    leaver_partner_id = fields.Many2one(related="role_id.partner_id")
    successor_partner_id = fields.Many2one(
        "res.partner",
        string="Replaced by",
        domain="[('is_company', '=', False), "
        "('commercial_partner_id', '=', account_partner_id), "
        "('id', '!=', leaver_partner_id)]",
        help="The person of the customer who took over. Leave empty if nobody "
        "replaced them (yet).",
    )
    date_left = fields.Date(
        string="Left on", required=True, default=fields.Date.context_today
    )
    move_activities = fields.Boolean(
        string="Move Open Activities",
        default=True,
        help="The open activities planned with the contact who left move to "
        "the successor's role.",
    )
    note = fields.Text(help="Why they left, where they went...")

    @api.constrains("successor_partner_id", "role_id")
    def _check_successor(self):
        for wizard in self.filtered("successor_partner_id"):
            if wizard.successor_partner_id == wizard.role_id.partner_id:
                raise ValidationError(
                    self.env._("A contact cannot succeed themselves.")
                )

    def action_confirm(self):
        self.ensure_one()
        role = self.role_id
        if role.left_customer:
            raise ValidationError(
                self.env._(
                    "%(contact)s has already left the customer.",
                    contact=role.partner_id.name,
                )
            )
        successor = self.env["kam.buying.role"]
        moved = self.env["mail.activity"]
        if self.successor_partner_id:
            successor = self._get_or_create_successor()
            role.subordinate_ids.filtered(lambda r: r != successor).write(
                {"reports_to_id": successor.id}
            )
            if self.move_activities:
                moved = role.activity_ids
                moved.write({"res_id": successor.id})
        role.write(
            {
                "left_customer": True,
                "date_left": self.date_left,
                "successor_id": successor.id,
                "active": False,
            }
        )
        self._post_notes(role, successor, moved)
        role.account_id._kam_refresh_coverage()
        if not successor:
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window",
            "res_model": "kam.buying.role",
            "res_id": successor.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _get_or_create_successor(self):
        role = self.role_id
        successor = (
            self.env["kam.buying.role"]
            .with_context(active_test=False)
            .search(
                [
                    ("account_id", "=", role.account_id.id),
                    ("partner_id", "=", self.successor_partner_id.id),
                ],
                limit=1,
            )
        )
        values = role._successor_values()
        if successor:
            # Already in the buying centre: add what they take over, keep
            # what we know about them.
            values = {
                key: value
                for key, value in values.items()
                if key == "role_ids" or not successor[key]
            }
            values["active"] = True
            successor.write(values)
            return successor
        return self.env["kam.buying.role"].create(
            dict(
                values,
                account_id=role.account_id.id,
                partner_id=self.successor_partner_id.id,
            )
        )

    def _post_notes(self, role, successor, moved):
        date = format_date(self.env, self.date_left)
        note = (
            Markup("<br/>") + Markup(self.env._("Note: %(note)s")) % {"note": self.note}
            if self.note
            else ""
        )
        if successor:
            role.message_post(
                body=Markup(
                    self.env._(
                        "%(contact)s left the customer on %(date)s, replaced by "
                        "%(successor)s."
                    )
                )
                % {
                    "contact": role.partner_id.name,
                    "date": date,
                    "successor": successor._get_html_link(
                        title=successor.partner_id.name
                    ),
                }
                + note,
            )
            successor.message_post(
                body=Markup(
                    self.env._(
                        "%(successor)s replaces %(contact)s, who left the customer "
                        "on %(date)s: decision roles (%(roles)s), influence and "
                        "reporting line taken over; %(count)s open activities "
                        "moved here."
                    )
                )
                % {
                    "successor": successor.partner_id.name,
                    "contact": role._get_html_link(title=role.partner_id.name),
                    "date": date,
                    "roles": ", ".join(role.role_ids.mapped("name")) or "-",
                    "count": len(moved),
                }
                + note,
            )
        else:
            role.message_post(
                body=Markup(
                    self.env._(
                        "%(contact)s left the customer on %(date)s; nobody "
                        "replaces them yet."
                    )
                )
                % {"contact": role.partner_id.name, "date": date}
                + note,
            )
