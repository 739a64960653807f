"""Mailed workbooks are bound to deliveries from 18.0.1.1.0 on.

Before, the monthly mailing bound each workbook to its recipient's user
record, which every internal user may read: the workbooks it left there are
removed (see ``kam.portfolio.delivery._remove_legacy_user_workbooks`` for how
they are told apart from other files, conservatively). The mail template is
moved to the delivery model by the module's data.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["kam.portfolio.delivery"]._remove_legacy_user_workbooks()
