"""The workbooks the monthly mailing sent: who got which, readable by whom.

An attachment is as readable as the record it is bound to, and so is a mail's
message. Bound to the recipient's ``res.users`` record (readable by every
internal user), a mailed workbook was readable by everyone. Each workbook is
bound, with its mail, to a delivery instead, whose record rules match the
workbook's content: its recipient, and the Key Account Directors of its
company (a workbook never holds more than its recipient may read).
"""

import logging
import re

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL
from odoo.tools.translate import code_translations

_logger = logging.getLogger(__name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The name the mailing gives a workbook (kam_portfolio_mailing.py).
WORKBOOK_NAME = "Key account portfolio %(company)s %(start)s %(end)s.xlsx"


class KamPortfolioDelivery(models.Model):
    _name = "kam.portfolio.delivery"
    _description = "Mailed Portfolio Workbook"
    _order = "create_date desc, id desc"
    _rec_name = "workbook_name"

    user_id = fields.Many2one(
        "res.users",
        string="Recipient",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    # The mail template greets ``object.name``: the recipient's name.
    name = fields.Char(related="user_id.name", string="Recipient Name")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="restrict"
    )
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Workbook", readonly=True, ondelete="set null"
    )
    workbook_name = fields.Char(related="attachment_id.name", string="File")

    @api.model
    def _deliver(self, user, company, date_from, date_to, name, content):
        """A delivery of ``content`` (the workbook's bytes) to ``user``.

        Only the mailing calls it, with superuser rights: users never create
        deliveries (they have no right to).
        """
        delivery = self.sudo().create(
            {
                "user_id": user.id,
                "company_id": company.id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )
        # The file belongs to the delivery: readable as the delivery is.
        delivery.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": XLSX_MIMETYPE,
                    "res_model": self._name,
                    "res_id": delivery.id,
                }
            )
        )
        return delivery

    def unlink(self):
        # sudo: the mails of a delivery go with it; Odoo removes the files
        # bound to it. Nothing stays bound to a record that no longer exists
        # (such files and messages would be readable by every user).
        self.env["mail.message"].sudo().search(
            [("model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        return super().unlink()

    def action_download(self):
        """Download the workbook (the server checks the user may read it)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Before 18.0.1.1.0: workbooks bound to the recipient's user record
    # ------------------------------------------------------------------
    @api.model
    def _legacy_name_patterns(self):
        """The workbook's name in English and in every installed language,
        as regular expressions (the company any text, the dates ISO)."""
        names = {WORKBOOK_NAME}
        for lang, __ in self.env["res.lang"].get_installed():
            translated = code_translations.get_python_translations(
                "kam_reports", lang
            ).get(WORKBOOK_NAME)
            if translated:
                names.add(translated)
        day = r"\d{4}-\d{2}-\d{2}"
        patterns = []
        for name in names:
            regex = re.escape(name)
            for placeholder, part in (
                ("%(company)s", ".+"),
                ("%(start)s", day),
                ("%(end)s", day),
            ):
                regex = regex.replace(re.escape(placeholder), part)
            patterns.append(re.compile(regex))
        return patterns

    @api.model
    def _legacy_subject_patterns(self):
        """The mail template's subject in all its stored languages, as
        regular expressions (its placeholders any text)."""
        template = self.env.ref(
            "kam_reports.mail_template_kam_portfolio_workbook",
            raise_if_not_found=False,
        )
        if not template:
            return []
        rows = self.env.execute_query(
            SQL("SELECT subject FROM mail_template WHERE id = %s", template.id)
        )
        subjects = (rows[0][0] if rows else None) or {}
        patterns = []
        for subject in subjects.values():
            parts = re.split(r"\{\{.*?\}\}", subject or "")
            patterns.append(re.compile(".*".join(re.escape(p) for p in parts)))
        return patterns

    @api.model
    def _remove_legacy_user_workbooks(self):
        """Remove the workbooks the mailing bound to the recipients' users.

        Bound to ``res.users``, they were readable by every internal user.
        Only files that the mailing made are removed, told apart by all of:

        - bound to a user record (``res_model`` ``res.users``, not a field's
          file) and of the workbook's type (xlsx);
        - named as the mailing names workbooks, in one of the installed
          languages (``Key account portfolio <company> <date> <date>.xlsx``);
        - and either created by the user the mailing ran as (the superuser,
          or the scheduled action's user: the mailing created them with
          ``sudo()``, which keeps the user), or attached to a mail of the
          mailing (its subject, in any language) on that same user record.

        A mail still waiting in the queue with such a file is cancelled
        rather than sent without it; the next month's mailing sends the new,
        protected workbook. Returns the number of files removed.
        """
        Attachment = self.env["ir.attachment"].sudo()
        candidates = Attachment.search(
            [
                ("res_model", "=", "res.users"),
                ("res_id", "!=", False),
                ("res_field", "=", False),
                ("mimetype", "=", XLSX_MIMETYPE),
            ]
        )
        names = self._legacy_name_patterns()
        candidates = candidates.filtered(
            lambda a: any(p.fullmatch(a.name or "") for p in names)
        )
        if not candidates:
            return 0
        cron = self.env.ref(
            "kam_reports.ir_cron_kam_portfolio_workbook", raise_if_not_found=False
        )
        mailing_uids = {SUPERUSER_ID, cron.sudo().user_id.id if cron else SUPERUSER_ID}
        subjects = self._legacy_subject_patterns()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("attachment_ids", "in", candidates.ids),
                    ("model", "=", "res.users"),
                ]
            )
        )
        mailed = set()
        for message in messages:
            if not any(p.fullmatch(message.subject or "") for p in subjects):
                continue
            for attachment in message.attachment_ids & candidates:
                if attachment.res_id == message.res_id:
                    mailed.add(attachment.id)
        legacy = candidates.filtered(
            lambda a: a.create_uid.id in mailing_uids or a.id in mailed
        )
        if not legacy:
            return 0
        queued = (
            self.env["mail.mail"]
            .sudo()
            .search([("attachment_ids", "in", legacy.ids), ("state", "=", "outgoing")])
        )
        if queued:
            queued.write(
                {
                    "state": "cancel",
                    "failure_reason": self.env._(
                        "The portfolio workbook of this mail was removed: it was "
                        "readable by every user. The next monthly mailing sends "
                        "a protected one."
                    ),
                }
            )
        count = len(legacy)
        legacy.unlink()
        _logger.info(
            "Removed %s portfolio workbook(s) bound to users; %s queued mail(s) "
            "cancelled",
            count,
            len(queued),
        )
        return count
