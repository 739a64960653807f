from odoo import api, models
from odoo.exceptions import AccessError

PLAN_MODEL = "kam.account.plan"
REVIEW_ACTIVITY = "kam_management.mail_activity_type_plan_review"


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking the activity of a plan action done marks the action done.

        Marking a plan review done counts as reviewing the plan.

        :raise AccessError: when the user may not change a plan action behind
            the activities (Odoo lets the assignee of an activity mark it done
            without any right on its record); nothing is done then
        """
        on_plans = self.filtered(lambda a: a.res_model == PLAN_MODEL)
        if on_plans:
            # sudo: the actions behind the activities are found whoever asks;
            # the user's right to change them is checked below.
            actions = (
                self.env["kam.plan.action"]
                .sudo()
                .search([("activity_id", "in", on_plans.ids), ("state", "=", "todo")])
            )
            self._kam_check_plan_actions(actions)
            # sudo: only the state of the actions the user may change.
            actions.with_context(kam_activity_done=True).write({"state": "done"})
            if not self.env.context.get("kam_plan_reviewed"):
                review_type = self.env.ref(REVIEW_ACTIVITY, raise_if_not_found=False)
                reviews = on_plans.filtered(lambda a: a.activity_type_id == review_type)
                if reviews:
                    self.env[PLAN_MODEL].browse(
                        reviews.mapped("res_id")
                    )._set_reviewed()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _kam_check_plan_actions(self, actions):
        """The user closes a plan action only if they may change it."""
        if not actions or self.env.su:
            return
        forbidden = actions - actions.with_env(self.env)._filtered_access("write")
        if forbidden:
            raise AccessError(
                self.env._(
                    "You cannot mark %(actions)s done: only the Key Account "
                    "Manager and the team of the account can close the actions "
                    "of its plans.",
                    actions=", ".join(forbidden.mapped("name")),
                )
            )

    @api.model
    def _kam_schedule_once(self, records, act_type_xmlid, values_by_id):
        """Schedule one activity of a type per record, unless one is open.

        :param values_by_id: ``{record id: activity values}`` (``user_id``,
            ``date_deadline``, ``summary``...)
        :return: the new activities
        """
        activity_type = self.env.ref(act_type_xmlid)
        if not records:
            return self.browse()
        open_ids = set(
            self.search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id(records._name)
        return self.create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "automated": True,
                    **values_by_id[record.id],
                }
                for record in records
                if record.id not in open_ids
            ]
        )
