"""The satisfaction survey of a key account: sent from it, answers on it."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .survey_survey import KAM_SURVEY_TYPE

SATISFACTION_SURVEY = "kam_management.survey_kam_satisfaction"


class KamAccount(models.Model):
    # Kept apart from the other extensions on purpose (one file per feature).
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.account"

    survey_answer_count = fields.Integer(
        string="Survey Answers", compute="_compute_survey_answer_count"
    )

    @api.depends_context("uid")
    def _compute_survey_answer_count(self):
        # In the user's rights: the answers they may read.
        groups = self.env["survey.user_input"]._read_group(
            [
                ("kam_account_id", "in", self.ids),
                ("state", "=", "done"),
                ("test_entry", "=", False),
            ],
            ["kam_account_id"],
            ["__count"],
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.survey_answer_count = counts.get(account.id, 0)

    def _kam_is_contact(self, partner):
        """Whether ``partner`` is the customer or one of its contacts."""
        self.ensure_one()
        return bool(partner) and partner.commercial_partner_id == self.partner_id

    def _kam_survey_recipients(self):
        """Who the satisfaction survey goes to by default: the buying
        centre's contacts with an email, else the customer's contacts with
        an email, else the customer itself."""
        self.ensure_one()
        roles = self.env["kam.buying.role"].search(
            [("account_id", "=", self.id), ("active", "=", True)]
        )
        partners = roles.partner_id.filtered("email")
        if not partners:
            partners = self.env["res.partner"].search(
                [
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("id", "!=", self.partner_id.id),
                    ("email", "!=", False),
                ]
            )
        if not partners and self.partner_id.email:
            partners = self.partner_id
        return partners

    @api.model
    def _kam_satisfaction_survey(self):
        """The survey sent from the accounts: the one shipped, or another
        active key account survey if it was archived."""
        survey = self.env.ref(SATISFACTION_SURVEY, raise_if_not_found=False)
        if survey and survey.active and survey.survey_type == KAM_SURVEY_TYPE:
            return survey
        return self.env["survey.survey"].search(
            [("survey_type", "=", KAM_SURVEY_TYPE), ("active", "=", True)],
            order="id",
            limit=1,
        )

    def action_send_satisfaction_survey(self):
        """Odoo's survey invitation, for this account's contacts only."""
        self.ensure_one()
        self.check_access("read")
        if not self.is_key_account:
            raise UserError(
                self.env._(
                    "%(account)s is not a key account: satisfaction surveys are "
                    "sent to key accounts.",
                    account=self.display_name,
                )
            )
        survey = self._kam_satisfaction_survey()
        if not survey:
            raise UserError(
                self.env._(
                    "There is no active key account satisfaction survey: ask a "
                    "survey administrator to publish one."
                )
            )
        action = survey.action_send_survey()
        action["name"] = self.env._(
            "Send Satisfaction Survey to %(account)s", account=self.display_name
        )
        action["context"] = dict(
            action.get("context") or {},
            default_kam_account_id=self.id,
            default_partner_ids=self._kam_survey_recipients().ids,
            # Every sending is a new survey of the period, never a resend of
            # an older answer.
            default_existing_mode="new",
        )
        template = self.env.ref(
            "kam_management.mail_template_kam_survey_invite", raise_if_not_found=False
        )
        if template:
            # The supplier's own invitation, translated, instead of Odoo's
            # generic survey (or certification) text.
            action["context"]["default_template_id"] = template.id
        return action

    def action_view_survey_answers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Survey Answers of %(account)s", account=self.display_name
            ),
            "res_model": "survey.user_input",
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref("kam_management.view_survey_user_input_kam_list").id,
                    "list",
                ),
                (False, "form"),
            ],
            "search_view_id": self.env.ref("survey.survey_user_input_view_search").id,
            "domain": [("kam_account_id", "=", self.id)],
            "context": {"create": False, "search_default_completed": 1},
        }

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _demo_survey_answers(self, plan):
        """Demo data: satisfaction surveys answered over several months.

        ``plan`` maps a contact's xml id to a list of ``(days_ago, nps,
        ratings, comment)``: a completed answer (``nps`` on 0-10, the three
        1-5 ratings) or, with ``nps`` None, an invitation not answered yet.
        Answers go through the survey's own methods.
        """
        survey = self.env.ref(SATISFACTION_SURVEY)
        questions = survey.question_ids.sorted("sequence")
        nps_question = questions.filtered("is_kam_nps")
        ratings_questions = questions.filtered(
            lambda q: q.question_type == "scale" and not q.is_kam_nps
        )
        comment_question = questions.filtered(lambda q: q.question_type == "text_box")
        now = fields.Datetime.now()
        dates = {}
        for xmlid, answers in plan.items():
            partner = self.env.ref(xmlid)
            account = self.search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("company_id", "=", self.env.company.id),
                ]
            )
            for days_ago, nps, ratings, comment in answers:
                answer = survey._create_answer(
                    partner=partner, check_attempts=False, kam_account_id=account.id
                )
                sent = now - timedelta(days=days_ago + 2)
                dates[answer.id] = sent
                if nps is None:
                    continue
                answer._save_lines(nps_question, str(nps))
                for question, rating in zip(ratings_questions, ratings, strict=True):
                    answer._save_lines(question, str(rating))
                if comment:
                    answer._save_lines(comment_question, comment)
                answer._mark_done()
                answer.write(
                    {
                        "start_datetime": now - timedelta(days=days_ago),
                        "end_datetime": now - timedelta(days=days_ago),
                    }
                )
        # Sent before they were answered (create_date is not writable).
        answers = self.env["survey.user_input"].browse(list(dates))
        answers.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE survey_user_input ui SET create_date = v.sent::timestamp
                  FROM (VALUES %s) AS v(id, sent)
                 WHERE ui.id = v.id
                """,
                SQL(", ").join(SQL("(%s, %s)", i, sent) for i, sent in dates.items()),
            )
        )
        answers.invalidate_recordset(["create_date"])
        return True
