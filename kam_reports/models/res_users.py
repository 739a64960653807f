"""A removed user's mailed workbooks go with them."""

from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def unlink(self):
        # The database would remove the deliveries of a removed user without
        # their files and mails (left readable by everyone): the ORM does.
        # sudo: whoever may remove a user removes what was sent to them.
        self.env["kam.portfolio.delivery"].sudo().search(
            [("user_id", "in", self.ids)]
        ).unlink()
        return super().unlink()
