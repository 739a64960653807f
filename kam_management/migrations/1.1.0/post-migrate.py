"""Accounts keep the run that last changed them; the rest is computed.

Before 18.0.1.1.0 every run rewrote every account with its id and date
(``last_run_id``, ``classified_on``) and the days since the last invoice
(``recency_days``). These are now computed from the company's latest run, and
the account stores only ``changed_run_id``: filled here from the old column so
that upgraded accounts keep showing their classification, then the columns no
field uses any more are dropped.
"""

from odoo.tools import SQL, sql


def migrate(cr, version):
    if not version or not sql.column_exists(cr, "kam_account", "last_run_id"):
        return
    cr.execute(
        """
        UPDATE kam_account
           SET changed_run_id = last_run_id
         WHERE changed_run_id IS NULL AND last_run_id IS NOT NULL
        """
    )
    for column in ("last_run_id", "classified_on", "recency_days"):
        if sql.column_exists(cr, "kam_account", column):
            cr.execute(
                SQL("ALTER TABLE kam_account DROP COLUMN %s", SQL.identifier(column))
            )
