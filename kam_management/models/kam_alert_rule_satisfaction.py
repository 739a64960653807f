"""Alert rule *satisfaction*: a negative moment of truth or a poor survey
answer in the last days (one alert per moment, one per answer)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .kam_format import format_number
from .survey_survey import KAM_SURVEY_TYPE
from .survey_user_input import VALID_NPS_LINE, flush_nps


class KamAlertRule(models.Model):
    # Kept apart from the other rule types on purpose (one file per feature).
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.alert.rule"

    rule_type = fields.Selection(
        selection_add=[("satisfaction", "Negative Satisfaction")],
        ondelete={"satisfaction": "cascade"},
    )
    min_survey_score = fields.Float(
        string="Lowest Acceptable Survey Answer",
        default=7.0,
        digits=(16, 1),
        help="Negative satisfaction: alert when a contact answers the NPS "
        "question (0-10) of a key account survey below this value, or when a "
        "negative moment of truth is recorded, in the last days of the rule.",
    )

    @api.constrains("min_survey_score")
    def _check_min_survey_score(self):
        for rule in self:
            if not 0.0 <= rule.min_survey_score <= 10.0:
                raise ValidationError(
                    self.env._(
                        "%(field)s of the alert rule %(rule)s must be between "
                        "%(min)s and %(max)s (got %(value)s).",
                        field=self._fields["min_survey_score"]._description_string(
                            self.env
                        ),
                        rule=rule.name,
                        min=format_number(self.env, 0),
                        max=format_number(self.env, 10),
                        value=format_number(self.env, rule.min_survey_score),
                    )
                )

    def _kam_conditions_satisfaction(self, accounts, today):
        since = today - timedelta(days=self.days)
        moments = self.env["kam.moment.truth"].search_fetch(
            [
                ("account_id", "in", accounts.ids),
                ("outcome", "=", "negative"),
                ("date", ">=", since),
            ],
            ["account_id", "date", "name"],
        )
        result = [
            {
                "account_id": moment.account_id.id,
                "key": f"moment:{moment.id}",
                "res_model": "kam.moment.truth",
                "res_id": moment.id,
                "kind": "moment",
                "args": {"moment": moment.name, "date": ("date", moment.date)},
            }
            for moment in moments
        ]
        for account_id, answer_id, contact, value, done in self._kam_poor_answers(
            accounts, since
        ):
            result.append(
                {
                    "account_id": account_id,
                    "key": f"answer:{answer_id}",
                    "res_model": "survey.user_input",
                    "res_id": answer_id,
                    "kind": "answer",
                    "args": {
                        "contact": contact or "-",
                        "score": ("number", value),
                        "threshold": ("number", self.min_survey_score),
                        "date": ("date", done.date()),
                    },
                }
            )
        return result

    def _kam_poor_answers(self, accounts, since):
        """Completed answers below the threshold since ``since`` (one query)."""
        self.env["survey.user_input"].flush_model(
            ["kam_account_id", "state", "test_entry", "end_datetime", "partner_id"]
        )
        flush_nps(self.env)
        self.env["survey.survey"].flush_model(["survey_type"])
        return self.env.execute_query(
            SQL(
                """
                SELECT ui.kam_account_id, ui.id, p.name,
                       AVG(l.value_scale)::float8, ui.end_datetime
                  FROM survey_user_input ui
                  JOIN survey_survey s ON s.id = ui.survey_id
                  JOIN survey_user_input_line l ON l.user_input_id = ui.id
                  JOIN survey_question q ON q.id = l.question_id
             LEFT JOIN res_partner p ON p.id = ui.partner_id
                 WHERE ui.kam_account_id = ANY(%(ids)s)
                   AND s.survey_type = %(type)s
                   AND ui.state = 'done' AND NOT COALESCE(ui.test_entry, FALSE)
                   AND ui.end_datetime >= %(since)s
                   AND %(valid_line)s
              GROUP BY ui.kam_account_id, ui.id, p.name, ui.end_datetime
                HAVING AVG(l.value_scale) < %(threshold)s
                """,
                ids=accounts.ids,
                type=KAM_SURVEY_TYPE,
                since=fields.Datetime.to_datetime(since),
                threshold=self.min_survey_score,
                valid_line=VALID_NPS_LINE,
            )
        )

    def _kam_text_satisfaction(self, condition, args):
        if condition.get("kind") == "moment":
            return self.env._(
                "Negative moment of truth on %(date)s: %(moment)s", **args
            )
        return self.env._(
            "%(contact)s answered %(score)s out of 10 to the satisfaction survey "
            "on %(date)s (below %(threshold)s).",
            **args,
        )
