"""Invoiced revenue: the one reader that every pass, screen and report calls.

Invoiced revenue is the product lines (``display_type = 'product'``) of the
posted customer invoices and credit notes of a company, dated by their
invoice date, untaxed and in the company currency (the line's balance: an
invoice in a foreign currency counts at the rate it was posted with);
credit notes count negative. Tax, rounding, payment-term and section or note
lines do not count. A line counts for the commercial entity of the invoice's
customer: an invoice addressed to a contact or a delivery address counts for
its company, archived contacts included. The cost of a line is its quantity
times its product's cost (:meth:`_kam_line_cost_sql`).

Callers aggregate the rows of :meth:`_kam_revenue_sql` in SQL (per customer,
per day, per plan, per period); :meth:`_kam_revenue_by_partner` is the
common case.
"""

from odoo import api, models
from odoo.tools import SQL

#: The move types whose product lines are invoiced revenue.
REVENUE_MOVE_TYPES = ("out_invoice", "out_refund")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _kam_line_cost_sql(self, company):
        """SQL cost of one counted line: quantity times the product's cost.

        The line is ``l`` and its product ``pp`` (none for lines without a
        product: their cost is NULL and sums leave it out). Override to use a
        better cost source (landed or purchase costs, for instance).
        """
        return SQL(
            "l.quantity * (pp.standard_price ->> %s)::numeric",
            str(company.id),
        )

    @api.model
    def _kam_flush_revenue(self):
        """Write pending changes of what the reader reads to the database."""
        self.env["account.move"].flush_model(
            [
                "commercial_partner_id",
                "company_id",
                "state",
                "move_type",
                "invoice_date",
            ]
        )
        self.flush_model(
            ["move_id", "display_type", "balance", "quantity", "product_id"]
        )
        self.env["product.product"].flush_model(["standard_price"])

    @api.model
    def _kam_revenue_sql(self, company, date_from=None, date_to=None, partners=None):
        """SQL of the invoiced revenue lines of ``company``, one row per line.

        :param company: a ``res.company`` record
        :param date_from, date_to: invoice dates, both included (``None``:
            no bound)
        :param partners: commercial partners to keep: ``res.partner``
            records, a list of ids, an ``SQL`` selecting ids or a tuple
            ``(after, upto)``, the ids above ``after`` and up to ``upto``
            (``None``: no upper bound) (``None``: all customers)
        :return: an ``SQL`` row set with the columns ``line_id``,
            ``move_id``, ``partner_id`` (commercial partner), ``invoice_date``,
            ``move_type``, ``product_id``, ``amount`` (untaxed, company
            currency, negative on credit notes) and ``cost`` (negative on
            credit notes, NULL without a product)
        """
        self._kam_flush_revenue()
        conditions = [
            SQL("m.company_id = %s", company.id),
            SQL("m.state = 'posted'"),
            SQL("m.move_type IN %s", REVENUE_MOVE_TYPES),
        ]
        if date_from is not None:
            conditions.append(SQL("m.invoice_date >= %s", date_from))
        if date_to is not None:
            conditions.append(SQL("m.invoice_date <= %s", date_to))
        if isinstance(partners, tuple):
            # A range of ids (after, up to; None: no bound): an index range.
            after, upto = partners
            conditions.append(SQL("m.commercial_partner_id > %s", after))
            if upto is not None:
                conditions.append(SQL("m.commercial_partner_id <= %s", upto))
        elif partners is not None:
            if isinstance(partners, SQL):
                conditions.append(SQL("m.commercial_partner_id IN (%s)", partners))
            else:
                ids = (
                    partners.ids if isinstance(partners, models.BaseModel) else partners
                )
                conditions.append(SQL("m.commercial_partner_id = ANY(%s)", list(ids)))
        return SQL(
            """
            SELECT l.id AS line_id,
                   m.id AS move_id,
                   m.commercial_partner_id AS partner_id,
                   m.invoice_date,
                   m.move_type,
                   l.product_id,
                   -l.balance AS amount,
                   %(cost)s * CASE WHEN m.move_type = 'out_refund'
                                   THEN -1 ELSE 1 END AS cost
              FROM account_move m
              JOIN account_move_line l
                ON l.move_id = m.id AND l.display_type = 'product'
         LEFT JOIN product_product pp ON pp.id = l.product_id
             WHERE %(where)s
            """,
            cost=self._kam_line_cost_sql(company),
            where=SQL(" AND ").join(conditions),
        )

    @api.model
    def _kam_revenue_by_partner(self, company, date_from, date_to, partners=None):
        """Invoiced revenue, cost and margin per commercial partner.

        :return: ``{partner_id: {"revenue", "cost", "margin",
            "invoice_count"}}`` (floats, and the number of invoices, credit
            notes not counted) for the partners with a counted line in the
            period
        """
        rows = self.env.execute_query(
            SQL(
                """
                SELECT r.partner_id,
                       SUM(r.amount),
                       COALESCE(SUM(r.cost), 0),
                       COUNT(DISTINCT r.move_id)
                           FILTER (WHERE r.move_type = 'out_invoice')
                  FROM (%s) r
              GROUP BY r.partner_id
                """,
                self._kam_revenue_sql(company, date_from, date_to, partners),
            )
        )
        return {
            partner_id: {
                "revenue": float(revenue),
                "cost": float(cost),
                "margin": float(revenue) - float(cost),
                "invoice_count": count,
            }
            for partner_id, revenue, cost, count in rows
        }
