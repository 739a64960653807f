from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
