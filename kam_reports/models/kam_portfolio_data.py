"""The key account portfolio of one company over one period, computed once.

The workbook (and so the monthly mailing, which sends it) and the PDF
portfolio summary render what :meth:`KamPortfolioData._portfolio` returns;
none of them reads an invoice or a history row itself.
"""

from collections import defaultdict

import pandas as pd
from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.addons.kam_management.kam_scoring import QUADRANTS, pareto_classes
from odoo.addons.kam_management.models.kam_guard import check_date
from odoo.exceptions import UserError
from odoo.tools import SQL

# The default period: the last 12 months up to today.
DEFAULT_MONTHS = 12
# Better classes first: a move to a lower rank is an upgrade.
CLASS_RANK = {"a": 0, "b": 1, "c": 2}

# Fields of a key account read for the Accounts, Matrix and KAM sheets.
ACCOUNT_FIELDS = (
    "partner_id",
    "kam_user_id",
    "team_member_ids",
    "tier",
    "pareto_class",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_segment",
    "potential_score",
    "volume_score",
    "growth_score",
    "share_of_wallet_score",
    "profitability_score",
    "objectives_fit_score",
    "position_score",
    "quadrant",
    "health_score",
    "sales_score",
    "opportunities_score",
    "relationships_score",
    "satisfaction_score",
    "alerts_score",
    "coverage_warning",
    "open_alert_count",
    "sc_pipeline_value",
    "sc_won_value",
    "sc_won_count",
    "sc_win_rate_pct",
    "scorecard_date",
    "scorecard_missing",
    "has_position",
    "has_prediction",
    "churn_probability",
    "expected_revenue_12m",
    "clv_value",
)


class KamPortfolioData(models.AbstractModel):
    """The portfolio figures, with one definition each.

    * **Selected accounts**: the company's accounts the user may read (record
      rules), narrowed by the options (KAMs, quadrants, tiers, accounts);
      the **key accounts** are those of them flagged as key accounts.
    * **Revenue** of an account or a customer: invoiced revenue as
      ``account.move.line._kam_revenue_sql`` reads it (the product lines of
      the posted customer invoices and credit notes, untaxed, company
      currency, credit notes negative, for the commercial entity) with an
      invoice date in the period; **margin** is that revenue minus the
      lines' cost.
    * **Portfolio revenue**: the revenue of the selected accounts' customers
      (the Pareto sheet's customers).
    * **Company revenue**: the revenue of every customer of the company,
      with or without an account, archived ones included.
    * **Key account revenue**: the revenue of the selected key accounts;
      their **share of revenue** (and any group's: quadrant, KAM) is a share
      of the company revenue.
    * **Previous period**: the period of equal length just before.
    * **Class in the period** (Pareto sheet): the Pareto class recomputed
      from the period's revenue of the selected customers; the **class** of
      the account (Accounts sheet, screens) is the stored one of the last
      classification, over its own window.
    * **Movement**: a classification-history row of a selected key account
      recorded in the period that changed its class (from one class to
      another), its quadrant (from one quadrant to another) or nominated it
      a key account; an account's first class or first place in the matrix
      is not a movement. The **class changes of all the customers** count
      the class changes of that definition over all the selected accounts.
    * **Current plan** of an account: its active plan, else its newest plan
      that is not closed (by start date); none when all are closed.
    """

    _name = "kam.portfolio.data"
    _description = "Key Account Portfolio Figures"

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.model
    def _default_period(self):
        """``(date_from, date_to)``: the last 12 months up to today."""
        date_to = fields.Date.context_today(self)
        date_from = (
            date_to - relativedelta(months=DEFAULT_MONTHS) + relativedelta(days=1)
        )
        return date_from, date_to

    @api.model
    def _check_period(self, date_from, date_to):
        """The period as dates within the product's years, or a message the
        user reads (dates may be given as ISO texts, as a URL's options give
        them).

        :return: ``(date_from, date_to)``
        """
        if not date_from or not date_to:
            raise UserError(self.env._("Choose the start and the end of the period."))
        date_from = check_date(self.env, date_from, self.env._("Start of the period"))
        date_to = check_date(self.env, date_to, self.env._("End of the period"))
        if date_to < date_from:
            raise UserError(
                self.env._(
                    "The period ends (%(end)s) before it starts (%(start)s).",
                    end=fields.Date.to_string(date_to),
                    start=fields.Date.to_string(date_from),
                )
            )
        return date_from, date_to

    @api.model
    def _check_params(self, company, date_from, date_to, quadrants, tiers):
        """Refuse what cannot make a report, with a message the user reads.

        :return: ``(date_from, date_to)`` as dates within the product's years
        """
        if not company:
            raise UserError(self.env._("Choose a company."))
        if company not in self.env.user.company_ids:
            raise UserError(
                self.env._(
                    "You do not belong to the company %(company)s: choose one of "
                    "your companies.",
                    company=company.sudo().display_name,
                )
            )
        date_from, date_to = self._check_period(date_from, date_to)
        if quadrants is not None and not quadrants:
            raise UserError(self.env._("Choose at least one quadrant."))
        if tiers is not None and not tiers:
            raise UserError(self.env._("Choose at least one tier."))
        return date_from, date_to

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    @api.model
    def _portfolio(
        self,
        company,
        date_from,
        date_to,
        kam_users=None,
        quadrants=None,
        tiers=None,
        accounts=None,
    ):
        """Everything the workbook and the PDF summary show, as plain Python
        and pandas values (see the class for the definitions).

        ``quadrants`` and ``tiers`` are lists of keys, ``None`` for all (then
        accounts without a quadrant or a tier are kept too); ``kam_users`` and
        ``accounts`` (recordsets) narrow the accounts when not empty.
        """
        date_from, date_to = self._check_params(
            company, date_from, date_to, quadrants, tiers
        )
        env = self.with_company(company).with_context(allowed_company_ids=[company.id])
        return env._collect(
            company, date_from, date_to, kam_users, quadrants, tiers, accounts
        )

    @api.model
    def _account_domain(self, company, kam_users, quadrants, tiers, accounts):
        domain = [("company_id", "=", company.id)]
        if kam_users:
            domain.append(("kam_user_id", "in", kam_users.ids))
        if quadrants is not None:
            domain.append(("quadrant", "in", list(quadrants)))
        if tiers is not None:
            domain.append(("tier", "in", list(tiers)))
        if accounts:
            domain.append(("id", "in", accounts.ids))
        return domain

    @api.model
    def _collect(
        self, company, date_from, date_to, kam_users, quadrants, tiers, accounts
    ):
        Account = self.env["kam.account"]
        domain = self._account_domain(company, kam_users, quadrants, tiers, accounts)
        prev_to = date_from - relativedelta(days=1)
        prev_from = prev_to - (date_to - date_from)
        customers = self._customer_figures(company, domain, date_from, date_to)
        keys = Account.search(domain + [("is_key_account", "=", True)])
        key_rows = self._key_account_rows(keys, customers)
        self._add_previous_revenue(company, key_rows, prev_from, prev_to)
        company_revenue, company_revenue_prev = self._company_revenue(
            company, prev_from, date_from, date_to
        )
        key_revenue = sum(row["revenue"] for row in key_rows)
        key_margin = sum(row["margin"] for row in key_rows)
        key_revenue_prev = sum(row["revenue_prev"] for row in key_rows)
        return {
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "prev_from": prev_from,
            "prev_to": prev_to,
            "pareto_a": company.kam_pareto_a,
            "pareto_b": company.kam_pareto_b,
            "potential_threshold": company.kam_potential_threshold,
            "position_threshold": company.kam_position_threshold,
            "max_accounts_per_kam": company.kam_max_accounts_per_kam,
            "customers": customers,
            "key_accounts": key_rows,
            "key_account_count": len(key_rows),
            "other_count": Account.search_count(
                domain + [("is_key_account", "=", False)]
            ),
            "portfolio_revenue": float(customers["revenue"].sum()),
            "company_revenue": company_revenue,
            "company_revenue_prev": company_revenue_prev,
            "key_revenue": key_revenue,
            "key_revenue_prev": key_revenue_prev,
            "key_margin": key_margin,
            "key_share_pct": _pct(key_revenue, company_revenue),
            "key_share_prev_pct": _pct(key_revenue_prev, company_revenue_prev),
            "key_margin_pct": _pct(key_margin, key_revenue),
            "key_growth_pct": (
                _pct(key_revenue - key_revenue_prev, key_revenue_prev)
                if key_revenue_prev
                else None
            ),
            "by_quadrant": self._group_rows(key_rows, "quadrant", company_revenue),
            "by_kam": self._group_rows(key_rows, "kam", company_revenue),
            "plans": self._plan_rows(keys, date_from, date_to),
            **self._movements(keys, date_from, date_to),
            "class_moves": self._class_moves(domain, date_from, date_to),
        }

    # ------------------------------------------------------------------
    # Revenue: the one reader's rows, summed in SQL
    # ------------------------------------------------------------------
    @api.model
    def _customer_figures(self, company, domain, date_from, date_to):
        """Revenue, margin and Pareto class of every customer of the accounts.

        Returns a DataFrame sorted by rank (1 first) with the columns
        ``account_id``, ``name``, ``revenue``, ``margin``, ``invoice_count``,
        ``share``, ``cumulative``, ``rank``, ``pareto_class`` (shares in
        percent): columns of numbers, not one Python object per cell.
        """
        Account = self.env["kam.account"]
        Account.flush_model(["partner_id", "company_id"])
        accounts = Account._search(domain).subselect()
        revenue = self.env["account.move.line"]._kam_revenue_sql(
            company,
            date_from,
            date_to,
            partners=SQL("SELECT partner_id FROM kam_account WHERE id IN %s", accounts),
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT acc.id, p.name,
                       SUM(r.amount),
                       SUM(r.amount) - COALESCE(SUM(r.cost), 0),
                       COUNT(DISTINCT r.move_id)
                           FILTER (WHERE r.move_type = 'out_invoice')
                  FROM (%(revenue)s) r
                  JOIN kam_account acc
                    ON acc.partner_id = r.partner_id AND acc.id IN %(accounts)s
                  JOIN res_partner p ON p.id = r.partner_id
              GROUP BY acc.id, p.name
                """,
                revenue=revenue,
                accounts=accounts,
            )
        )
        columns = ["account_id", "name", "revenue", "margin", "invoice_count"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["revenue"] = frame["revenue"].astype(float)
        frame["margin"] = frame["margin"].astype(float)
        frame["invoice_count"] = frame["invoice_count"].astype(int)
        frame = frame.set_index("account_id")
        ranks = pareto_classes(
            frame["revenue"], a=company.kam_pareto_a, b=company.kam_pareto_b
        )
        frame = frame.join(ranks).sort_values("pareto_rank")
        return frame.reset_index().rename(
            columns={
                "revenue_share": "share",
                "cumulative_share": "cumulative",
                "pareto_rank": "rank",
            }
        )

    @api.model
    def _company_revenue(self, company, prev_from, date_from, date_to):
        """``(revenue, previous revenue)`` of every customer of the company."""
        revenue = self.env["account.move.line"]._kam_revenue_sql(
            company, prev_from, date_to
        )
        [(current, previous)] = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(r.amount) FILTER (WHERE r.invoice_date >= %s), 0),
                       COALESCE(SUM(r.amount) FILTER (WHERE r.invoice_date < %s), 0)
                  FROM (%s) r
                """,
                date_from,
                date_from,
                revenue,
            )
        )
        return float(current), float(previous)

    @api.model
    def _add_previous_revenue(self, company, key_rows, prev_from, prev_to):
        """Each key account's ``revenue_prev``: its previous period's revenue."""
        partners = [row["partner_id"][0] for row in key_rows if row["partner_id"]]
        figures = (
            self.env["account.move.line"]._kam_revenue_by_partner(
                company, prev_from, prev_to, partners=partners
            )
            if partners
            else {}
        )
        for row in key_rows:
            partner_id = row["partner_id"][0] if row["partner_id"] else None
            row["revenue_prev"] = figures.get(partner_id, {}).get("revenue", 0.0)

    # ------------------------------------------------------------------
    # Key accounts
    # ------------------------------------------------------------------
    @api.model
    def _key_account_rows(self, keys, customers):
        """One dict per key account with its stored results and period figures."""
        if not keys:
            return []
        keyed = customers.set_index("account_id").reindex(keys.ids)
        figures = {
            account_id: {"revenue": revenue, "margin": margin}
            for account_id, revenue, margin in zip(
                keys.ids,
                keyed["revenue"].fillna(0.0).tolist(),
                keyed["margin"].fillna(0.0).tolist(),
                strict=True,
            )
        }
        values = keys.read(list(ACCOUNT_FIELDS))
        members = self.env["kam.team.member"].search_read(
            [("account_id", "in", keys.ids)], ["account_id", "user_id"]
        )
        team = {}
        for member in members:
            team.setdefault(member["account_id"][0], []).append(member["user_id"][1])
        plans = self._plan_figures(self._current_plans(keys))
        selections = {
            fname: dict(
                self.env["kam.account"]._fields[fname]._description_selection(self.env)
            )
            for fname in ("tier", "pareto_class", "rfm_segment", "quadrant")
        }
        rows = []
        for value in values:
            figure = figures.get(value["id"], {})
            row = dict(value)
            row.update(
                {
                    "name": value["partner_id"][1] if value["partner_id"] else "",
                    "kam": value["kam_user_id"][1] if value["kam_user_id"] else "",
                    "kam_id": value["kam_user_id"][0] if value["kam_user_id"] else 0,
                    "team": ", ".join(sorted(team.get(value["id"], []))),
                    "revenue": figure.get("revenue", 0.0),
                    "margin": figure.get("margin", 0.0),
                    "plan": plans.get(value["id"]),
                }
            )
            for fname, labels in selections.items():
                row[f"{fname}_label"] = (
                    labels.get(value[fname], "") if value[fname] else ""
                )
            rows.append(row)
        rows.sort(key=lambda r: (-r["revenue"], r["name"]))
        return rows

    @api.model
    def _current_plans(self, accounts):
        """Each account's current plan: its active plan, else its newest plan
        that is not closed; the one-pager and the workbook show this one.

        :return: ``{account_id: kam.account.plan}`` (accounts without a
            current plan left out)
        """
        plans = self.env["kam.account.plan"].search(
            [("account_id", "in", accounts.ids), ("state", "!=", "closed")],
            order="date_start desc, id desc",
        )
        chosen = {}
        for plan in plans:
            known = chosen.get(plan.account_id.id)
            if known is None or (plan.state == "active" and known.state != "active"):
                chosen[plan.account_id.id] = plan
        return chosen

    @api.model
    def _plan_figures(self, plans):
        """``{account_id: {"name", "state", "state_label", "achieved",
        "revenue_target"}}`` of the current plans, ``achieved`` being the
        mean % achieved of the plan's objectives."""
        Plan = self.env["kam.account.plan"]
        states = dict(Plan._fields["state"]._description_selection(self.env))
        result = {}
        for account_id, plan in plans.items():
            achieved = plan.objective_ids.mapped("achieved_pct")
            result[account_id] = {
                "name": plan.name,
                "state": plan.state,
                "state_label": states.get(plan.state, ""),
                "achieved": sum(achieved) / len(achieved) if achieved else None,
                "revenue_target": plan.revenue_target,
            }
        return result

    @api.model
    def _group_rows(self, key_rows, key, company_revenue):
        """Key accounts summed per quadrant (every quadrant in the matrix's
        order, then the accounts not assessed if any) or per KAM (by name,
        then the accounts without one)."""
        groups = defaultdict(list)
        for row in key_rows:
            groups[
                row["quadrant"] or False if key == "quadrant" else row["kam_id"]
            ].append(row)
        if key == "quadrant":
            labels = dict(
                self.env["kam.account"]
                ._fields["quadrant"]
                ._description_selection(self.env)
            )
            keys = [*QUADRANTS, *([False] if False in groups else [])]
            label_of = {**labels, False: self.env._("Not Assessed")}
        else:
            names = {row["kam_id"]: row["kam"] for row in key_rows}
            keys = sorted(groups, key=lambda k: (not k, names[k]))
            label_of = {k: names[k] if k else self.env._("No KAM") for k in keys}
        result = []
        for group_key in keys:
            rows = groups.get(group_key, [])
            revenue = sum(r["revenue"] for r in rows)
            margin = sum(r["margin"] for r in rows)
            result.append(
                {
                    "key": group_key,
                    "label": label_of[group_key],
                    "count": len(rows),
                    "revenue": revenue,
                    "margin": margin,
                    "margin_pct": _pct(margin, revenue),
                    "share_pct": _pct(revenue, company_revenue),
                }
            )
        return result

    @api.model
    def _plan_rows(self, keys, date_from, date_to):
        """Objectives of the plans of the period (one row each; a plan
        without objectives gives one row)."""
        if not keys:
            return []
        Plan = self.env["kam.account.plan"]
        plans = Plan.search(
            [
                ("account_id", "in", keys.ids),
                ("date_start", "<=", date_to),
                ("date_end", ">=", date_from),
            ],
            order="account_id, date_start, id",
        )
        states = dict(Plan._fields["state"]._description_selection(self.env))
        kpis = dict(
            self.env["kam.plan.objective"]
            ._fields["kpi"]
            ._description_selection(self.env)
        )
        rows = []
        for plan in plans:
            base = {
                "account": plan.account_id.display_name,
                "plan": plan.name,
                "kam": plan.kam_user_id.name or "",
                "state": states.get(plan.state, ""),
                "date_start": plan.date_start,
                "date_end": plan.date_end,
                "open_actions": plan.open_action_count,
            }
            if not plan.objective_ids:
                rows.append(dict(base, objective="", kpi="", unit=""))
            for objective in plan.objective_ids:
                rows.append(
                    dict(
                        base,
                        objective=objective.name,
                        kpi=kpis.get(objective.kpi, ""),
                        unit=objective.unit or "",
                        target=objective.target,
                        actual=objective.actual,
                        achieved=objective.achieved_pct,
                    )
                )
        return rows

    # ------------------------------------------------------------------
    # Movements (classification history)
    # ------------------------------------------------------------------
    @api.model
    def _history_domain(self, date_from, date_to):
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to) + relativedelta(days=1)
        return [("date", ">=", start), ("date", "<", end)]

    @api.model
    def _movements(self, keys, date_from, date_to):
        """The movements of the key accounts ``keys`` in the period (see the
        class), newest first, and their counts.

        :return: ``{"movements": [...], "movement_counts": {"class_up",
            "class_down", "quadrant", "nominated"}}``
        """
        counts = {"class_up": 0, "class_down": 0, "quadrant": 0, "nominated": 0}
        if not keys:
            return {"movements": [], "movement_counts": counts}
        History = self.env["kam.classification.history"]
        records = History.search_read(
            [("account_id", "in", keys.ids), *self._history_domain(date_from, date_to)],
            [
                "account_id",
                "date",
                "pareto_class_from",
                "pareto_class_to",
                "quadrant_from",
                "quadrant_to",
                "nominated",
            ],
            order="date desc, id desc",
        )
        classes = dict(
            History._fields["pareto_class_to"]._description_selection(self.env)
        )
        quadrants = dict(
            History._fields["quadrant_to"]._description_selection(self.env)
        )
        movements = []
        for record in records:
            class_from, class_to = (
                record["pareto_class_from"],
                record["pareto_class_to"],
            )
            quadrant_from, quadrant_to = record["quadrant_from"], record["quadrant_to"]
            class_moved = bool(class_from and class_from != class_to)
            quadrant_moved = bool(quadrant_from and quadrant_from != quadrant_to)
            if not (class_moved or quadrant_moved or record["nominated"]):
                continue
            if class_moved:
                up = CLASS_RANK.get(class_to, 3) < CLASS_RANK[class_from]
                counts["class_up" if up else "class_down"] += 1
            counts["quadrant"] += quadrant_moved
            counts["nominated"] += record["nominated"]
            movements.append(
                {
                    "account_id": record["account_id"][0],
                    "account": record["account_id"][1],
                    # The day of the change in the user's time zone.
                    "date": fields.Datetime.context_timestamp(
                        self, record["date"]
                    ).date(),
                    "class_moved": class_moved,
                    "quadrant_moved": quadrant_moved,
                    "nominated": record["nominated"],
                    "class_from": classes.get(class_from, ""),
                    "class_to": classes.get(class_to, ""),
                    "quadrant_from": quadrants.get(quadrant_from, ""),
                    "quadrant_to": quadrants.get(quadrant_to, ""),
                }
            )
        return {"movements": movements, "movement_counts": counts}

    @api.model
    def _class_moves(self, domain, date_from, date_to):
        """The class changes recorded in the period for all the selected
        accounts: ``{(class_from, class_to): count}``, one grouped query."""
        History = self.env["kam.classification.history"]
        account_domain = [
            (f"account_id.{name}", op, value) for name, op, value in domain
        ]
        groups = History._read_group(
            [
                *account_domain,
                *self._history_domain(date_from, date_to),
                ("pareto_class_from", "!=", False),
            ],
            ["pareto_class_from", "pareto_class_to"],
            ["__count"],
        )
        return {
            (class_from, class_to or ""): count
            for class_from, class_to, count in groups
            if class_from != class_to
        }


def _pct(part, whole):
    return part / whole * 100.0 if whole else 0.0
