"""Key-account satisfaction surveys, built with Odoo's own survey app.

A survey of the type *Key Account Satisfaction* is sent from a key account
to the account's contacts; its answers belong to the account and follow the
account's access (like Odoo's recruitment surveys, the type keeps the
answers out of the survey app's generic rules). The answers to its NPS
question (a 0-10 scale) score the account's Satisfaction area.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

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


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    is_kam_nps = fields.Boolean(
        string="NPS Question",
        help="Key account satisfaction: the answers to this 0-10 scale "
        "question make the account's survey score and Net Promoter Score.",
    )

    @api.constrains("is_kam_nps", "question_type", "scale_min", "scale_max")
    def _check_kam_nps(self):
        for question in self.filtered("is_kam_nps"):
            if question.question_type != "scale" or (
                question.scale_min,
                question.scale_max,
            ) != (0, 10):
                raise ValidationError(
                    self.env._(
                        "The NPS question %(question)s must be a scale from 0 to 10.",
                        question=question.title,
                    )
                )
