from datetime import timedelta

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.tools import SQL


class KamAccountDemo(models.Model):
    _inherit = "kam.account"

    @api.model
    def _demo_invoice_customers(self, plan):
        """Demo data: post invoices so that every class and quadrant shows up.

        ``plan`` maps a partner xml id to ``(amount, invoices, days_ago,
        previous_amount, product_xmlid)``: the yearly amount spread over
        ``invoices`` posted invoices, the last one ``days_ago`` days ago, the
        amount invoiced in the previous year (for growth) and the product sold
        (its cost gives the margin).
        """
        today = fields.Date.context_today(self)
        vals_list = []
        for xmlid, (amount, count, days_ago, previous, product_xmlid) in plan.items():
            partner = self.env.ref(xmlid)
            product = self.env.ref(product_xmlid)
            for index in range(count):
                vals_list.append(
                    self._demo_invoice_vals(
                        partner,
                        product,
                        today - timedelta(days=days_ago + index * 25),
                        amount / count,
                    )
                )
            if previous:
                vals_list.append(
                    self._demo_invoice_vals(
                        partner, product, today - timedelta(days=400), previous
                    )
                )
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        return True

    @api.model
    def _demo_invoice_vals(self, partner, product, date, amount):
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": date,
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "quantity": round(amount / product.lst_price, 2),
                        "price_unit": product.lst_price,
                        "tax_ids": [],
                    }
                )
            ],
        }

    @api.model
    def _demo_overdue_invoices(self, overdue):
        """Demo data: post invoices past their due date.

        ``overdue`` maps a partner xml id to ``(amount, days_overdue,
        product_xmlid)``: an invoice dated 30 days before its due date.
        """
        today = fields.Date.context_today(self)
        vals_list = []
        for xmlid, (amount, days, product_xmlid) in overdue.items():
            due = today - timedelta(days=days)
            vals = self._demo_invoice_vals(
                self.env.ref(xmlid),
                self.env.ref(product_xmlid),
                due - timedelta(days=30),
                amount,
            )
            vals["invoice_date_due"] = due
            vals_list.append(vals)
        self.env["account.move"].create(vals_list).action_post()
        return True

    @api.model
    def _demo_classify(self):
        self.env["kam.classification.run"]._classify_company(
            self.env.company, trigger="manual"
        )
        return True

    @api.model
    def _demo_scorecards(self):
        """Demo data: scorecards now, and five months of history before.

        The history drifts so that some accounts improve and others worsen:
        the graph and the trend arrows have something to show.
        """
        accounts = self.search(
            [("is_key_account", "=", True), ("company_id", "=", self.env.company.id)]
        )
        engine = self.env["kam.scorecard.engine"]
        engine._compute_scorecards(accounts)
        this_month = fields.Date.context_today(self).replace(day=1)
        areas = (
            "sales_score",
            "opportunities_score",
            "relationships_score",
            "satisfaction_score",
            "alerts_score",
            "health_score",
        )
        # NULL (not enough data) stays NULL in the history too.
        stored = accounts._kam_read_nullable(list(areas))
        vals_list = []
        for index, account in enumerate(accounts.sorted("id")):
            drift = (index % 3 - 1) * 6.0  # worsening, stable, improving
            for months_ago in range(1, 6):
                month = this_month - relativedelta(months=months_ago)
                values = {
                    "account_id": account.id,
                    "month": month,
                }
                for fname in areas:
                    base = stored[account.id][fname] or 0.0
                    values[fname] = max(0.0, min(100.0, base - drift * months_ago))
                vals_list.append(values)
        snapshots = self.env["kam.scorecard.snapshot"].create(vals_list)
        snapshots.flush_recordset()
        for fname in areas:
            # The ORM writes a missing float as 0.0: set NULL in SQL.
            self.env.cr.execute(
                SQL(
                    "UPDATE kam_scorecard_snapshot SET %s = NULL WHERE id = ANY(%s)",
                    SQL.identifier(fname),
                    [
                        snapshot.id
                        for snapshot in snapshots
                        if stored[snapshot.account_id.id][fname] is None
                    ],
                )
            )
        snapshots.invalidate_recordset()
        engine._compute_scorecards(accounts)
        return True
