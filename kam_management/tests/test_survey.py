from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..compat import GROUPS_FIELD
from .common import KamCommon


@tagged("post_install", "-at_install")
class TestSatisfactionSurvey(KamCommon):
    """The satisfaction survey: sent from the account to its own contacts,
    answered through the survey's own models, scored onto the account.

    ========== ====== =====================================================
    account    KAM    contacts
    ========== ====== =====================================================
    account    kam_1  boss (buying centre, email), clerk (email)
    other      kam_2  buyer (email)
    ========== ====== =====================================================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Survey Customer")
        cls.account = cls._create_account(
            cls.customer, is_key_account=True, kam_user_id=cls.kam_1.id
        )
        cls.boss = cls.env["res.partner"].create(
            {
                "name": "Berta Boss",
                "parent_id": cls.customer.id,
                "email": "berta@survey-customer.example.com",
            }
        )
        cls.clerk = cls.env["res.partner"].create(
            {
                "name": "Carl Clerk",
                "parent_id": cls.customer.id,
                "email": "carl@survey-customer.example.com",
            }
        )
        cls.env["kam.buying.role"].create(
            {"account_id": cls.account.id, "partner_id": cls.boss.id}
        )
        cls.other_customer = cls._create_customer("Survey Other")
        cls.other = cls._create_account(
            cls.other_customer, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Olga Buyer",
                "parent_id": cls.other_customer.id,
                "email": "olga@survey-other.example.com",
            }
        )
        cls.survey = cls.env.ref("kam_management.survey_kam_satisfaction")
        cls.nps_question = cls.env.ref("kam_management.survey_kam_satisfaction_q_nps")
        cls.rule = cls.env.ref("kam_management.alert_rule_satisfaction")
        cls.Engine = cls.env["kam.scorecard.engine"]
        cls.Answer = cls.env["survey.user_input"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _answer(self, account, partner, nps=None, days_ago=5):
        """An invitation of ``account``'s survey to ``partner``, sent and
        answered ``nps`` (0-10) ``days_ago`` days ago unless ``nps`` is None."""
        answer = self.survey._create_answer(
            partner=partner, check_attempts=False, kam_account_id=account.id
        )
        if nps is not None:
            answer._save_lines(self.nps_question, str(nps))
            answer._mark_done()
            done = fields.Datetime.now() - timedelta(days=days_ago)
            answer.end_datetime = done
            answer.flush_recordset()
            # Sent before it was answered (create_date is not writable).
            self.env.cr.execute(
                "UPDATE survey_user_input SET create_date = %s WHERE id = %s",
                (done - timedelta(days=1), answer.id),
            )
            answer.invalidate_recordset(["create_date"])
        return answer

    def _compute(self, accounts=None):
        accounts = accounts or (self.account | self.other)
        self.Engine._compute_scorecards(accounts)
        accounts.invalidate_recordset()

    def _raw(self, account, fname):
        return account._kam_read_nullable([fname])[account.id][fname]

    def _invite(self, account, user, **values):
        action = account.with_user(user).action_send_satisfaction_survey()
        return (
            self.env["survey.invite"]
            .with_user(user)
            .with_context(**action["context"])
            .create(values)
        )

    def _alerts(self, account=None):
        return self.env["kam.alert"].search(
            [
                ("account_id", "=", (account or self.account).id),
                ("rule_id", "=", self.rule.id),
            ]
        )

    # ------------------------------------------------------------------
    # Scores
    # ------------------------------------------------------------------
    def test_answers_off_the_scale_are_not_data(self):
        """The public survey stores any number it is sent for the 0-10
        question: such answers neither score nor raise alerts."""
        for forged in (11, -5, 2147483647):
            self._answer(self.account, self.boss, forged)
        self._answer(self.other, self.buyer, 8)
        self._answer(self.other, self.buyer, 12)
        self._compute()
        self.assertIsNone(self._raw(self.account, "sc_survey_score"))
        self.assertEqual(self.account.sc_survey_answer_count, 0)
        self.assertAlmostEqual(self.other.sc_survey_score, 8.0)
        self.assertEqual(self.other.sc_survey_answer_count, 1)
        self.env["kam.alert"]._kam_evaluate(self.account)
        self.assertFalse(self._alerts())

    def test_scores_from_answers(self):
        self._answer(self.account, self.boss, 10)
        self._answer(self.account, self.clerk, 9, days_ago=40)
        self._answer(self.account, self.boss, 6, days_ago=100)
        self._answer(self.account, self.clerk)  # sent, not answered yet
        # Out of the period, a test entry, another account: not counted.
        self._answer(self.account, self.boss, 0, days_ago=500)
        self._answer(self.account, self.boss, 0).test_entry = True
        self._answer(self.other, self.buyer, 2)
        self._compute()
        account = self.account
        self.assertAlmostEqual(account.sc_survey_score, 25.0 / 3)
        # Promoters 2 of 3, detractors 1 of 3.
        self.assertAlmostEqual(account.sc_survey_nps, 100.0 / 3)
        self.assertEqual(account.sc_survey_answer_count, 3)
        self.assertEqual(account.sc_survey_sent_count, 4)
        # No moment of truth: the area is the survey score, 5 = 0, 10 = 100.
        self.assertAlmostEqual(account.satisfaction_score, (25.0 / 3 - 5) * 20)
        self.assertNotIn("satisfaction", account.scorecard_missing or "")
        self.assertNotIn(",survey_score,", account.scorecard_kpis_missing)
        self.assertIn(",moments_balance_pct,", account.scorecard_kpis_missing)
        self.assertEqual(self.other.sc_survey_score, 2.0)
        self.assertEqual(self.other.sc_survey_nps, -100.0)
        # Moments of truth count beside the survey.
        self.env["kam.moment.truth"].create(
            {"account_id": account.id, "outcome": "positive", "name": "Rescue"}
        )
        self._compute()
        self.assertAlmostEqual(
            account.satisfaction_score, ((25.0 / 3 - 5) * 20 + 100.0) / 2
        )

    def test_sent_without_answers_is_not_enough_data(self):
        self._answer(self.account, self.boss)
        self._answer(self.account, self.clerk)
        self._compute(self.account)
        account = self.account
        self.assertEqual(account.sc_survey_sent_count, 2)
        self.assertEqual(account.sc_survey_answer_count, 0)
        # Unknown, not 0: NULL in the database, "not enough data" on screen.
        self.assertIsNone(self._raw(account, "sc_survey_score"))
        self.assertIsNone(self._raw(account, "sc_survey_nps"))
        self.assertIsNone(self._raw(account, "satisfaction_score"))
        self.assertIn(",survey_score,", account.scorecard_kpis_missing)
        self.assertIn("satisfaction", account.scorecard_missing)
        self.assertEqual(account.scorecard_no_data, "not enough data")
        self.assertIn(
            "2 surveys sent in the period, none answered yet",
            account.scorecard_explanation,
        )
        self.assertIn("Satisfaction: not enough data", account.scorecard_explanation)
        # Before any scorecard, nothing is said to be missing.
        fresh = self._create_account(
            self._create_customer("Survey Fresh"), is_key_account=True
        )
        self.assertFalse(fresh.scorecard_kpis_missing)

    # ------------------------------------------------------------------
    # Sending from the account
    # ------------------------------------------------------------------
    def test_send_from_account_to_its_contacts(self):
        self.assertFalse(self.kam_1.has_group("survey.group_survey_user"))
        wizard = self._invite(self.account, self.kam_1)
        self.assertEqual(wizard.survey_id, self.survey)
        self.assertEqual(wizard.kam_account_id, self.account)
        # Prefilled with the buying centre's contacts.
        self.assertEqual(wizard.partner_ids, self.boss)
        wizard.partner_ids = self.boss | self.clerk
        wizard.action_invite()
        answers = self.Answer.with_user(self.kam_1).search(
            [("kam_account_id", "=", self.account.id)]
        )
        self.assertEqual(answers.partner_id, self.boss | self.clerk)
        self.assertEqual(set(answers.mapped("state")), {"new"})
        mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", (self.boss | self.clerk).ids)]
        )
        self.assertEqual(len(mails), 2)
        # Each mail carries its answer's link (the token itself stays hidden
        # from the KAM, see test_security_wizards).
        self.assertIn(
            answers[0].sudo().access_token, "".join(mails.mapped("body_html"))
        )
        # Resent from an answer: the same answer, still the account's.
        resend = answers[:1].with_user(self.kam_1).action_resend()
        self.assertEqual(resend["context"]["default_kam_account_id"], self.account.id)
        self.env["survey.invite"].with_user(self.kam_1).with_context(
            **resend["context"]
        ).create({}).action_invite()
        self.assertEqual(
            self.Answer.search_count([("kam_account_id", "=", self.account.id)]), 2
        )
        # Only the satisfaction survey goes from an account.
        generic = self.env["survey.survey"].create(
            {"title": "Generic survey", "survey_type": "survey"}
        )
        with self.assertRaisesText(ValidationError, "is not one"):
            self.env["survey.invite"].create(
                {"survey_id": generic.id, "kam_account_id": self.account.id}
            )
        # A second sending is a new survey, never a resend of the first.
        self._invite(self.account, self.kam_1).action_invite()
        self.assertEqual(
            self.Answer.search_count([("kam_account_id", "=", self.account.id)]), 3
        )
        # Without a buying centre: the customer's contacts with an email.
        self.assertEqual(
            self.other._kam_survey_recipients(), self.buyer, "the other's contacts"
        )

    def test_invitation_refused_for_foreign_partner(self):
        wizard = self._invite(self.account, self.kam_1)
        with self.assertRaisesText(ValidationError, "goes to its own contacts only"):
            wizard.partner_ids = self.boss | self.buyer
        with self.assertRaisesText(ValidationError, "Olga Buyer"):
            self._invite(
                self.account, self.kam_1, partner_ids=[Command.set(self.buyer.ids)]
            )
        # Typed addresses: a known contact of another customer, or nobody.
        for email in ("olga@survey-other.example.com", "someone@example.com"):
            wizard = self._invite(self.account, self.kam_1, emails=email)
            with self.assertRaisesText(ValidationError, "own contacts only"):
                wizard.action_invite()
        self.assertFalse(
            self.Answer.search([("kam_account_id", "=", self.account.id)]),
            "nothing half-written",
        )
        # The answer itself refuses a foreign contact, whoever creates it.
        with self.assertRaisesText(ValidationError, "not a contact of"):
            self._answer(self.account, self.buyer)
        # Another KAM's account: no survey to send from it.
        with self.assertRaises(AccessError):
            self.other.with_user(self.kam_1).action_send_satisfaction_survey()
        with self.assertRaises(AccessError):
            self.env["survey.invite"].with_user(self.kam_1).create(
                {"survey_id": self.survey.id, "kam_account_id": self.other.id}
            )
        # Not a key account: a clear message.
        self.account.sudo().is_key_account = False
        with self.assertRaisesText(UserError, "is not a key account"):
            self.account.action_send_satisfaction_survey()

    def test_only_satisfaction_surveys_belong_to_accounts(self):
        generic = self.env["survey.survey"].create(
            {"title": "Generic survey", "survey_type": "survey"}
        )
        with self.assertRaisesText(ValidationError, "is not one"):
            generic._create_answer(
                partner=self.boss, check_attempts=False, kam_account_id=self.account.id
            )
        question = self.env["survey.question"].create(
            {"survey_id": generic.id, "title": "Why?", "question_type": "text_box"}
        )
        with self.assertRaisesText(ValidationError, "scale from 0 to 10"):
            question.is_kam_nps = True

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_answers_follow_the_account_access(self):
        mine = self._answer(self.account, self.boss, 9)
        theirs = self._answer(self.other, self.buyer, 4)
        generic = self.env["survey.survey"].create(
            {"title": "Canteen survey", "survey_type": "survey"}
        )
        unrelated = generic._create_answer(partner=self.boss, check_attempts=False)
        # A KAM (not a survey user) reads their accounts' answers only, with
        # their lines and the survey, and no answer of other surveys.
        Answer = self.Answer.with_user(self.kam_1)
        self.assertEqual(Answer.search([]), mine)
        self.assertEqual(mine.with_user(self.kam_1).kam_nps_value, 9)
        self.assertTrue(mine.with_user(self.kam_1).user_input_line_ids.question_id)
        self.assertEqual(mine.with_user(self.kam_1).survey_id.title, self.survey.title)
        for record in (theirs, unrelated):
            with self.assertRaises(AccessError):
                record.with_user(self.kam_1).read(["partner_id"])
        with self.assertRaises(AccessError):
            mine.with_user(self.kam_1).write({"nickname": "edited"})
        self.assertEqual(self.account.with_user(self.kam_1).survey_answer_count, 1)
        action = self.account.with_user(self.kam_1).action_view_survey_answers()
        self.assertEqual(Answer.search(action["domain"]), mine)
        # A KAM who is also a survey user still sees their accounts only.
        self.kam_2[GROUPS_FIELD] = [
            Command.link(self.env.ref("survey.group_survey_user").id)
        ]
        self.assertEqual(
            self.Answer.with_user(self.kam_2).search(
                [("survey_id", "=", self.survey.id)]
            ),
            theirs,
        )
        # A director sees all the answers of their companies' accounts.
        elsewhere_customer = self._create_customer("Survey Elsewhere")
        elsewhere = self._create_account(
            elsewhere_customer, company=self.main_company, is_key_account=True
        )
        self._answer(elsewhere, elsewhere_customer, 8)
        self.assertEqual(
            self.Answer.with_user(self.director).search(
                [("survey_id", "=", self.survey.id)]
            ),
            mine | theirs,
        )
        # A survey administrator without a Key Accounts role: none of them.
        survey_admin = self._create_user(
            "survey_admin", "Sam Surveys", "survey.group_survey_manager"
        )
        self.assertFalse(
            self.Answer.with_user(survey_admin).search(
                [("survey_id", "=", self.survey.id)]
            )
        )
        self.assertIn(
            unrelated, self.Answer.with_user(survey_admin).search([]), "Odoo's own"
        )
        # Moments of truth follow the account the same way.
        moment = self.env["kam.moment.truth"].create(
            {"account_id": self.account.id, "outcome": "negative", "name": "Late"}
        )
        with self.assertRaises(AccessError):
            moment.with_user(self.kam_2).read(["name"])
        self.assertEqual(moment.with_user(self.director).name, "Late")

    # ------------------------------------------------------------------
    # Alert rule
    # ------------------------------------------------------------------
    def test_satisfaction_alert_once_resolves_and_comes_back(self):
        Alert = self.env["kam.alert"]
        self._answer(self.account, self.clerk, 9)  # a good answer: no alert
        poor = self._answer(self.account, self.boss, 3)
        Alert._kam_evaluate(self.account)
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertEqual(
            (alert.res_model, alert.res_id), ("survey.user_input", poor.id)
        )
        self.assertEqual(alert.severity, "high")
        self.assertEqual(alert.owner_id, self.kam_1)
        self.assertIn("Berta Boss answered 3 out of 10", alert.name)
        self.assertEqual(
            alert.with_user(self.kam_1).action_open_object()["res_id"], poor.id
        )
        # Checked again: no second alert.
        self.assertFalse(Alert._kam_evaluate(self.account) & self._alerts())
        self.assertEqual(self._alerts(), alert)
        # A negative moment of truth is a condition of its own.
        moment = self.env["kam.moment.truth"].create(
            {
                "account_id": self.account.id,
                "outcome": "negative",
                "name": "Late truck",
                "date": self.today - timedelta(days=5),
            }
        )
        Alert._kam_evaluate(self.account)
        by_moment = self._alerts() - alert
        self.assertEqual(by_moment.res_id, moment.id)
        self.assertIn("Late truck", by_moment.name)
        # Out of the rule's days: both resolved.
        self.rule.days = 3
        Alert._kam_evaluate(self.account)
        self.assertEqual(set((alert | by_moment).mapped("state")), {"resolved"})
        # Back within the days: the conditions come back as new alerts.
        self.rule.days = 30
        Alert._kam_evaluate(self.account)
        live = self._alerts().filtered(lambda a: a.state == "open")
        self.assertEqual(len(live), 2)
        self.assertFalse(live & (alert | by_moment))
        # The threshold decides what a poor answer is.
        self.rule.min_survey_score = 3.0
        Alert._kam_evaluate(self.account)
        self.assertEqual(
            self._alerts().filtered(lambda a: a.state == "open").res_model,
            "kam.moment.truth",
        )
        with self.assertRaisesText(ValidationError, "between 0 and 10"):
            self.rule.min_survey_score = 11.0


@tagged("post_install", "-at_install")
class TestSatisfactionSurveyTour(HttpCase):
    """In a browser: the scorecard says 'not enough data' for a survey sent
    but not answered; the survey goes again to the account's contact."""

    def test_survey_tour(self):
        account = self.env.ref(
            "kam_management.demo_account_meseta", raise_if_not_found=False
        )
        if not account:
            self.skipTest("the browser check reads the demo key accounts")
        # A KAM who is not a user of the Surveys app.
        kam = new_test_user(
            self.env,
            login="kam_surveys",
            groups="base.group_user,kam_management.group_kam_user",
            email="kam.surveys@example.com",
        )
        self.assertFalse(kam.has_group("survey.group_survey_user"))
        account.kam_user_id = kam
        self.start_tour(
            f"/odoo/action-kam_management.action_kam_account_my/{account.id}",
            "kam_management_survey_tour",
            login="kam_surveys",
        )
        answers = self.env["survey.user_input"].search(
            [("kam_account_id", "=", account.id)]
        )
        self.assertEqual(len(answers), 2)
        self.assertEqual(
            answers.partner_id,
            self.env.ref("kam_management.demo_contact_meseta_elena"),
        )
