"""The scorecard of each key account, computed from Odoo's own data.

One pass reads the KPIs of all the key accounts of a company with one query
per source (invoices, opportunities, buying centre, interactions, moments of
truth), scores them in pandas (``kam_scoring.scorecard``), writes the results
in one statement and keeps one snapshot per account and month, so that the
trend is visible without recomputing the past.
"""

import math
from collections import defaultdict

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.tools import SQL

from ..kam_scoring.objectives import expected_to_date
from ..kam_scoring.scorecard import (
    ALERT_SEVERITY_POINTS,
    KPI_MAPPINGS,
    health_trend,
    score_scorecard,
    survey_summary,
)
from .kam_account import EXTRA_FIELDS, KPI_FIELDS, SCORE_FIELDS
from .survey_survey import KAM_SURVEY_TYPE
from .survey_user_input import VALID_NPS_LINE, flush_nps

INTERACTION_TYPES = ("comment", "email")


def assign(frame, column, values):
    """Set the cells of ``column`` given by ``values`` (a mapping or a Series
    indexed by account id) in one vectorised step; other cells keep their
    value (NaN in a new column). One cell at a time costs about a
    millisecond in pandas: seconds for a thousand accounts."""
    series = pd.Series(values, dtype=float)
    if series.empty:
        return
    if column not in frame.columns:
        frame[column] = np.nan
    frame.loc[series.index, column] = series


class KamScorecardEngine(models.AbstractModel):
    """Reads the KPIs, scores them and writes the results, set-based."""

    _name = "kam.scorecard.engine"
    _description = "Key Account Scorecard Engine"

    @api.model
    def _cron_compute_scorecards(self):
        accounts = self.env["kam.account"].search([("is_key_account", "=", True)])
        return self._compute_scorecards(accounts)

    @api.model
    def _compute_scorecards(self, accounts):
        """Compute and store the scorecard of ``accounts`` (key accounts)."""
        # sudo: the pass reads every source of the accounts the caller may
        # edit (checked by the callers) and writes the application's fields.
        accounts = accounts.sudo().filtered("is_key_account")
        for company in accounts.company_id:
            company_accounts = accounts.filtered(lambda a, c=company: a.company_id == c)
            self._compute_company(company, company_accounts)
        return accounts

    def _period(self, company, today):
        start = today - relativedelta(months=company.kam_window_months)
        return start, today

    def _compute_company(self, company, accounts):
        today = fields.Date.context_today(self)
        start, end = self._period(company, today)
        kpis = pd.DataFrame(index=pd.Index(accounts.ids, name="account_id"))
        extra = pd.DataFrame(index=kpis.index)
        objectives = self._plan_objectives(accounts, today)
        self._kpis_sales(accounts, start, end, objectives, kpis)
        self._kpis_opportunities(company, accounts, start, objectives, kpis, extra)
        self._kpis_relationships(accounts, start, kpis)
        self._kpis_satisfaction(accounts, start, kpis, extra)
        self._kpis_alerts(accounts, kpis)
        kpis = kpis.reindex(columns=list(KPI_MAPPINGS)).astype(float)
        result = score_scorecard(kpis, company._kam_scorecard_config())
        self._write(accounts, kpis, extra, result, start, today)

    # --- sources -------------------------------------------------------
    def _plan_objectives(self, accounts, today):
        """Revenue and margin objectives of the accounts' active plans.

        :return: ``{(account id, kpi): [actual, expected to date, target]}``;
            the actuals of all the plans are computed in one batch.
        """
        plans = self.env["kam.account.plan"].search(
            [("account_id", "in", accounts.ids), ("state", "=", "active")]
        )
        objectives = plans.objective_ids.filtered(
            lambda o: o.kpi in ("revenue", "gross_margin") and o.target > 0
        )
        sums = defaultdict(lambda: [0.0, 0.0, 0.0])
        for objective in objectives:
            plan = objective.plan_id
            figures = sums[(plan.account_id.id, objective.kpi)]
            figures[0] += objective.actual
            figures[1] += expected_to_date(
                objective.target, plan.date_start, plan.date_end, today
            )
            figures[2] += objective.target
        return sums

    def _kpis_sales(self, accounts, start, end, objectives, kpis):
        achieved = defaultdict(dict)
        for (account_id, kpi), (actual, expected, _target) in objectives.items():
            column = (
                "revenue_achieved_pct" if kpi == "revenue" else "margin_achieved_pct"
            )
            achieved[column][account_id] = actual / expected * 100.0
        for column, values in achieved.items():
            assign(kpis, column, values)
        growth = self.env.execute_query(
            SQL(
                "SELECT id, growth_pct FROM kam_account WHERE id = ANY(%s)",
                accounts.ids,
            )
        )
        assign(
            kpis,
            "growth_pct",
            {account_id: value for account_id, value in growth if value is not None},
        )
        # Product categories whose first purchase falls in the period.
        partner_of = {a.partner_id.id: a.id for a in accounts}
        revenue = self.env["account.move.line"]._kam_revenue_sql(
            accounts.company_id, date_to=end, partners=list(partner_of)
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT first.partner_id, COUNT(*) FILTER (WHERE first.day >= %s)
                  FROM (
                        SELECT r.partner_id, pt.categ_id, MIN(r.invoice_date) AS day
                          FROM (%s) r
                          JOIN product_product pp ON pp.id = r.product_id
                          JOIN product_template pt ON pt.id = pp.product_tmpl_id
                         WHERE r.move_type = 'out_invoice'
                      GROUP BY r.partner_id, pt.categ_id
                       ) first
              GROUP BY first.partner_id
                """,
                start,
                revenue,
            )
        )
        kpis["new_categories"] = 0.0
        assign(
            kpis,
            "new_categories",
            {partner_of[partner_id]: count for partner_id, count in rows},
        )

    def _kpis_opportunities(self, company, accounts, start, objectives, kpis, extra):
        partner_of = {a.partner_id.id: a.id for a in accounts}
        self.env["crm.lead"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       COUNT(*) FILTER (WHERE l.create_date >= %(start)s),
                       COUNT(*) FILTER (WHERE l.type = 'opportunity'
                                          AND l.create_date >= %(start)s),
                       COUNT(*) FILTER (WHERE s.is_won AND l.active
                                          AND l.date_closed >= %(start)s),
                       COALESCE(SUM(l.expected_revenue) FILTER (
                           WHERE s.is_won AND l.active
                             AND l.date_closed >= %(start)s), 0),
                       COUNT(*) FILTER (WHERE NOT l.active AND l.probability = 0
                                          AND COALESCE(l.date_closed, l.write_date)
                                              >= %(start)s),
                       COALESCE(SUM(l.expected_revenue) FILTER (
                           WHERE l.active AND l.type = 'opportunity'
                             AND NOT COALESCE(s.is_won, FALSE)), 0)
                  FROM crm_lead l
                  JOIN res_partner p ON p.id = l.partner_id
             LEFT JOIN crm_stage s ON s.id = l.stage_id
                 WHERE p.commercial_partner_id = ANY(%(partners)s)
                   AND (l.company_id = %(company)s OR l.company_id IS NULL)
              GROUP BY p.commercial_partner_id
                """,
                start=start,
                partners=list(partner_of),
                company=company.id,
            )
        )
        for column in ("qualified_count",):
            kpis[column] = 0.0
        for column in ("sc_identified_count", "sc_won_count"):
            extra[column] = 0
        extra["sc_won_value"] = 0.0
        extra["sc_pipeline_value"] = 0.0
        frame = pd.DataFrame(
            rows,
            columns=[
                "partner_id",
                "sc_identified_count",
                "qualified_count",
                "sc_won_count",
                "sc_won_value",
                "lost",
                "sc_pipeline_value",
            ],
        )
        frame.index = frame["partner_id"].map(partner_of)
        frame = frame.astype(float)
        assign(kpis, "qualified_count", frame["qualified_count"])
        for column in (
            "sc_identified_count",
            "sc_won_count",
            "sc_won_value",
            "sc_pipeline_value",
        ):
            assign(extra, column, frame[column])
        closed = frame["sc_won_count"] + frame["lost"]
        assign(
            kpis,
            "win_rate_pct",
            (frame["sc_won_count"] / closed * 100.0)[closed > 0],
        )
        # Pipeline against the revenue objective still to achieve.
        coverage = {}
        pipeline = extra["sc_pipeline_value"]
        for (account_id, kpi), (actual, _expected, target) in objectives.items():
            if kpi != "revenue":
                continue
            remaining = target - actual
            coverage[account_id] = (
                pipeline.get(account_id, 0.0) / remaining if remaining > 0 else 1.0
            )
        assign(kpis, "pipeline_coverage", coverage)

    def _kpis_relationships(self, accounts, start, kpis):
        self.env["kam.buying.role"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT r.account_id,
                       COUNT(*),
                       COUNT(*) FILTER (WHERE r.relationship_strength >= 3),
                       COUNT(*) FILTER (WHERE r.is_decision_maker),
                       COUNT(*) FILTER (WHERE r.is_decision_maker
                                          AND r.relationship_strength >= 3),
                       COUNT(*) FILTER (WHERE r.create_date >= %s)
                  FROM kam_buying_role r
                 WHERE r.account_id = ANY(%s) AND r.active
              GROUP BY r.account_id
                """,
                start,
                accounts.ids,
            )
        )
        contacts = {row[0]: row[1] for row in rows}
        assign(kpis, "strong_contacts", {row[0]: row[2] for row in rows})
        assign(
            kpis,
            "decision_makers_covered_pct",
            {row[0]: row[4] / row[3] * 100.0 if row[3] else 0.0 for row in rows},
        )
        assign(kpis, "new_contacts", {row[0]: row[5] for row in rows})
        # Interactions with the account's contacts in the period: messages
        # on them, by them or on their buying role, done activities, meetings
        # they attended (as the buying role's last interaction counts them).
        # One set-based query: hash joins, never a scan per contact.
        self.env["mail.message"].flush_model()
        interactions = self.env.execute_query(
            SQL(
                """
                WITH roles AS (
                    SELECT id, account_id, partner_id FROM kam_buying_role
                     WHERE account_id = ANY(%(accounts)s) AND active
                ), touches AS (
                    SELECT r.account_id, 'm' AS kind, m.id
                      FROM roles r
                      JOIN mail_message m
                        ON m.model = 'res.partner' AND m.res_id = r.partner_id
                     WHERE m.date >= %(start)s
                       AND (m.message_type IN %(types)s
                            OR m.mail_activity_type_id IS NOT NULL)
                     UNION
                    SELECT r.account_id, 'm', m.id
                      FROM roles r
                      JOIN mail_message m ON m.author_id = r.partner_id
                     WHERE m.date >= %(start)s
                       AND (m.message_type IN %(types)s
                            OR m.mail_activity_type_id IS NOT NULL)
                     UNION
                    SELECT r.account_id, 'm', m.id
                      FROM roles r
                      JOIN mail_message m
                        ON m.model = 'kam.buying.role' AND m.res_id = r.id
                     WHERE m.date >= %(start)s
                       AND (m.message_type IN %(types)s
                            OR m.mail_activity_type_id IS NOT NULL)
                     UNION
                    SELECT r.account_id, 'e', e.id
                      FROM roles r
                      JOIN calendar_attendee a
                        ON a.partner_id = r.partner_id AND a.state != 'declined'
                      JOIN calendar_event e ON e.id = a.event_id
                     WHERE e.active AND e.start >= %(start)s AND e.start <= NOW()
                )
                SELECT account_id, COUNT(*) FROM touches GROUP BY account_id
                """,
                start=start,
                types=INTERACTION_TYPES,
                accounts=[a for a in accounts.ids if a in contacts],
            )
        )
        assign(
            kpis,
            "interactions",
            {**dict.fromkeys(contacts, 0.0), **dict(interactions)},
        )

    def _kpis_satisfaction(self, accounts, start, kpis, extra):
        self._kpis_survey(accounts, start, kpis, extra)
        groups = self.env["kam.moment.truth"]._read_group(
            [("account_id", "in", accounts.ids), ("date", ">=", start)],
            ["account_id", "outcome"],
            ["__count"],
        )
        balance = defaultdict(lambda: [0, 0])
        for account, outcome, count in groups:
            balance[account.id][0 if outcome == "positive" else 1] += count
        assign(
            kpis,
            "moments_balance_pct",
            {
                account_id: (positive - negative) / (positive + negative) * 100.0
                for account_id, (positive, negative) in balance.items()
            },
        )

    def _kpis_survey(self, accounts, start, kpis, extra):
        """Survey score (mean answer to the NPS question, 0-10), NPS and
        counts from the account's satisfaction surveys of the period: one row
        per answer for all the accounts in one query. Surveys sent but not
        answered leave the score unknown (not enough data), never 0."""
        for model in ("survey.user_input", "survey.user_input.line", "survey.question"):
            self.env[model].flush_model()
        flush_nps(self.env)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT ui.kam_account_id,
                       ui.state = 'done' AND ui.end_datetime >= %(since)s,
                       nps.value
                  FROM survey_user_input ui
                  JOIN survey_survey s
                    ON s.id = ui.survey_id AND s.survey_type = %(type)s
             LEFT JOIN LATERAL (
                        SELECT AVG(l.value_scale)::float8 AS value
                          FROM survey_user_input_line l
                          JOIN survey_question q ON q.id = l.question_id
                         WHERE l.user_input_id = ui.id AND %(valid_line)s
                       ) nps ON TRUE
                 WHERE ui.kam_account_id = ANY(%(ids)s)
                   AND NOT COALESCE(ui.test_entry, FALSE)
                   AND (ui.create_date >= %(since)s
                        OR (ui.state = 'done' AND ui.end_datetime >= %(since)s))
                """,
                since=fields.Datetime.to_datetime(start),
                type=KAM_SURVEY_TYPE,
                ids=accounts.ids,
                valid_line=VALID_NPS_LINE,
            )
        )
        answers = pd.DataFrame(rows, columns=["account_id", "done", "value"])
        extra["sc_survey_sent_count"] = 0
        extra["sc_survey_answer_count"] = 0
        if answers.empty:
            return
        sent = answers.groupby("account_id").size()
        extra.loc[sent.index, "sc_survey_sent_count"] = sent
        done = answers[answers["done"].astype(bool)]
        summary = survey_summary(done[["account_id", "value"]].astype(float))
        summary.index = summary.index.astype(int)
        kpis.loc[summary.index, "survey_score"] = summary["survey_score"]
        extra.loc[summary.index, "sc_survey_nps"] = summary["survey_nps"]
        extra.loc[summary.index, "sc_survey_answer_count"] = summary["survey_answers"]

    def _kpis_alerts(self, accounts, kpis):
        """Points lost to the open alerts of each account, by severity."""
        counts = self.env["kam.alert"]._kam_open_counts(accounts)
        kpis["alert_points_lost"] = 0.0
        assign(
            kpis,
            "alert_points_lost",
            {
                account_id: sum(
                    ALERT_SEVERITY_POINTS.get(severity, 0.0) * count
                    for severity, count in by_severity.items()
                )
                for account_id, by_severity in counts.items()
            },
        )
        return kpis

    # --- writing -------------------------------------------------------
    def _write(self, accounts, kpis, extra, result, start, today):
        now = fields.Datetime.now()
        month = today.replace(day=1)
        previous = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT ON (account_id) account_id, health_score
                      FROM kam_scorecard_snapshot
                     WHERE account_id = ANY(%s) AND month < %s
                  ORDER BY account_id, month DESC
                    """,
                    accounts.ids,
                    month,
                )
            )
        )

        def num(value):
            return (
                None
                if value is None or (isinstance(value, float) and math.isnan(value))
                else float(value)
            )

        # Plain dicts: a pandas cell lookup per value costs seconds here.
        kpi_rows = kpis.to_dict("index")
        result_rows = result.to_dict("index")
        extra_rows = extra.to_dict("index")

        def extra_value(account_id, column, ctype):
            value = num(extra_rows[account_id].get(column))
            if ctype == "int4":
                return int(value or 0)
            return value

        rows = []
        snapshots = []
        for account_id in kpis.index:
            res = result_rows[account_id]
            trend = health_trend(
                num(res["health_score"]), num(previous.get(account_id))
            )
            scores = [num(res[f]) for f in SCORE_FIELDS]
            rows.append(
                SQL(
                    "(%s, %s)",
                    account_id,
                    SQL(", ").join(
                        SQL("%s", v)
                        for v in (
                            *(num(kpi_rows[account_id][n]) for n in KPI_MAPPINGS),
                            *scores,
                            res["health_light"] or None,
                            trend,
                            res["missing_areas"] or None,
                            *(
                                extra_value(account_id, column, ctype)
                                for column, ctype in EXTRA_FIELDS.items()
                            ),
                        )
                    ),
                )
            )
            snapshots.append(
                SQL(
                    "(%s, %s, %s)",
                    account_id,
                    month,
                    SQL(", ").join(SQL("%s", v) for v in scores),
                )
            )
        columns = [
            *KPI_FIELDS,
            *SCORE_FIELDS,
            "health_light",
            "health_trend",
            "scorecard_missing",
            *EXTRA_FIELDS,
        ]
        types = {
            "health_light": "varchar",
            "health_trend": "varchar",
            "scorecard_missing": "varchar",
            **EXTRA_FIELDS,
        }
        self.env["kam.account"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE kam_account a
                   SET %(assignments)s,
                       scorecard_date = %(now)s,
                       scorecard_period_start = %(start)s
                  FROM (VALUES %(rows)s) AS v(id, %(names)s)
                 WHERE a.id = v.id
                """,
                assignments=SQL(", ").join(
                    SQL(
                        "%s = v.%s::%s",
                        SQL.identifier(c),
                        SQL.identifier(c),
                        SQL(types.get(c, "float8")),
                    )
                    for c in columns
                ),
                now=now,
                start=start,
                rows=SQL(", ").join(rows),
                names=SQL(", ").join(SQL.identifier(c) for c in columns),
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO kam_scorecard_snapshot
                       (account_id, month, sales_score, opportunities_score,
                        relationships_score, satisfaction_score, alerts_score,
                        health_score, company_id, kam_user_id, create_uid,
                        create_date, write_uid, write_date)
                SELECT v.account_id, v.month::date, v.s1::float8, v.s2::float8,
                       v.s3::float8, v.s4::float8, v.s5::float8, v.h::float8,
                       a.company_id, a.kam_user_id, %(uid)s, %(now)s, %(uid)s,
                       %(now)s
                  FROM (VALUES %(rows)s) AS v(account_id, month, s1, s2, s3, s4,
                                                s5, h)
                  JOIN kam_account a ON a.id = v.account_id
                ON CONFLICT (account_id, month) DO UPDATE
                   SET sales_score = EXCLUDED.sales_score,
                       opportunities_score = EXCLUDED.opportunities_score,
                       relationships_score = EXCLUDED.relationships_score,
                       satisfaction_score = EXCLUDED.satisfaction_score,
                       alerts_score = EXCLUDED.alerts_score,
                       health_score = EXCLUDED.health_score,
                       write_date = EXCLUDED.write_date,
                       write_uid = EXCLUDED.write_uid
                """,
                uid=self.env.uid,
                now=now,
                rows=SQL(", ").join(snapshots),
            )
        )
        accounts.invalidate_recordset()
        self.env["kam.scorecard.snapshot"].invalidate_model()
