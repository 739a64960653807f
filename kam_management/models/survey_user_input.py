"""Survey answers scored onto a key account."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from .survey_survey import KAM_SURVEY_TYPE

# The answer lines that count as an answer to an NPS question: answered,
# on the scale, and within the question's own scale (the public survey
# stores any number it is sent). Aliases: ``l`` the line, ``q`` its question.
VALID_NPS_LINE = SQL(
    "q.is_kam_nps AND l.answer_type = 'scale' AND NOT COALESCE(l.skipped, FALSE)"
    " AND l.value_scale BETWEEN q.scale_min AND q.scale_max"
)
NPS_FLUSH = {
    "survey.user_input.line": [
        "user_input_id",
        "question_id",
        "value_scale",
        "skipped",
        "answer_type",
    ],
    "survey.question": ["is_kam_nps", "scale_min", "scale_max"],
}


def flush_nps(env):
    """Flush what :data:`VALID_NPS_LINE` reads."""
    for model, fnames in NPS_FLUSH.items():
        env[model].flush_model(fnames)


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    kam_account_id = fields.Many2one(
        "kam.account",
        string="Key Account",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The key account the survey was sent from: its answers score "
        "the account's Satisfaction area and follow the account's access.",
    )
    # The token opens the answer on the public survey: whoever has it answers
    # in the customer's name. Survey officers manage answers; KAMs see them,
    # never their tokens (the invitation's mail carries them, read by Odoo).
    access_token = fields.Char(groups="survey.group_survey_user")
    kam_nps_value = fields.Integer(
        string="NPS Answer",
        compute="_compute_kam_nps_value",
        help="The answer to the NPS question, 0 to 10.",
    )
    kam_nps_answered = fields.Boolean(
        string="NPS Answered", compute="_compute_kam_nps_value"
    )

    @api.depends("user_input_line_ids.value_scale", "user_input_line_ids.skipped")
    def _compute_kam_nps_value(self):
        values = self._kam_nps_values()
        for answer in self:
            value = values.get(answer.id)
            answer.kam_nps_value = round(value) if value is not None else 0
            answer.kam_nps_answered = value is not None

    def _kam_nps_values(self):
        """``{answer id: mean value of its NPS questions}`` (one query)."""
        ids = [i for i in self.ids if i]
        if not ids:
            return {}
        flush_nps(self.env)
        return dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT l.user_input_id, AVG(l.value_scale)::float8
                      FROM survey_user_input_line l
                      JOIN survey_question q ON q.id = l.question_id
                     WHERE l.user_input_id = ANY(%s) AND %s
                  GROUP BY l.user_input_id
                    """,
                    ids,
                    VALID_NPS_LINE,
                )
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._kam_check_account_given(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._kam_check_account_given([vals])
        return super().write(vals)

    def _kam_check_account_given(self, vals_list):
        """Answers of a key account are made by its invitation, never by hand:
        a user could otherwise answer in the customer's name."""
        if self.env.su or not any("kam_account_id" in vals for vals in vals_list):
            return
        raise AccessError(
            self.env._(
                "Answers of a key account satisfaction survey are created by "
                "sending the survey from the account (Send Satisfaction "
                "Survey), not by hand."
            )
        )

    def action_resend(self):
        # Resent from an account's answer: the invitation is the account's.
        action = super().action_resend()
        if len(self.kam_account_id) == 1:
            action["context"] = dict(
                action.get("context") or {},
                default_kam_account_id=self.kam_account_id.id,
            )
        return action

    @api.constrains("kam_account_id", "partner_id", "survey_id")
    def _check_kam_account_contact(self):
        for answer in self.filtered("kam_account_id"):
            account = answer.kam_account_id
            if answer.survey_id.survey_type != KAM_SURVEY_TYPE:
                raise ValidationError(
                    self.env._(
                        "Only the answers of a key account satisfaction survey "
                        "belong to a key account (%(survey)s is not one).",
                        survey=answer.survey_id.display_name,
                    )
                )
            if not account._kam_is_contact(answer.partner_id):
                raise ValidationError(
                    self.env._(
                        "The satisfaction survey of %(account)s goes to its own "
                        "contacts only: %(partner)s is not a contact of "
                        "%(customer)s.",
                        account=account.display_name,
                        partner=answer.partner_id.display_name or answer.email or "-",
                        customer=account.partner_id.display_name,
                    )
                )
