"""Key-account satisfaction surveys, built with Odoo's own survey app.

A survey of the type *Key Account Satisfaction* is sent from a key account
to the account's contacts; its answers belong to the account and follow the
account's access (like Odoo's recruitment surveys, the type keeps the
answers out of the survey app's generic rules). The answers to its NPS
question (a 0-10 scale) score the account's Satisfaction area.
"""

from odoo import api, fields, models

KAM_SURVEY_TYPE = "key_account"
KAM_GROUP = "kam_management.group_kam_user"


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    survey_type = fields.Selection(
        selection_add=[(KAM_SURVEY_TYPE, "Key Account Satisfaction")],
        ondelete={KAM_SURVEY_TYPE: "set default"},
    )

    @api.depends("survey_type")
    @api.depends_context("uid")
    def _compute_allowed_survey_types(self):  # pylint: disable=missing-return
        super()._compute_allowed_survey_types()
        if self.env.user.has_group("survey.group_survey_user"):
            self.allowed_survey_types = [
                *(self.allowed_survey_types or []),
                KAM_SURVEY_TYPE,
            ]

    def action_survey_user_input_completed(self):
        # Odoo's answer list shows the generic survey types only.
        action = super().action_survey_user_input_completed()
        if self.survey_type == KAM_SURVEY_TYPE:
            action["domain"] = [("survey_id.survey_type", "=", KAM_SURVEY_TYPE)]
        return action

    def action_survey_user_input(self):
        action = super().action_survey_user_input()
        if self.survey_type == KAM_SURVEY_TYPE:
            action["domain"] = [("survey_id.survey_type", "=", KAM_SURVEY_TYPE)]
        return action
