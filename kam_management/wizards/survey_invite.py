"""Odoo's survey invitation, opened from a key account.

Invoked for an account, the invitation goes to that account's own contacts
only (the customer and its contacts, the buying centre among them), and each
answer it creates belongs to the account.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mail import email_normalize

from ..models.survey_survey import KAM_SURVEY_TYPE


class SurveyInvite(models.TransientModel):
    _inherit = "survey.invite"

    kam_account_id = fields.Many2one(
        "kam.account", string="Key Account", readonly=True, ondelete="cascade"
    )
    kam_partner_id = fields.Many2one(related="kam_account_id.partner_id")

    @api.model_create_multi
    def create(self, vals_list):
        accounts = self.env["kam.account"].browse(
            [vals["kam_account_id"] for vals in vals_list if vals.get("kam_account_id")]
        )
        # The account must be the user's to send its survey.
        accounts.check_access("read")
        return super().create(vals_list)

    def write(self, vals):
        # The invitation is sent from the account it was opened on: moving it
        # to another account would lend it that account's name and contacts.
        if "kam_account_id" in vals and not self.env.su:
            new_id = vals["kam_account_id"] or False
            if any(invite.kam_account_id.id != new_id for invite in self):
                raise UserError(
                    self.env._(
                        "The key account of a satisfaction survey invitation "
                        "cannot be changed: open the invitation from the other "
                        "account."
                    )
                )
        return super().write(vals)

    @api.constrains("kam_account_id", "partner_ids", "survey_id")
    def _check_kam_recipients(self):
        for invite in self.filtered("kam_account_id"):
            if invite.survey_id.survey_type != KAM_SURVEY_TYPE:
                raise ValidationError(
                    self.env._(
                        "Only a key account satisfaction survey can be sent from a "
                        "key account (%(survey)s is not one).",
                        survey=invite.survey_id.display_name,
                    )
                )
            invite._kam_check_partners(invite.partner_ids)

    def _kam_check_partners(self, partners):
        account = self.kam_account_id
        strangers = partners.filtered(lambda p: not account._kam_is_contact(p))
        if strangers:
            raise ValidationError(
                self.env._(
                    "The satisfaction survey of %(account)s goes to its own "
                    "contacts only; not to %(partners)s.",
                    account=account.display_name,
                    partners=", ".join(strangers.mapped("display_name")),
                )
            )

    def _prepare_answers(self, partners, emails):
        if self.kam_account_id:
            # Typed emails: Odoo matches known ones to contacts (partners);
            # an address of nobody the account knows cannot be its contact.
            self._kam_check_partners(partners)
            if emails:
                raise ValidationError(
                    self.env._(
                        "The satisfaction survey of %(account)s goes to its own "
                        "contacts only; %(emails)s is not the address of one.",
                        account=self.kam_account_id.display_name,
                        emails=", ".join(email_normalize(e) or e for e in emails),
                    )
                )
            # sudo: KAMs create no survey answers themselves (they could then
            # answer in their customer's name); the invitation creates them,
            # for the account's own contacts checked above.
            return super(SurveyInvite, self.sudo())._prepare_answers(partners, emails)
        return super()._prepare_answers(partners, emails)

    def _get_done_partners_emails(self, existing_answers):
        if self.kam_account_id:
            # Only this account's answers count as already sent.
            existing_answers = existing_answers.filtered(
                lambda answer: answer.kam_account_id == self.kam_account_id
            )
        return super()._get_done_partners_emails(existing_answers)

    @api.depends("template_id", "partner_ids")
    def _compute_subject(self):
        # Odoo's invitation ignores its template's subject ("Participate
        # to ..."); a key account's is the supplier's own.
        own = self.filtered(
            lambda invite: (
                invite.kam_account_id
                and invite.template_id.subject
                and not invite.subject
            )
        )
        for invite in own:
            langs = set(invite.partner_ids.mapped("lang")) - {False}
            template = invite.template_id
            if len(langs) == 1:
                template = template.with_context(lang=langs.pop())
            invite.subject = template.subject
        return super(SurveyInvite, self - own)._compute_subject()

    def _send_mail(self, answer):
        if self.kam_account_id:
            # The answer's token is hidden from KAMs (whoever has it answers
            # in the customer's name): the invitation reads it for its mail,
            # rendered with the user's rights from the cache.
            answer.sudo().mapped("access_token")
        return super()._send_mail(answer)

    def _get_answers_values(self):
        values = super()._get_answers_values()
        if self.kam_account_id:
            values["kam_account_id"] = self.kam_account_id.id
        return values
