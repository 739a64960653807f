"""Odoo side of the classification: read in SQL, score in pandas, write in batch.

The maths lives in the pure scoring package of this addon,
:mod:`odoo.addons.kam_management.kam_scoring` (pandas only, never Odoo); this
model only gathers one company's figures in one aggregated query, hands them
to :func:`~odoo.addons.kam_management.kam_scoring.classify` and writes the
results back with set-based SQL. New scorers plug in by extending
:meth:`KamClassificationEngine._kam_scorers` (with ``super()``) and
:meth:`KamClassificationEngine._result_fields`: the scorers of a database
are those of the addons installed in it, nothing global to the process.
"""

import io
import logging
import math

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.tools import SQL

from ..kam_scoring import (
    CLV_COLUMNS,
    CLV_INPUT_COLUMNS,
    DEFAULT_SCORERS,
    ClvScorer,
    classify,
    position_scores,
)

_logger = logging.getLogger(__name__)

# Result columns of the engine written as they are on kam.account.
ENGINE_FIELDS = (
    "revenue_share",
    "cumulative_share",
    "pareto_rank",
    "pareto_class",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_segment",
    "growth_pct",
    "margin_pct",
    "share_of_wallet_pct",
    "volume_score",
    "growth_score",
    "share_of_wallet_score",
    "profitability_score",
    "objectives_fit_score",
    "potential_score",
    "position_score",
    "quadrant",
    # churn and lifetime value (scorer "clv"), with their inputs
    *CLV_INPUT_COLUMNS,
    *CLV_COLUMNS,
)
# Every kam.account field a run writes; nobody else may (see kam.account.write).
# Nothing that changes by itself from one day to the next is stored (the days
# since the last invoice are computed from the run's date): a run with no new
# data finds every result equal and writes no row.
WRITTEN_FIELDS = frozenset(
    ENGINE_FIELDS
    + (
        "changed_run_id",
        "revenue",
        "revenue_prev",
        "invoice_count",
        "last_invoice_date",
        "missing_components",
        "has_position",
    )
)
COMPONENT_KEYS = {
    "volume_score": "volume",
    "growth_score": "growth",
    "share_of_wallet_score": "share_of_wallet",
    "profitability_score": "profitability",
    "objectives_fit_score": "objectives_fit",
}

# Columns of the figures' and the history's rows (see _figures_sql and
# _history_sql), as kam.classification.stage stores them (history's with
# a ``hist_`` prefix).
FIGURE_COLUMNS = (
    "partner_id",
    "revenue",
    "revenue_prev",
    "cost",
    "invoice_count",
    "last_invoice_date",
)
HISTORY_COLUMNS = ("partner_id", "frequency", "first", "last", "total", "first_amount")

# ---- Churn risk and lifetime value ----
# Run fields filled from each fit: {model: (prefix, parameter names)}.
FIT_FIELDS = {
    "bgnbd": ("clv_bgnbd", ("r", "alpha", "a", "b")),
    "gamma_gamma": ("clv_gg", ("p", "q", "gamma")),
}


class KamClassificationEngine(models.AbstractModel):
    _name = "kam.classification.engine"
    _description = "Key Account Classification Engine"

    # ------------------------------------------------------------------
    # Extension points
    # ------------------------------------------------------------------
    @api.model
    def _result_fields(self):
        """kam.account fields written from the engine's columns of the same name.

        Modules adding a scorer extend this list with their own fields.
        """
        return list(ENGINE_FIELDS)

    @api.model
    def _kam_scorers(self):
        """The scorers a run of this database uses (classes or instances):
        the default ones and the lifetime value's (``clv``).

        An addon adding a scorer extends this list with ``super()``, as it
        extends :meth:`_result_fields`; the engine runs them in dependency
        order, whatever their order here.
        """
        return [*DEFAULT_SCORERS, ClvScorer]

    @api.model
    def _classify(self, frame, config):
        """Run this database's scorers on ``frame``.

        The customers only in the fit of the lifetime value models (see
        :meth:`_build_frame`) are left out of the result.
        """
        result = classify(frame, config, self._kam_scorers())
        if "clv_history_only" in result:
            attrs = result.attrs
            result = result.loc[~result["clv_history_only"].astype(bool)].copy()
            result.attrs = attrs
            # They had no revenue in the window, so no other score moved, but
            # they took revenue ranks among the customers without revenue:
            # close the gaps (the order is kept).
            if "pareto_rank" in result and len(result):
                result["pareto_rank"] = (
                    result["pareto_rank"].rank(method="first").astype(int)
                )
        return result

    @api.model
    def _scorer_stats(self, result):
        """Values of the run record from the scorers' own reports (hook): the
        lifetime value's fits (parameters, sample size, log-likelihood,
        convergence)."""
        stats = {}
        info = result.attrs.get("scorer_info", {}).get("clv")
        if not info:
            return stats
        fits = info["fits"]
        bgnbd, spend = fits["bgnbd"], fits["gamma_gamma"]
        status = bgnbd.status if not bgnbd.ok else spend.status
        stats.update(
            {
                "clv_status": status,
                "clv_customer_count": bgnbd.n,
                "clv_repeat_buyers": bgnbd.repeat_buyers,
                "clv_predicted_count": int(result["clv_value"].notna().sum()),
            }
        )
        for model, (prefix, names) in FIT_FIELDS.items():
            fit = fits[model]
            stats[f"{prefix}_n"] = fit.n
            stats[f"{prefix}_converged"] = fit.converged
            stats[f"{prefix}_ll"] = (
                fit.log_likelihood if math.isfinite(fit.log_likelihood) else False
            )
            for name in names:
                stats[f"{prefix}_{name}"] = fit.params.get(name, False)
        return stats

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------
    @api.model
    def _run(self, company, run, config):
        """Classify ``company`` in one go: stage every customer, then publish.

        The scheduled pass does the same in bounded steps (see
        :meth:`_stage_chunk` and :meth:`_publish`): the results are those of
        this unbounded run whatever the steps.
        """
        self._stage_chunk(company, run, 0, None)
        return self._publish(company, run, config)

    @api.model
    def _run_dates(self, run, config):
        """(previous window start, window start, end) of ``run``: the day it
        started, whatever the day its last step runs."""
        today = run.window_end or fields.Date.context_today(self)
        start = (
            today - relativedelta(months=config.window_months) + relativedelta(days=1)
        )
        prev_start = start - relativedelta(months=config.window_months)
        return prev_start, start, today

    @api.model
    def _publish(self, company, run, config):
        """Score the customers staged for ``run`` and write what changed.

        One transaction: until it commits, users see the previous run's
        results, never a mix of two runs.
        """
        prev_start, start, today = self._run_dates(run, config)
        self.env.flush_all()
        figures = self._read_stage(run, today)
        accounts = self._read_accounts(company)
        accounts = self._add_new_accounts(accounts, figures.index)
        frame = self._build_frame(company, figures, accounts, today)
        result = self._classify(frame, config)
        scorer_stats = self._scorer_stats(result)
        result = self._apply_locks(result, accounts)
        moves = self._moves(result, accounts)

        accounts["account_id"], updated = self._write_results(
            company, run, result, accounts
        )
        nominated = self._nominations(company, result, accounts, moves)
        self._write_history(company, run, result, accounts, moves, nominated)
        self.env["kam.account"].invalidate_model()
        if nominated:
            self._nominate(nominated)
        notified = self._notify_kams(result, accounts, moves)
        self._clear_stage(run)

        counts_class = result["pareto_class"].value_counts()
        counts_quadrant = result["quadrant"].value_counts()
        stats = {
            "window_start": start,
            "window_end": today,
            "account_count": len(result),
            "count_a": int(counts_class.get("a", 0)),
            "count_b": int(counts_class.get("b", 0)),
            "count_c": int(counts_class.get("c", 0)),
            "count_invest": int(counts_quadrant.get("invest", 0)),
            "count_selective": int(counts_quadrant.get("selective", 0)),
            "count_maintain": int(counts_quadrant.get("maintain", 0)),
            "count_milk": int(counts_quadrant.get("milk", 0)),
            "count_unplaced": int(result["quadrant"].isna().sum()),
            "change_count": int(moves.sum()),
            "updated_count": updated,
            "locked_count": int(accounts["quadrant_locked"].sum()),
            "nominated_count": len(nominated),
            "notified_count": notified,
            "warnings": self._warnings(company, accounts) or False,
            **scorer_stats,
        }
        # The projected margins were written in SQL: the expected return of
        # the accounts with a planned investment follows them here.
        Account = self.env["kam.account"]
        invested = Account.with_context(active_test=False).search(
            [("company_id", "=", company.id), ("investment_amount", ">", 0)]
        )
        invested.modified(["projected_margin_y1"])
        invested.flush_recordset()
        return stats

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def _read_figures(self, company, prev_start, start, end):
        """Revenue, cost, frequency and recency per commercial partner, one pass.

        The invoiced revenue of ``company`` (``account.move.line``'s reader)
        dated in the current window or the previous one; archived customers
        are left out. Joined with the purchase history of every customer
        ever invoiced (:meth:`_read_history`): all of them count in the fit
        of the lifetime value models (leaving out those who stopped buying
        would make churn look rare).
        """
        self.env.cr.execute(self._figures_sql(company, prev_start, start, end))
        frame = self._figures_frame(
            pd.DataFrame(self.env.cr.fetchall(), columns=FIGURE_COLUMNS)
        )
        history = self._read_history(company, end)
        return frame.join(history, how="outer")

    @api.model
    def _figures_sql(self, company, prev_start, start, end, partners=None):
        """SQL of :meth:`_read_figures`'s rows (``FIGURE_COLUMNS``), for the
        commercial partners ``partners`` (an id range, see ``_kam_revenue_sql``)
        or all."""
        revenue = self.env["account.move.line"]._kam_revenue_sql(
            company, prev_start, end, partners=partners
        )
        return SQL(
            """
            WITH moves AS (
                SELECT r.partner_id,
                       r.move_type,
                       r.invoice_date,
                       r.invoice_date >= %(start)s AS is_current,
                       SUM(r.amount) AS amount,
                       SUM(r.cost) AS cost
                  FROM (%(revenue)s) r
              GROUP BY r.move_id, r.partner_id, r.move_type, r.invoice_date
            )
            SELECT mv.partner_id,
                   COALESCE(SUM(mv.amount) FILTER (WHERE mv.is_current), 0),
                   COALESCE(SUM(mv.amount) FILTER (WHERE NOT mv.is_current), 0),
                   SUM(mv.cost) FILTER (WHERE mv.is_current),
                   COUNT(*) FILTER (
                       WHERE mv.is_current AND mv.move_type = 'out_invoice'),
                   MAX(mv.invoice_date) FILTER (
                       WHERE mv.is_current AND mv.move_type = 'out_invoice')
              FROM moves mv
              JOIN res_partner p ON p.id = mv.partner_id AND p.active
          GROUP BY mv.partner_id
            """,
            start=start,
            revenue=revenue,
        )

    @api.model
    def _figures_frame(self, rows):
        """The figures of :meth:`_figures_sql`'s rows, typed, by partner."""
        frame = rows.set_index("partner_id")
        for column in ("revenue", "revenue_prev", "cost"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        frame["invoice_count"] = frame["invoice_count"].astype(int)
        # One resolution whatever the reader (dates or text).
        frame["last_invoice_date"] = pd.to_datetime(frame["last_invoice_date"]).astype(
            "datetime64[ns]"
        )
        return frame

    # ------------------------------------------------------------------
    # The staged pass: bounded steps into kam.classification.stage
    # ------------------------------------------------------------------
    @api.model
    def _stage_chunk(self, company, run, after, upto):
        """Stage the figures and history of the customers whose id is in
        ``(after, upto]`` (``upto`` None: no upper bound) for ``run``.

        Aggregated and inserted by PostgreSQL in one statement: nothing of it
        goes through Python, whatever the number of customers. Returns the
        number of customers staged.
        """
        prev_start, start, today = self._run_dates(run, run._config())
        partners = (after, upto)
        figures = self._figures_sql(company, prev_start, start, today, partners)
        history = self._history_sql(company, today, partners)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO kam_classification_stage (
                    run_id, partner_id, has_figures, %(figure_columns)s,
                    %(history_columns)s)
                SELECT %(run)s, COALESCE(f.partner_id, h.partner_id),
                       f.partner_id IS NOT NULL, %(figure_values)s,
                       %(history_values)s
                  FROM (%(figures)s) f (%(figure_names)s)
             FULL JOIN (%(history)s) h (%(history_names)s)
                    ON h.partner_id = f.partner_id
                """,
                run=run.id,
                figures=figures,
                history=history,
                figure_names=SQL(", ").join(map(SQL.identifier, FIGURE_COLUMNS)),
                history_names=SQL(", ").join(map(SQL.identifier, HISTORY_COLUMNS)),
                figure_columns=SQL(", ").join(map(SQL.identifier, FIGURE_COLUMNS[1:])),
                history_columns=SQL(", ").join(
                    SQL.identifier(f"hist_{name}") for name in HISTORY_COLUMNS[1:]
                ),
                figure_values=SQL(", ").join(
                    SQL("f.%s", SQL.identifier(name)) for name in FIGURE_COLUMNS[1:]
                ),
                history_values=SQL(", ").join(
                    SQL("h.%s", SQL.identifier(name)) for name in HISTORY_COLUMNS[1:]
                ),
            )
        )
        return self.env.cr.rowcount

    @api.model
    def _read_stage(self, run, today):
        """The frame :meth:`_read_figures` reads, from ``run``'s staged rows.

        Copied out of PostgreSQL as text (``COPY``) rather than fetched as
        Python tuples: a few bytes per customer while it is parsed.
        """
        columns = [
            "partner_id",
            "has_figures",
            *FIGURE_COLUMNS[1:],
            *(f"hist_{name}" for name in HISTORY_COLUMNS[1:]),
        ]
        buffer = io.StringIO()
        self.env.cr._obj.copy_expert(
            self.env.cr.mogrify(
                SQL(
                    "COPY (SELECT %s FROM kam_classification_stage WHERE run_id = %s "
                    "ORDER BY partner_id) TO STDOUT WITH (FORMAT csv, HEADER)",
                    SQL(", ").join(map(SQL.identifier, columns)),
                    run.id,
                )
            ).decode(),
            buffer,
        )
        buffer.seek(0)
        rows = pd.read_csv(
            buffer,
            dtype={"partner_id": "int64", "has_figures": "string"},
            keep_default_na=False,
            na_values=[""],
        )
        staged = rows["has_figures"] == "t"
        figures = self._figures_frame(rows.loc[staged, list(FIGURE_COLUMNS)])
        history_rows = rows.loc[rows["hist_first"].notna()]
        history = self._history_frame(
            pd.DataFrame(
                {
                    name: history_rows[name if name == "partner_id" else f"hist_{name}"]
                    for name in HISTORY_COLUMNS
                }
            ),
            today,
        )
        return figures.join(history, how="outer")

    @api.model
    def _clear_stage(self, run):
        """Drop the rows staged for ``run`` (published, failed or replaced)."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM kam_classification_stage WHERE run_id IN %s",
                tuple(run.ids),
            )
        )

    @api.model
    def _add_new_accounts(self, accounts, partner_ids):
        """Add rows, without an account yet, for the invoiced customers without one.

        Their accounts are created by :meth:`_write_results` with their results
        in one statement: inserting them first and updating them afterwards in
        the same transaction would run every foreign-key check twice (PostgreSQL
        re-checks the keys of any row updated by the transaction that inserted
        it) and write every row twice.
        """
        new = partner_ids.difference(accounts.index)
        if not len(new):
            return accounts
        fresh = pd.DataFrame(index=new, columns=accounts.columns, dtype=object)
        fresh["quadrant_locked"] = False
        fresh["is_key_account"] = False
        return pd.concat([accounts, fresh]).sort_index()

    @api.model
    def _read_accounts(self, company):
        """The company's accounts of active customers, with their inputs."""
        self.env.cr.execute(
            SQL(
                """
                SELECT a.partner_id, a.id, a.pareto_class, a.quadrant,
                       COALESCE(a.quadrant_locked, FALSE), a.wallet_estimate,
                       a.objectives_fit, a.kam_user_id,
                       COALESCE(a.is_key_account, FALSE)
                  FROM kam_account a
                  JOIN res_partner p ON p.id = a.partner_id AND p.active
                 WHERE a.company_id = %s
                """,
                company.id,
            )
        )
        columns = [
            "partner_id",
            "account_id",
            "pareto_class",
            "quadrant",
            "quadrant_locked",
            "wallet_estimate",
            "objectives_fit",
            "kam_user_id",
            "is_key_account",
        ]
        accounts = pd.DataFrame(self.env.cr.fetchall(), columns=columns)
        accounts = accounts.set_index("partner_id").sort_index()
        accounts["quadrant_locked"] = accounts["quadrant_locked"].astype(bool)
        accounts["is_key_account"] = accounts["is_key_account"].astype(bool)
        return accounts

    @api.model
    def _read_positions(self, company):
        """Supplier position per account, from the latest assessment per criterion."""
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id, s.account_id, s.criterion_id, c.weight, s.score, s.date
                  FROM kam_position_assessment s
                  JOIN kam_position_criterion c ON c.id = s.criterion_id AND c.active
                  JOIN kam_account a ON a.id = s.account_id
                 WHERE a.company_id = %s
                """,
                company.id,
            )
        )
        assessments = pd.DataFrame(
            self.env.cr.fetchall(),
            columns=["id", "account_id", "criterion_id", "weight", "score", "date"],
        )
        assessments["date"] = pd.to_datetime(assessments["date"])
        return position_scores(assessments)

    @api.model
    def _build_frame(self, company, figures, accounts, today):
        frame = accounts[["wallet_estimate", "objectives_fit"]].join(figures)
        frame["revenue"] = frame["revenue"].fillna(0.0)
        frame["revenue_prev"] = frame["revenue_prev"].fillna(0.0)
        frame["invoice_count"] = frame["invoice_count"].fillna(0).astype(int)
        frame["days_since_last"] = (
            pd.Timestamp(today) - frame["last_invoice_date"]
        ).dt.days
        frame["wallet_estimate"] = (
            pd.to_numeric(frame["wallet_estimate"], errors="coerce")
            .astype(float)
            .where(lambda s: s > 0)
        )
        frame["objectives_fit"] = (
            pd.to_numeric(frame["objectives_fit"], errors="coerce")
            .astype(float)
            .where(lambda s: s.between(1, 5))
        )
        positions = self._read_positions(company)
        frame["position_score"] = accounts["account_id"].map(positions).astype(float)
        for column in ("clv_frequency", "clv_recency", "clv_age", "clv_monetary"):
            if column not in frame:
                frame[column] = float("nan")
        # Customers who last bought before both windows and have no account:
        # in the fit, but not classified (no account is created for them).
        frame["clv_history_only"] = (
            figures["revenue"].reindex(frame.index).isna()
            & accounts["account_id"].reindex(frame.index).isna()
        )
        return frame

    # ------------------------------------------------------------------
    # Decisions on the results
    # ------------------------------------------------------------------
    @api.model
    def _apply_locks(self, result, accounts):
        """Locked accounts keep the quadrant a director chose."""
        locked = accounts["quadrant_locked"].reindex(result.index, fill_value=False)
        result = result.copy()
        result["quadrant"] = result["quadrant"].astype(object)
        result.loc[locked, "quadrant"] = accounts.loc[locked[locked].index, "quadrant"]
        return result

    @api.model
    def _moves(self, result, accounts):
        """Boolean series: the class or the quadrant of the account changed."""
        before_class = accounts["pareto_class"].reindex(result.index)
        before_quadrant = accounts["quadrant"].reindex(result.index)
        class_moved = before_class.fillna("") != result["pareto_class"].fillna("")
        quadrant_moved = before_quadrant.fillna("") != result["quadrant"].fillna("")
        return class_moved | quadrant_moved

    @api.model
    def _nominations(self, company, result, accounts, moves):
        """Accounts that moved into class A and become key accounts (setting)."""
        if not company.kam_auto_nominate:
            return []
        into_a = (
            moves
            & (result["pareto_class"] == "a")
            & (accounts["pareto_class"].reindex(result.index) != "a")
            & ~accounts["is_key_account"].reindex(result.index, fill_value=False)
        )
        return accounts.loc[into_a[into_a].index, "account_id"].astype(int).tolist()

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    @api.model
    def _copy_frame(self, table, frame):
        """COPY a frame into a fresh temporary table typed like its columns."""
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        cr.execute(
            SQL(
                "CREATE TEMP TABLE %s (%s) ON COMMIT DROP",
                SQL.identifier(table),
                SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(sql_type))
                    for name, sql_type in frame.attrs["sql_types"].items()
                ),
            )
        )
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
        buffer.seek(0)
        cr._obj.copy_expert(
            f"COPY \"{table}\" FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )

    @api.model
    def _write_results(self, company, run, result, accounts):
        """Create or update the accounts whose results changed, in one statement.

        An account whose results are all equal to the stored ones is not
        written at all (no new row version for PostgreSQL to vacuum): its
        record keeps the run that last changed it (``changed_run_id``), and
        the latest run of the company stands for "last classified". Returns
        the account id of every classified customer and the number of
        accounts created or updated.
        """
        Account = self.env["kam.account"]
        names = self._result_fields()
        out = pd.DataFrame(index=result.index)
        out["partner_id"] = result.index.astype(int)
        for name in names:
            # NULL when the scorer providing it is not installed here.
            out[name] = result.get(name, np.nan)
        out["revenue"] = result["revenue"].round(2)
        out["revenue_prev"] = result["revenue_prev"].round(2)
        out["invoice_count"] = result["invoice_count"].astype(int)
        out["last_invoice_date"] = result["last_invoice_date"].dt.strftime("%Y-%m-%d")
        out["has_position"] = result["position_score"].notna()
        missing = pd.Series("", index=result.index)
        for column, key in COMPONENT_KEYS.items():
            missing = missing.where(
                result[column].notna(), missing + np.where(missing == "", "", ",") + key
            )
        out["missing_components"] = missing.replace("", None)
        for name in out.columns:
            field = Account._fields.get(name)
            if field is None:
                continue
            if field.type == "integer":
                out[name] = out[name].astype("Int64")
            elif field.type == "float" and field.get_digits(self.env):
                # Rounded as the ORM stores them (and shorter to serialise).
                out[name] = out[name].round(field.get_digits(self.env)[1])
        out.attrs["sql_types"] = {
            name: Account._fields[name].column_type[1] for name in out.columns
        }
        self._copy_frame("kam_result", out)
        columns = [c for c in out.columns if c != "partner_id"]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO kam_account AS a (
                    partner_id, company_id, active, is_key_account,
                    quadrant_locked, %(columns)s, changed_run_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT t.partner_id, %(company)s, TRUE, FALSE, FALSE, %(values)s,
                       %(run)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM kam_result t
                ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET %(assignments)s,
                       changed_run_id = EXCLUDED.changed_run_id,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                 WHERE a.changed_run_id IS NULL
                    OR ROW(%(stored)s) IS DISTINCT FROM ROW(%(excluded)s)
                RETURNING a.partner_id, a.id
                """,
                columns=SQL(", ").join(SQL.identifier(c) for c in columns),
                values=SQL(", ").join(SQL("t.%s", SQL.identifier(c)) for c in columns),
                assignments=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c))
                    for c in columns
                ),
                stored=SQL(", ").join(SQL("a.%s", SQL.identifier(c)) for c in columns),
                excluded=SQL(", ").join(
                    SQL("EXCLUDED.%s", SQL.identifier(c)) for c in columns
                ),
                company=company.id,
                run=run.id,
                uid=self.env.uid,
            )
        )
        # Only the rows created or updated come back; the others keep the id
        # read with the accounts.
        written = dict(self.env.cr.fetchall())
        known = pd.to_numeric(accounts["account_id"].reindex(result.index))
        account_ids = (
            pd.Series(written, dtype=float).reindex(result.index).fillna(known)
        )
        return account_ids.astype(int), len(written)

    @api.model
    def _write_history(self, company, run, result, accounts, moves, nominated):
        moved = result[moves]
        if moved.empty:
            return
        before = accounts.reindex(moved.index)
        history = pd.DataFrame(
            {
                "account_id": before["account_id"].astype(int),
                "company_id": company.id,
                "run_id": run.id,
                "date": fields.Datetime.to_string(run.date_start),
                "pareto_class_from": before["pareto_class"],
                "pareto_class_to": moved["pareto_class"],
                "quadrant_from": before["quadrant"],
                "quadrant_to": moved["quadrant"],
                "potential_score": moved["potential_score"].round(2),
                "position_score": moved["position_score"].round(2),
                "revenue": moved["revenue"].round(2),
                "nominated": before["account_id"].isin(nominated),
                "create_uid": self.env.uid,
                "write_uid": self.env.uid,
            }
        )
        History = self.env["kam.classification.history"]
        history.attrs["sql_types"] = {
            name: History._fields[name].column_type[1] for name in history.columns
        }
        self._copy_frame("kam_history_new", history)
        columns = SQL(", ").join(SQL.identifier(c) for c in history.columns)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO kam_classification_history (%(columns)s,
                                                        create_date, write_date)
                SELECT %(columns)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC'
                  FROM kam_history_new
                """,
                columns=columns,
            )
        )
        self.env["kam.classification.history"].invalidate_model()

    @api.model
    def _nominate(self, account_ids):
        """Flag the accounts that moved into class A (company setting)."""
        accounts = self.env["kam.account"].browse(account_ids)
        accounts.write(
            {
                "is_key_account": True,
                "key_account_since": fields.Date.context_today(self),
            }
        )

    @api.model
    def _notify_kams(self, result, accounts, moves):
        """Tell each KAM, in the account's chatter, that an account moved.

        Only moves into or out of class A and between quadrants are worth a
        message; they concern a handful of key accounts, not every customer.
        """
        before = accounts.reindex(result.index)
        was_a = before["pareto_class"] == "a"
        is_a = result["pareto_class"] == "a"
        quadrant_moved = (
            before["quadrant"].notna()
            & result["quadrant"].notna()
            & (before["quadrant"] != result["quadrant"])
        )
        to_notify = (
            moves & before["kam_user_id"].notna() & ((was_a != is_a) | quadrant_moved)
        )
        if not to_notify.any():
            return 0
        records = self.env["kam.account"].browse(
            before.loc[to_notify, "account_id"].astype(int).tolist()
        )
        rows = result.loc[to_notify]
        for account, (partner_id, row) in zip(records, rows.iterrows(), strict=True):
            old = before.loc[partner_id]
            # Written for the KAM who reads it, not for whoever started the run.
            lang = account.kam_user_id.lang or self.env.lang
            body = self.with_context(lang=lang)._move_message(
                old["pareto_class"],
                row["pareto_class"],
                old["quadrant"],
                row["quadrant"],
            )
            # Queued for the mail cron rather than sent at the end of the run.
            account.with_context(mail_notify_force_send=False, lang=lang).message_post(
                body=body,
                partner_ids=account.kam_user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return len(records)

    @api.model
    def _move_message(self, class_from, class_to, quadrant_from, quadrant_to):
        """Chatter text of a move, in the language of ``self.env``.

        Names only what changed; a first class or quadrant is said as such.
        """
        Account = self.env["kam.account"]
        classes = dict(Account._fields["pareto_class"]._description_selection(self.env))
        quadrants = dict(Account._fields["quadrant"]._description_selection(self.env))
        class_from = class_from if pd.notna(class_from) else None
        class_to = class_to if pd.notna(class_to) else None
        quadrant_from = quadrant_from if pd.notna(quadrant_from) else None
        quadrant_to = quadrant_to if pd.notna(quadrant_to) else None
        changes = []
        if class_from != class_to:
            if class_from:
                changes.append(
                    self.env._(
                        "class %(class_from)s → %(class_to)s",
                        class_from=classes[class_from],
                        class_to=classes[class_to],
                    )
                )
            else:
                changes.append(
                    self.env._(
                        "first classified as %(class_to)s", class_to=classes[class_to]
                    )
                )
        if quadrant_from != quadrant_to:
            if quadrant_from and quadrant_to:
                changes.append(
                    self.env._(
                        "quadrant %(quadrant_from)s → %(quadrant_to)s",
                        quadrant_from=quadrants[quadrant_from],
                        quadrant_to=quadrants[quadrant_to],
                    )
                )
            elif quadrant_to:
                changes.append(
                    self.env._(
                        "first placed in the quadrant %(quadrant_to)s",
                        quadrant_to=quadrants[quadrant_to],
                    )
                )
            else:
                changes.append(
                    self.env._(
                        "no quadrant any more (was %(quadrant_from)s)",
                        quadrant_from=quadrants[quadrant_from],
                    )
                )
        return self.env._(
            "Classification moved this account: %(changes)s.",
            changes=", ".join(changes),
        )

    @api.model
    def _warnings(self, company, accounts):
        limit = company.kam_max_accounts_per_kam
        groups = self.env["kam.account"]._read_group(
            [
                ("company_id", "=", company.id),
                ("is_key_account", "=", True),
                ("kam_user_id", "!=", False),
            ],
            ["kam_user_id"],
            ["__count"],
        )
        return "\n".join(
            self.env._(
                "%(kam)s manages %(count)s key accounts (recommended maximum "
                "%(limit)s).",
                kam=user.name,
                count=count,
                limit=limit,
            )
            for user, count in groups
            if count > limit
        )

    # ---- Churn risk and lifetime value ----
    # Churn risk and lifetime value in the classification run.
    #
    # The models need each customer's whole purchase history, not the
    # classification window: one more aggregated query reads it (per commercial
    # partner, per company), its four figures join the engine's frame, and the
    # ``clv`` scorer of the scoring package (BG/NBD and Gamma-Gamma) turns them
    # into predictions. Its fits (parameters, sample size, log-likelihood,
    # convergence) are recorded on the run. The history joins the figures in
    # ``_read_figures``; ``_build_frame``, ``_classify``, ``_scorer_stats`` and
    # ``_run`` each have their lifetime value part.

    @api.model
    def _read_history(self, company, today):
        """Purchase history per commercial partner, in days, one query.

        A purchase occasion is a day with at least one posted customer
        invoice; credit notes count against the value, never as an occasion.
        ``clv_frequency`` = occasions - 1, ``clv_recency`` = days from the
        first to the last occasion, ``clv_age`` = days from the first to
        ``today``, ``clv_monetary`` = net value after the first day per
        repeat occasion (company currency, untaxed).
        """
        self.env.cr.execute(self._history_sql(company, today))
        return self._history_frame(
            pd.DataFrame(self.env.cr.fetchall(), columns=HISTORY_COLUMNS), today
        )

    @api.model
    def _history_sql(self, company, today, partners=None):
        """SQL of :meth:`_read_history`'s rows (``HISTORY_COLUMNS``), for the
        commercial partners ``partners`` (an id range, see ``_kam_revenue_sql``)
        or all."""
        revenue = self.env["account.move.line"]._kam_revenue_sql(
            company, date_to=today, partners=partners
        )
        return SQL(
            """
            WITH days AS (
                SELECT r.partner_id,
                       r.invoice_date AS day,
                       SUM(r.amount) AS amount,
                       BOOL_OR(r.move_type = 'out_invoice') AS purchase
                  FROM (%(revenue)s) r
              GROUP BY r.partner_id, r.invoice_date
            )
            SELECT d.partner_id,
                   COUNT(*) FILTER (WHERE d.purchase) - 1,
                   MIN(d.day) FILTER (WHERE d.purchase),
                   MAX(d.day) FILTER (WHERE d.purchase),
                   SUM(d.amount),
                   (ARRAY_AGG(d.amount ORDER BY d.day)
                        FILTER (WHERE d.purchase))[1]
              FROM days d
              JOIN res_partner p ON p.id = d.partner_id AND p.active
          GROUP BY d.partner_id
            HAVING BOOL_OR(d.purchase)
            """,
            revenue=revenue,
        )

    @api.model
    def _history_frame(self, rows, today):
        """The lifetime value inputs of :meth:`_history_sql`'s rows."""
        rows = rows.set_index("partner_id")
        first = pd.to_datetime(rows["first"])
        history = pd.DataFrame(index=rows.index)
        history["clv_frequency"] = rows["frequency"].astype(float)
        history["clv_recency"] = (pd.to_datetime(rows["last"]) - first).dt.days.astype(
            float
        )
        history["clv_age"] = (pd.Timestamp(today) - first).dt.days.astype(float)
        repeat_value = pd.to_numeric(rows["total"]).astype(float) - pd.to_numeric(
            rows["first_amount"]
        ).astype(float)
        history["clv_monetary"] = (repeat_value / history["clv_frequency"]).where(
            history["clv_frequency"] > 0
        )
        return history
