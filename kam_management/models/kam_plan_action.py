"""Actions of an account plan, each followed by a real activity of its owner."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_team_member import FUNCTIONS

ACTION_FUNCTIONS = [("kam", "Key Account Manager"), *FUNCTIONS]
ACTION_STATES = [("todo", "To Do"), ("done", "Done"), ("cancelled", "Cancelled")]
TODO_ACTIVITY = "mail.mail_activity_data_todo"
# Action fields mirrored on its activity.
ACTIVITY_FIELDS = {
    "name": "summary",
    "date_deadline": "date_deadline",
    "owner_id": "user_id",
}


class KamPlanAction(models.Model):
    """Who in the account team does what, and by when (internal coordination).

    Creating an action schedules a to-do activity for its owner on the plan;
    closing either one closes the other.
    """

    _name = "kam.plan.action"
    _inherit = ["kam.guard.mixin"]
    _description = "Account Plan Action"
    _order = "plan_id, date_deadline, id"
    _kam_recheck_fields = ("plan_id", "company_id")
    _kam_system_fields = ("activity_id",)

    plan_id = fields.Many2one(
        "kam.account.plan", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(
        related="plan_id.account_id", store=True, index=True, string="Key Account"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    name = fields.Char(string="Action", required=True)
    owner_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="The account's KAM or a member of its account team.",
    )
    function = fields.Selection(
        ACTION_FUNCTIONS,
        string="Internal Function",
        compute="_compute_function",
        store=True,
    )
    date_deadline = fields.Date(
        string="Deadline", required=True, default=fields.Date.context_today
    )
    state = fields.Selection(ACTION_STATES, default="todo", required=True, copy=False)
    activity_id = fields.Many2one(
        "mail.activity",
        ondelete="set null",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    note = fields.Text()

    @api.depends(
        "owner_id",
        "account_id.kam_user_id",
        "account_id.team_member_ids.user_id",
        "account_id.team_member_ids.function",
    )
    def _compute_function(self):
        for action in self:
            account = action.account_id
            if action.owner_id and action.owner_id == account.kam_user_id:
                action.function = "kam"
                continue
            member = account.team_member_ids.filtered(
                lambda m, owner=action.owner_id: m.user_id == owner
            )[:1]
            action.function = member.function or False

    @api.constrains("owner_id", "plan_id")
    def _check_owner(self):
        for action in self:
            account = action.account_id
            team = account.kam_user_id | account.team_member_ids.user_id
            if action.owner_id not in team:
                raise ValidationError(
                    self.env._(
                        "%(user)s is neither the KAM nor in the account team of "
                        "%(customer)s: add them to the team first.",
                        user=action.owner_id.name,
                        customer=account.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # The activity behind each action
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        if not self.env.context.get("kam_defer_activities"):
            actions.filtered(lambda a: a.state == "todo")._schedule_activity()
        return actions

    def write(self, vals):
        res = super().write(vals)
        state = vals.get("state")
        if state == "done" and not self.env.context.get("kam_activity_done"):
            # Marks the actions done again through mail.activity: a no-op.
            self.activity_id.filtered("active")._action_done()
        elif state == "cancelled":
            self.activity_id.unlink()
        elif state == "todo":
            self.filtered(lambda a: not a.activity_id)._schedule_activity()
        mirrored = {
            ACTIVITY_FIELDS[fname]: value
            for fname, value in vals.items()
            if fname in ACTIVITY_FIELDS
        }
        if mirrored:
            self.filtered(lambda a: a.state == "todo").activity_id.write(mirrored)
        return res

    def unlink(self):
        self.activity_id.unlink()
        return super().unlink()

    def _schedule_activity(self):
        for action in self:
            activity = action.plan_id.activity_schedule(
                TODO_ACTIVITY,
                date_deadline=action.date_deadline,
                summary=action.name,
                user_id=action.owner_id.id,
            )
            # sudo: the link to its activity is the application's.
            action.sudo().activity_id = activity

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_done(self):
        self.filtered(lambda a: a.state != "done").write({"state": "done"})

    def action_cancel(self):
        self.filtered(lambda a: a.state == "todo").write({"state": "cancelled"})

    def action_reset_todo(self):
        self.filtered(lambda a: a.state != "todo").write({"state": "todo"})
