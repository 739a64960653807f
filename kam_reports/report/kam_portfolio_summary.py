"""The figures of the portfolio summary, shared by the PDF and the workbook."""

from collections import defaultdict

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.addons.kam_management.models.kam_guard import check_date
from odoo.exceptions import UserError
from odoo.tools import SQL

DEFAULT_MONTHS = 12


class KamReportsPortfolioSummary(models.AbstractModel):
    """Key accounts, their share of revenue and their movements over a period.

    ``_summary_data`` is the one place the summary is computed: the PDF
    portfolio summary renders it, the Excel workbook's Summary sheet can write
    it. The accounts are read with the caller's rights (a KAM passes only the
    accounts they may read); invoices are summed in SQL, only totals leave.
    """

    _name = "kam.reports.portfolio.summary"
    _description = "Key Account Portfolio Summary"

    @api.model
    def _default_period(self):
        """``(date_from, date_to)``: the last 12 months up to today."""
        date_to = fields.Date.context_today(self)
        date_from = (
            date_to - relativedelta(months=DEFAULT_MONTHS) + relativedelta(days=1)
        )
        return date_from, date_to

    @api.model
    def _period_dates(self, date_from, date_to):
        """``(date_from, date_to)`` given as dates or ISO texts (as a URL's
        options give them), as dates within the product's years.

        :raise ValidationError: naming the start or the end of the period
        """
        return (
            check_date(self.env, date_from, self.env._("Start of the period")),
            check_date(self.env, date_to, self.env._("End of the period")),
        )

    @api.model
    def _check_period(self, date_from, date_to):
        if date_to < date_from:
            raise UserError(
                self.env._(
                    "The period ends (%(end)s) before it starts (%(start)s).",
                    end=fields.Date.to_string(date_to),
                    start=fields.Date.to_string(date_from),
                )
            )

    @api.model
    def _summary_data(self, accounts, date_from, date_to):
        """The summary of the key accounts among ``accounts`` for one company.

        :param accounts: ``kam.account`` records of one company (others than
            key accounts are counted apart and left out of the figures);
            read with the caller's rights.
        :param date_from, date_to: the period (dates, both included); the
            previous period is the one of equal length just before.
        :return: a dict of plain values (numbers, strings, dates, records):
            ``company``, ``currency``, the periods, ``key_account_count``,
            ``other_count``, ``total_revenue`` (all customers of the company),
            ``key_revenue``, ``key_margin``, ``key_share_pct``,
            ``key_margin_pct``, the same ``*_prev`` for the previous period,
            ``by_quadrant`` and ``by_kam`` (lists of rows with ``label``,
            ``count``, ``revenue``, ``margin``, ``margin_pct``, ``share_pct``),
            ``movements`` (newest first) and ``movement_counts``.
        """
        date_from, date_to = self._period_dates(date_from, date_to)
        self._check_period(date_from, date_to)
        accounts.check_access("read")
        if len(accounts.company_id) > 1:
            raise UserError(
                self.env._(
                    "The portfolio summary covers one company at a time: the "
                    "accounts given belong to %(companies)s.",
                    companies=", ".join(accounts.company_id.mapped("name")),
                )
            )
        company = accounts.company_id or self.env.company
        prev_to = date_from - relativedelta(days=1)
        prev_from = prev_to - (date_to - date_from)
        key_accounts = accounts.filtered("is_key_account")
        totals, by_partner = self._read_revenue(
            company, key_accounts.partner_id, prev_from, date_from, date_to
        )
        rows = []
        for account in key_accounts:
            figures = by_partner.get(account.partner_id.id, {})
            rows.append(
                {
                    "account": account,
                    "revenue": figures.get("revenue", 0.0),
                    "margin": figures.get("margin", 0.0),
                    "revenue_prev": figures.get("revenue_prev", 0.0),
                }
            )
        key_revenue = sum(r["revenue"] for r in rows)
        key_margin = sum(r["margin"] for r in rows)
        key_revenue_prev = sum(r["revenue_prev"] for r in rows)
        total = totals["revenue"]
        total_prev = totals["revenue_prev"]
        return {
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "prev_from": prev_from,
            "prev_to": prev_to,
            "key_account_count": len(key_accounts),
            "other_count": len(accounts - key_accounts),
            "total_revenue": total,
            "total_revenue_prev": total_prev,
            "key_revenue": key_revenue,
            "key_revenue_prev": key_revenue_prev,
            "key_margin": key_margin,
            "key_share_pct": _pct(key_revenue, total),
            "key_share_prev_pct": _pct(key_revenue_prev, total_prev),
            "key_margin_pct": _pct(key_margin, key_revenue),
            "key_growth_pct": (
                _pct(key_revenue - key_revenue_prev, key_revenue_prev)
                if key_revenue_prev
                else None
            ),
            "by_quadrant": self._group_rows(rows, "quadrant", total),
            "by_kam": self._group_rows(rows, "kam", total),
            **self._movements(accounts, date_from, date_to),
        }

    # ------------------------------------------------------------------
    # Revenue
    # ------------------------------------------------------------------
    @api.model
    def _read_revenue(self, company, partners, prev_from, date_from, date_to):
        """Net invoiced revenue and margin of the period and the previous one.

        Posted customer invoices minus credit notes, in company currency,
        per commercial partner (as the classification counts them); the cost
        of a line comes from ``kam.classification.engine._cost_sql``.

        :return: ``(totals, by_partner)``: the company's totals
            ``{"revenue", "revenue_prev"}`` and ``{partner_id: {"revenue",
            "margin", "revenue_prev"}}`` for ``partners``.
        """
        for model in ("account.move", "account.move.line", "product.product"):
            self.env[model].flush_model()
        cost = self.env["kam.classification.engine"]._cost_sql(company)
        sign = SQL("CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END")
        query = SQL(
            """
            SELECT m.commercial_partner_id,
                   SUM(-l.balance) FILTER (WHERE m.invoice_date >= %(start)s),
                   SUM(%(cost)s * %(sign)s) FILTER (WHERE m.invoice_date >= %(start)s),
                   SUM(-l.balance) FILTER (WHERE m.invoice_date < %(start)s)
              FROM account_move m
              JOIN account_move_line l
                ON l.move_id = m.id AND l.display_type = 'product'
         LEFT JOIN product_product pp ON pp.id = l.product_id
             WHERE m.company_id = %(company)s
               AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date BETWEEN %(prev_from)s AND %(date_to)s
          GROUP BY m.commercial_partner_id
            """,
            start=date_from,
            cost=cost,
            sign=sign,
            company=company.id,
            prev_from=prev_from,
            date_to=date_to,
        )
        wanted = set(partners.ids)
        totals = {"revenue": 0.0, "revenue_prev": 0.0}
        by_partner = {}
        for partner_id, revenue, cost_sum, revenue_prev in self.env.execute_query(
            query
        ):
            revenue = float(revenue or 0.0)
            revenue_prev = float(revenue_prev or 0.0)
            totals["revenue"] += revenue
            totals["revenue_prev"] += revenue_prev
            if partner_id in wanted:
                by_partner[partner_id] = {
                    "revenue": revenue,
                    "margin": revenue - float(cost_sum or 0.0),
                    "revenue_prev": revenue_prev,
                }
        return totals, by_partner

    @api.model
    def _group_rows(self, rows, key, total):
        """Rows summed per quadrant (in the matrix's order) or per KAM."""
        groups = defaultdict(lambda: {"count": 0, "revenue": 0.0, "margin": 0.0})
        for row in rows:
            account = row["account"]
            group_key = account.quadrant if key == "quadrant" else account.kam_user_id
            group = groups[group_key]
            group["count"] += 1
            group["revenue"] += row["revenue"]
            group["margin"] += row["margin"]
        if key == "quadrant":
            labels = dict(
                self.env["kam.account"]
                ._fields["quadrant"]
                ._description_selection(self.env)
            )
            order = [*labels, False]
            keys = [k for k in order if k in groups]
            label_of = {**labels, False: self.env._("Not Assessed")}
        else:
            keys = sorted(groups, key=lambda u: (not u, u.name or ""))
            label_of = {u: u.name if u else self.env._("No KAM") for u in keys}
        result = []
        for group_key in keys:
            group = groups[group_key]
            result.append(
                {
                    "key": group_key,
                    "label": label_of[group_key],
                    "count": group["count"],
                    "revenue": group["revenue"],
                    "margin": group["margin"],
                    "margin_pct": _pct(group["margin"], group["revenue"]),
                    "share_pct": _pct(group["revenue"], total),
                }
            )
        return result

    # ------------------------------------------------------------------
    # Movements
    # ------------------------------------------------------------------
    @api.model
    def _movements(self, accounts, date_from, date_to):
        """Class and quadrant changes of ``accounts`` recorded in the period.

        A change is a history row whose class or quadrant differs from the
        one before (an account's first classification is not a change).
        """
        history = self.env["kam.classification.history"].search(
            [
                ("account_id", "in", accounts.ids),
                ("date", ">=", fields.Datetime.to_datetime(date_from)),
                (
                    "date",
                    "<",
                    fields.Datetime.to_datetime(date_to + relativedelta(days=1)),
                ),
            ],
            order="date desc, id desc",
        )
        rank = {"a": 0, "b": 1, "c": 2}
        movements = []
        counts = {"class_up": 0, "class_down": 0, "quadrant": 0, "nominated": 0}
        for row in history:
            class_moved = bool(
                row.pareto_class_from and row.pareto_class_from != row.pareto_class_to
            )
            quadrant_moved = bool(
                row.quadrant_from and row.quadrant_from != row.quadrant_to
            )
            if not (class_moved or quadrant_moved or row.nominated):
                continue
            if class_moved:
                up = rank.get(row.pareto_class_to, 3) < rank[row.pareto_class_from]
                counts["class_up" if up else "class_down"] += 1
            counts["quadrant"] += quadrant_moved
            counts["nominated"] += row.nominated
            movements.append(
                {
                    "history": row,
                    "account": row.account_id,
                    "date": row.date,
                    "class_moved": class_moved,
                    "quadrant_moved": quadrant_moved,
                }
            )
        return {"movements": movements, "movement_counts": counts}


def _pct(part, whole):
    return part / whole * 100.0 if whole else 0.0
