"""The figures of the portfolio reports, read once with the user's rights.

The accounts come from a search with the user's rights (record rules: a KAM
gets the accounts they manage or serve, a director all of their companies');
the invoiced figures of those accounts' customers come from the same query
as the classification (posted customer invoices minus credit notes, company
currency, cost from the products' cost), restricted to those customers. The
stored results of the classification and the scorecard are read as the
screens show them.
"""

import pandas as pd
from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.addons.kam_management.kam_scoring import pareto_classes
from odoo.addons.kam_management.models.kam_guard import check_date
from odoo.exceptions import UserError
from odoo.tools import SQL

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
    _name = "kam.portfolio.data"
    _description = "Key Account Portfolio Figures"

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
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
        if not date_from or not date_to:
            raise UserError(self.env._("Choose the start and the end of the period."))
        date_from = check_date(self.env, date_from, self.env._("Start of the period"))
        date_to = check_date(self.env, date_to, self.env._("End of the period"))
        if date_to < date_from:
            raise UserError(
                self.env._(
                    "The period ends (%(end)s) before it starts (%(start)s).",
                    end=date_to,
                    start=date_from,
                )
            )
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
        """Everything the workbook shows, as plain Python and pandas values.

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
        customers = self._customer_figures(company, domain, date_from, date_to)
        keys = Account.search(domain + [("is_key_account", "=", True)])
        key_rows = self._key_account_rows(keys, customers)
        return {
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "pareto_a": company.kam_pareto_a,
            "pareto_b": company.kam_pareto_b,
            "potential_threshold": company.kam_potential_threshold,
            "position_threshold": company.kam_position_threshold,
            "max_accounts_per_kam": company.kam_max_accounts_per_kam,
            "customers": customers,
            "key_accounts": key_rows,
            "plans": self._plan_rows(keys, date_from, date_to),
            "movements": self._movements(keys, date_from, date_to),
            "class_moves": self._class_moves(domain, date_from, date_to),
        }

    # ------------------------------------------------------------------
    # Customers (Pareto): one query, whatever the number of customers
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
        query = Account._search(domain)
        self.env.flush_all()
        cost = self.env["kam.classification.engine"]._cost_sql(company)
        self.env.cr.execute(
            SQL(
                """
                WITH acc AS (
                    SELECT a.id, a.partner_id
                      FROM kam_account a
                     WHERE a.id IN %(accounts)s
                ), moves AS (
                    SELECT m.commercial_partner_id AS partner_id,
                           m.move_type,
                           SUM(-l.balance) AS amount,
                           SUM(%(cost)s * CASE WHEN m.move_type = 'out_refund'
                                               THEN -1 ELSE 1 END) AS cost
                      FROM account_move m
                      JOIN account_move_line l
                        ON l.move_id = m.id AND l.display_type = 'product'
                 LEFT JOIN product_product pp ON pp.id = l.product_id
                     WHERE m.company_id = %(company)s
                       AND m.state = 'posted'
                       AND m.move_type IN ('out_invoice', 'out_refund')
                       AND m.invoice_date BETWEEN %(start)s AND %(end)s
                       AND m.commercial_partner_id IN (SELECT partner_id FROM acc)
                  GROUP BY m.id
                )
                SELECT acc.id, p.name, SUM(mv.amount), SUM(mv.amount - mv.cost),
                       COUNT(*) FILTER (WHERE mv.move_type = 'out_invoice')
                  FROM moves mv
                  JOIN acc ON acc.partner_id = mv.partner_id
                  JOIN res_partner p ON p.id = mv.partner_id
              GROUP BY acc.id, p.name
                """,
                accounts=query.subselect(),
                cost=cost,
                company=company.id,
                start=date_from,
                end=date_to,
            )
        )
        columns = ["account_id", "name", "revenue", "margin", "invoice_count"]
        frame = pd.DataFrame(self.env.cr.fetchall(), columns=columns)
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
        plans = self._current_plans(keys)
        selections = {
            fname: dict(
                self.env["kam.account"]._fields[fname]._description_selection(self.env)
            )
            for fname in ("tier", "pareto_class", "rfm_segment", "quadrant")
        }
        rows = []
        for value in values:
            figure = figures.get(value["id"], {})
            plan = plans.get(value["id"])
            row = dict(value)
            row.update(
                {
                    "name": value["partner_id"][1] if value["partner_id"] else "",
                    "kam": value["kam_user_id"][1] if value["kam_user_id"] else "",
                    "kam_id": value["kam_user_id"][0] if value["kam_user_id"] else 0,
                    "team": ", ".join(sorted(team.get(value["id"], []))),
                    "revenue": figure.get("revenue", 0.0),
                    "margin": figure.get("margin", 0.0),
                    "plan": plan,
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
    def _current_plans(self, keys):
        """Each account's current plan: the active one, else the latest started.

        Returns ``{account_id: {"name", "state", "state_label", "achieved"}}``
        where ``achieved`` is the mean % achieved of the plan's objectives.
        """
        Plan = self.env["kam.account.plan"]
        plans = Plan.search(
            [("account_id", "in", keys.ids)],
            order="account_id, date_start desc, id desc",
        )
        states = dict(Plan._fields["state"]._description_selection(self.env))
        chosen = {}
        for plan in plans:
            current = chosen.get(plan.account_id.id)
            if current is None or (
                plan.state == "active" and current.state != "active"
            ):
                chosen[plan.account_id.id] = plan
        result = {}
        for account_id, plan in chosen.items():
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
        """Net moves of each key account over the period: the class and the
        quadrant before its first recorded change and after its last."""
        if not keys:
            return []
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
            ],
            order="account_id, date, id",
        )
        classes = dict(
            History._fields["pareto_class_to"]._description_selection(self.env)
        )
        quadrants = dict(
            History._fields["quadrant_to"]._description_selection(self.env)
        )
        net = {}
        for record in records:
            account_id = record["account_id"][0]
            if account_id not in net:
                net[account_id] = dict(record)
            net[account_id].update(
                date=record["date"],
                pareto_class_to=record["pareto_class_to"],
                quadrant_to=record["quadrant_to"],
            )
        rows = []
        for move in net.values():
            if (
                move["pareto_class_from"] == move["pareto_class_to"]
                and move["quadrant_from"] == move["quadrant_to"]
            ):
                continue
            rows.append(
                {
                    "account": move["account_id"][1],
                    # The day of the change in the user's time zone.
                    "date": fields.Datetime.context_timestamp(
                        self, move["date"]
                    ).date(),
                    "class_from": classes.get(move["pareto_class_from"], ""),
                    "class_to": classes.get(move["pareto_class_to"], ""),
                    "quadrant_from": quadrants.get(move["quadrant_from"], ""),
                    "quadrant_to": quadrants.get(move["quadrant_to"], ""),
                }
            )
        rows.sort(key=lambda r: (r["date"], r["account"]))
        return rows

    @api.model
    def _class_moves(self, domain, date_from, date_to):
        """Class changes recorded in the period for all the selected customers:
        ``{(class_from, class_to): count}``, one grouped query."""
        History = self.env["kam.classification.history"]
        account_domain = [
            (f"account_id.{name}", op, value) for name, op, value in domain
        ]
        groups = History._read_group(
            [*account_domain, *self._history_domain(date_from, date_to)],
            ["pareto_class_from", "pareto_class_to"],
            ["__count"],
        )
        return {
            (class_from or "", class_to or ""): count
            for class_from, class_to, count in groups
            if class_from != class_to
        }
