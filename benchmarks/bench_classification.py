#!/usr/bin/env python3
"""Benchmark of the key-account classification on a large generated database.

    python3 benchmarks/bench_classification.py            # 100,000 customers,
                                                          # 2,000,000 lines
    python3 benchmarks/bench_classification.py --small    # quick check
    python3 benchmarks/bench_classification.py --reuse --json figures.json

1. Creates the database ``kam_bench`` with ``kam_management`` installed without
   demo data, through Odoo's command line (``--reuse`` keeps an existing one
   whose generated data has the requested size, and only updates the addon).
2. Generates N customers and M invoice lines straight into PostgreSQL with
   set-based SQL: posted customer invoices (about 10% credit notes) of the main
   company spread over the last 24 months, five product lines and one
   receivable line per move, skewed amounts so that classes A, B and C all
   show up; then a few key accounts with a KAM and supplier-position
   assessments so that the quadrants show up. The generation time is printed
   but is no part of the figures.
3. Measures, in a fresh Odoo process (a subprocess of this script, so that its
   peak memory is its own): the bare SQL aggregation the engine runs (best of
   3, fetch included), the first classification run (creates every account)
   the second one (same data, nothing changed), the next day's (same data, the
   clock one day later: the window moves by a day and every customer is a day
   older) and a third one that day after a night's change
   (``CANCELLED_SHARE`` of the window's invoices cancelled, put back
   afterwards), each committed, their ratio to the bare aggregation, the rows
   each run wrote (inserted and updated rows of ``kam_account`` and
   ``kam_classification_history``, counted by PostgreSQL for the run's
   transaction), the time spent in each phase of the engine and the process's
   memory.

The goals (full run under 60 s and under 3x the bare aggregation; the second
run and the next day's, with no new invoice, write no row) are printed
with PASS or MISS; the exit code is 0 either way (a measurement, not a test),
unless the benchmark itself cannot run or a classification run fails.

PostgreSQL is the one ``scripts/kam_dev.py`` uses (Odoo configuration file in
``ODOO_RC``, PG* variables, else its private embedded server).
"""

import argparse
import contextlib
import datetime
import json
import sys
import time
from pathlib import Path

import harness

ADDON = "kam_management"
GOAL_SECONDS = 60.0
GOAL_RATIO = 3.0
BARE_REPEAT = 3
# Share of the window's invoices cancelled before the third run: a night's
# change, to see the rows written follow the change.
CANCELLED_SHARE = 0.002
# The runs measured, in order, with the day each runs on (0: today; 1: the
# clock one day later, Odoo's own freezegun moving it).
RUNS = (("first", 0), ("second", 0), ("next day", 1), ("third", 1))
# Tables whose rows a run writes, counted from PostgreSQL's statistics.
WRITTEN_TABLES = ("kam_account", "kam_classification_history")
# Engine methods timed one by one (those missing in the engine are skipped).
PHASES = (
    "_read_figures",
    "_create_missing_accounts",
    "_read_accounts",
    "_build_frame",
    "_read_positions",
    "classify",
    "_apply_locks",
    "_moves",
    "_nominations",
    "_write_results",
    "_write_history",
    "_copy_frame",
    "_nominate",
    "_notify_kams",
    "_warnings",
)
RUN_COUNTS = (
    "account_count",
    "count_a",
    "count_b",
    "count_c",
    "count_invest",
    "count_selective",
    "count_maintain",
    "count_milk",
    "count_unplaced",
    "change_count",
    "updated_count",
    "locked_count",
    "nominated_count",
    "notified_count",
)


# --------------------------------------------------------------------------
# Main process: database, generation, measurement, report
# --------------------------------------------------------------------------
def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return harness.worker(args.payload, WORKERS[args.worker])
    sizes = harness.sizes_of(args)
    print(
        f"kam_management classification benchmark: {sizes['customers']:,} "
        f"customers, {sizes['lines']:,} invoice lines, database {args.database}"
    )
    setup = harness.prepare_generated_database(
        __file__, args.database, sizes, addons=ADDON, reuse=args.reuse
    )
    payload = harness.odoo_payload(args.database, **sizes)
    started = time.monotonic()
    seeded = harness.run_in_odoo(__file__, "seed", payload)
    harness.vacuum_analyze(args.database)
    setup["seed_and_analyze_s"] = time.monotonic() - started
    print(
        f"Key accounts seeded and tables analyzed in "
        f"{setup['seed_and_analyze_s']:.1f} s ({seeded['accounts']} accounts, "
        f"{seeded['assessments']} assessments, {seeded['kams']} KAMs)."
    )

    print("Measuring in a fresh Odoo process...")
    figures = harness.run_in_odoo(__file__, "measure", payload)
    report = build_report(sizes, seeded, setup, figures)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"Figures written to {args.json}")
    failed = [run for run in figures["runs"] if run["state"] != "done"]
    if failed:
        for run in failed:
            print(f"The {run['label']} run ended {run['state']}: {run['error']}")
        return 1
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    harness.size_arguments(parser)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database and its generated data when their size matches "
        "(the addon is updated with -u)",
    )
    parser.add_argument("--database", default=harness.DEFAULT_DB, help="database name")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    harness.worker_arguments(parser)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def on_day(day):
    """The clock ``day`` days from now (ticking), or left alone for 0."""
    if not day:
        return contextlib.nullcontext()
    from freezegun import freeze_time  # noqa: PLC0415 (an Odoo requirement)

    return freeze_time(
        datetime.datetime.now() + datetime.timedelta(days=day), tick=True
    )


def build_report(sizes, seeded, setup, figures):
    bare = figures["bare_aggregation_s"]
    runs = figures["runs"]
    for run in runs:
        run["ratio_to_bare"] = run["full_s"] / bare if bare else None
    goals = []
    for run in runs:
        goals.append(
            {
                "goal": f"{run['label']} run < {GOAL_SECONDS:.0f} s",
                "value": run["full_s"],
                "pass": run["full_s"] < GOAL_SECONDS,
            }
        )
        goals.append(
            {
                "goal": f"{run['label']} run < {GOAL_RATIO:g}x bare aggregation",
                "value": run["ratio_to_bare"],
                "pass": run["ratio_to_bare"] is not None
                and run["ratio_to_bare"] < GOAL_RATIO,
            }
        )
    for quiet in (run for run in runs if run["label"] in ("second", "next day")):
        written = sum(quiet["rows_written"]["total"].values())
        goals.append(
            {
                "goal": f"{quiet['label']} run writes no row",
                "value": written,
                "pass": not written,
            }
        )
    return {
        "customers": sizes["customers"],
        "invoice_lines": sizes["lines"],
        "data": figures["data"],
        "seeded": seeded,
        "setup_s": setup,
        "bare_aggregation_s": bare,
        "bare_aggregation_all_s": figures["bare_aggregation_all_s"],
        "read_figures_s": figures["read_figures_s"],
        "figure_rows": figures["figure_rows"],
        "runs": runs,
        "rss_start_mib": figures["rss_start_mib"],
        "rss_before_run_mib": figures["rss_before_run_mib"],
        "peak_rss_mib": figures["peak_rss_mib"],
        "goals": goals,
    }


def print_report(report):
    data = report["data"]
    runs = report["runs"]
    print()
    print(
        f"Data: {data['customers']:,} customers, {data['moves']:,} posted moves "
        f"({data['refunds']:,} credit notes), {data['product_lines']:,} product "
        f"lines, {data['all_lines']:,} journal items; window "
        f"{data['window_start']} .. {data['window_end']} (previous from "
        f"{data['prev_start']})."
    )
    cancelled = max(run.get("cancelled_invoices", 0) for run in runs)
    if cancelled:
        customers = max(run.get("customers_changed", 0) for run in runs)
        print(
            f"Before the third run, {cancelled:,} invoices of {customers:,} "
            "customers of the window were cancelled (a night's change; posted "
            "again afterwards)."
        )
    width = 44
    header = [f"{run['label']} run" for run in runs]
    rows = [
        (
            f"bare SQL aggregation, best of {BARE_REPEAT} (s)",
            [report["bare_aggregation_s"]],
        ),
        ("_read_figures with pandas (s)", [report["read_figures_s"]]),
        ("full run, call + commit (s)", [run["full_s"] for run in runs]),
        ("  of which commit (s)", [run["commit_s"] for run in runs]),
        (
            "    flush and pre-commit hooks (s)",
            [run["commit_parts_s"].get("flush") for run in runs],
        ),
        (
            "    SQL COMMIT (s)",
            [run["commit_parts_s"].get("sql_commit") for run in runs],
        ),
        (
            "    post-commit hooks, e.g. e-mails (s)",
            [run["commit_parts_s"].get("postcommit") for run in runs],
        ),
        ("  engine _run (s)", [run["engine_s"] for run in runs]),
        ("  duration recorded on the run (s)", [run["duration"] for run in runs]),
        ("ratio full run / bare aggregation", [run["ratio_to_bare"] for run in runs]),
        ("SQL queries", [run["queries"] for run in runs]),
        *(
            (
                f"{table} rows {kind}",
                [run["rows_written"][kind][table] for run in runs],
            )
            for table in WRITTEN_TABLES
            for kind in ("inserted", "updated")
        ),
        ("peak RSS after the run (MiB)", [run["peak_rss_mib"] for run in runs]),
    ]
    print()
    harness.print_table(header, rows, width)
    print(f"{'figure rows (customers invoiced)':{width}}{report['figure_rows']:>14,}")
    print(
        f"RSS of the Odoo process: {report['rss_start_mib']:.0f} MiB once loaded, "
        f"{report['rss_before_run_mib']:.0f} MiB before the first run, peak "
        f"{report['peak_rss_mib']:.0f} MiB."
    )
    print()
    harness.print_table(
        [run["label"] for run in runs],
        [
            ("state", [run["state"] for run in runs]),
            *((key, [run["counts"][key] for run in runs]) for key in RUN_COUNTS),
        ],
        width,
        title="run counts",
    )
    print()
    phases = (
        (phase, [run["phases"].get(phase) for run in runs])
        for phase in [*PHASES, "(rest of _run)", "(outside _run)"]
    )
    harness.print_table(
        header,
        [
            (phase, values)
            for phase, values in phases
            if any(v is not None for v in values)
        ],
        width,
        title="engine phases, exclusive time (s)",
    )
    print()
    print("Goals:")
    for goal in report["goals"]:
        harness.print_goal(goal["pass"], f"{goal['goal']:<44}", goal["value"])


def seed(env, payload):
    """Reset the classification and seed key accounts with KAMs and assessments.

    Half of the seeded accounts are the biggest customers, the other half are
    spread over all customers, so that every quadrant shows up; one in ten
    seeded accounts is a key account with a KAM.
    """
    cr = env.cr
    company = env.ref("base.main_company")
    today, start, _prev_start = harness.windows(env, company)
    cr.execute(
        """
        DELETE FROM mail_message WHERE model = 'kam.account';
        DELETE FROM mail_followers WHERE res_model = 'kam.account';
        DELETE FROM kam_classification_history;
        DELETE FROM kam_account;
        DELETE FROM kam_classification_run;
        """
    )
    kams = (
        env["res.users"]
        .search([("login", "=like", harness.KAM_LOGIN % "%")], order="id")
        .ids
    )
    # kam_account.active follows the customer's (stored related field).
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'kam_account' AND column_name = 'active'
        """
    )
    has_active = bool(cr.fetchone())
    customers = payload["customers"]
    seeded = max(20, customers // 100)
    params = {
        "company": company.id,
        "uid": env.uid,
        "top": seeded // 2,
        "step": max(1, 2 * customers // seeded),
        "kams": kams,
        "today": today,
        "start": start,
    }
    # The wallet estimates scale with the revenue the addon reads.
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(
        SQL(
            """
            CREATE TEMPORARY TABLE bench_revenue ON COMMIT DROP AS
            SELECT r.partner_id, SUM(r.amount) AS amount
              FROM (%s) r
          GROUP BY r.partner_id
            """,
            env["account.move.line"]._kam_revenue_sql(company, start),
        )
    )
    cr.execute(
        """
        WITH chosen AS (
            SELECT p.id, row_number() OVER (ORDER BY p.ref) AS rn
              FROM res_partner p
             WHERE p.ref LIKE 'BENCH-%%'
               AND (substr(p.ref, 7)::int <= %(top)s
                    OR substr(p.ref, 7)::int %% %(step)s = 0)
        ),
        revenue AS (SELECT partner_id, amount FROM bench_revenue)
        INSERT INTO kam_account (
            partner_id, company_id, is_key_account, key_account_since,
            kam_user_id, tier, wallet_estimate, objectives_fit, quadrant_locked,
            has_position, create_uid, create_date, write_uid, write_date)
        SELECT c.id, %(company)s, c.rn %% 10 = 1,
               CASE WHEN c.rn %% 10 = 1 THEN %(today)s::date - 400 END,
               CASE WHEN c.rn %% 10 = 1
                    THEN (%(kams)s::int[])[1 + (c.rn / 10) %% cardinality(
                        %(kams)s::int[])] END,
               CASE WHEN c.rn %% 10 = 1 THEN 'key' END,
               CASE WHEN random() < 0.7
                    THEN round((GREATEST(r.amount, 1000) * (1.2 + 3 * random())
                               )::numeric, 2) END,
               CASE WHEN random() < 0.8 THEN 1 + floor(random() * 5)::int
                    ELSE 0 END,
               FALSE, FALSE, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
               NOW() AT TIME ZONE 'UTC'
          FROM chosen c
     LEFT JOIN revenue r ON r.partner_id = c.id
        """,
        params,
    )
    if has_active:
        cr.execute("UPDATE kam_account SET active = TRUE WHERE active IS NULL")
    # The latest assessment of each criterion counts: half of the accounts
    # also have an older one.
    cr.execute(
        """
        INSERT INTO kam_position_assessment (
            account_id, company_id, criterion_id, score, date, user_id, note,
            create_uid, create_date, write_uid, write_date)
        SELECT a.id, a.company_id, c.id, 1 + floor(random() * 5)::int,
               %(today)s::date - age.days, COALESCE(a.kam_user_id, %(uid)s),
               'Bench assessment', %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
               NOW() AT TIME ZONE 'UTC'
          FROM kam_account a
          JOIN kam_position_criterion c ON c.active
               AND (c.company_id IS NULL OR c.company_id = a.company_id)
         CROSS JOIN LATERAL (
             SELECT unnest(CASE WHEN a.id %% 2 = 0 THEN ARRAY[10, 200]
                                ELSE ARRAY[30] END) AS days
         ) age
         WHERE a.company_id = %(company)s
        """,
        params,
    )
    cr.execute("SELECT count(*) FROM kam_account WHERE company_id = %s", [company.id])
    accounts = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM kam_position_assessment")
    assessments = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM kam_account WHERE is_key_account")
    key_accounts = cr.fetchone()[0]
    return {
        "accounts": accounts,
        "key_accounts": key_accounts,
        "assessments": assessments,
        "kams": len(kams),
    }


# --- measurement ----------------------------------------------------------
def cancel_invoices(env, company, start):
    """Cancel a spread-out ``CANCELLED_SHARE`` of the window's invoices.

    Returns [(move id, customer id)]; committed, like a day's work before the
    nightly run.
    """
    cr = env.cr
    step = max(1, round(1 / CANCELLED_SHARE))
    cr.execute(
        """
        WITH picked AS (
            SELECT id FROM (
                SELECT id, row_number() OVER (ORDER BY id) AS n
                  FROM account_move
                 WHERE company_id = %s AND state = 'posted'
                   AND move_type = 'out_invoice' AND invoice_date >= %s
            ) numbered
             WHERE n %% %s = 0
        )
        UPDATE account_move m SET state = 'cancel'
          FROM picked WHERE m.id = picked.id
        RETURNING m.id, m.commercial_partner_id
        """,
        [company.id, start, step],
    )
    cancelled = cr.fetchall()
    cr.commit()
    env.invalidate_all()
    return cancelled


def restore_invoices(env, cancelled):
    """Post again the invoices :func:`cancel_invoices` cancelled."""
    if cancelled:
        env.cr.execute(
            "UPDATE account_move SET state = 'posted' WHERE id = ANY(%s)",
            [[move_id for move_id, _partner in cancelled]],
        )
        env.cr.commit()
        env.invalidate_all()


def transaction_writes(cr, before=None):
    """Rows inserted and updated in the current transaction, per written table.

    PostgreSQL's own counters (``pg_stat_get_xact_tuples_*``), savepoints
    included: every row version a run leaves for VACUUM is counted. The
    counters of a backend also hold those of its earlier transactions until
    it reports them to the statistics (at most once a second, PostgreSQL 15),
    so a run's rows are the difference from ``before``, the counters read
    when its transaction began.
    """
    if before is not None:
        after = transaction_writes(cr)
        return {
            kind: {table: n - before[kind][table] for table, n in counts.items()}
            for kind, counts in after.items()
        }
    written = {"inserted": {}, "updated": {}, "total": {}}
    for table in WRITTEN_TABLES:
        cr.execute(
            """
            SELECT pg_stat_get_xact_tuples_inserted(%s::regclass),
                   pg_stat_get_xact_tuples_updated(%s::regclass)
            """,
            [table, table],
        )
        inserted, updated = cr.fetchone()
        written["inserted"][table] = inserted
        written["updated"][table] = updated
        written["total"][table] = inserted + updated
    return written


def timed_commit(cr):
    """Commit ``cr``; return the time of its flush, COMMIT and post-commit hooks.

    The post-commit hooks do e.g. send the e-mails queued by the transaction.
    """
    marks = {}

    def mark(name):
        return lambda: marks.setdefault(name, time.perf_counter())

    started = time.perf_counter()
    cr.flush()  # what commit() does first: ORM flush and pre-commit hooks
    flushed = time.perf_counter()
    # Marks around the post-commit hooks (a private deque of Odoo's Callbacks).
    cr.postcommit._funcs.appendleft(mark("post_start"))
    cr.postcommit.add(mark("post_end"))
    cr.commit()
    return {
        "flush": flushed - started,
        "sql_commit": marks["post_start"] - flushed,
        "postcommit": marks["post_end"] - marks["post_start"],
    }


def measure(env, payload):
    cr = env.cr
    company = env.ref("base.main_company")
    engine = env["kam.classification.engine"].sudo()
    today, start, prev_start = harness.windows(env, company)
    env.flush_all()

    started = time.perf_counter()
    query, args, kwargs = harness.capture_query(
        cr, lambda: engine._read_figures(company, prev_start, start, today)
    )
    read_figures_s = time.perf_counter() - started
    bare = []
    for _attempt in range(BARE_REPEAT):
        started = time.perf_counter()
        cr.execute(query, *args, **kwargs)
        rows = cr.fetchall()
        bare.append(time.perf_counter() - started)

    cr.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE move_type = 'out_refund')
          FROM account_move
         WHERE company_id = %s AND state = 'posted'
           AND move_type IN ('out_invoice', 'out_refund')
        """,
        [company.id],
    )
    moves, refunds = cr.fetchone()
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE display_type = 'product'), count(*)
          FROM account_move_line
        """
    )
    product_lines, all_lines = cr.fetchone()
    cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE %s", ["BENCH-%"])
    customers = cr.fetchone()[0]

    rss_before = harness.current_rss_mib()
    runs = []
    cancelled = []
    try:
        runs = measure_runs(env, company, start, cancelled)
    finally:
        restore_invoices(env, cancelled)
    return {
        "data": {
            "customers": customers,
            "moves": moves,
            "refunds": refunds,
            "product_lines": product_lines,
            "all_lines": all_lines,
            "window_start": str(start),
            "window_end": str(today),
            "prev_start": str(prev_start),
        },
        "read_figures_s": read_figures_s,
        "bare_aggregation_s": min(bare),
        "bare_aggregation_all_s": bare,
        "figure_rows": len(rows),
        "runs": runs,
        "rss_before_run_mib": rss_before,
        "peak_rss_mib": harness.peak_rss_mib(),
    }


def measure_runs(env, company, start, cancelled):
    """The classification runs of :data:`RUNS`, each committed; ``cancelled``
    receives the invoices cancelled before the third one."""
    cr = env.cr
    runs = []
    for label, day in RUNS:
        if label == "third":
            cancelled.extend(cancel_invoices(env, company, start))
        counters = transaction_writes(cr)
        queries = cr.sql_log_count
        with on_day(day), harness.MethodTimer(phase_targets(env)) as timer:
            started = time.perf_counter()
            run = env["kam.classification.run"]._classify_company(
                company, trigger="manual"
            )
            called = time.perf_counter()
            rows_written = transaction_writes(cr, counters)
            commit_parts = timed_commit(cr)
            done = time.perf_counter()
        phases = dict(timer.times)
        rest_of_run = phases.pop("_run", 0.0)
        engine_s = rest_of_run + sum(phases.values())
        phases["(rest of _run)"] = rest_of_run
        phases["(outside _run)"] = (called - started) - engine_s
        runs.append(
            {
                "label": label,
                "run_id": run.id,
                "state": run.state,
                "error": run.error or None,
                "call_s": called - started,
                "commit_s": done - called,
                "commit_parts_s": commit_parts,
                "full_s": done - started,
                "engine_s": engine_s,
                "duration": run.duration,
                "queries": cr.sql_log_count - queries,
                "rows_written": rows_written,
                "peak_rss_mib": harness.peak_rss_mib(),
                "counts": {key: run[key] for key in RUN_COUNTS},
                "warnings": run.warnings or None,
                "phases": phases,
                "cancelled_invoices": len(cancelled),
                "customers_changed": len(set(dict(cancelled).values())),
            }
        )
    return runs


def phase_targets(env):
    """The engine's methods and the engine module's ``classify``."""
    engine_class = type(env["kam.classification.engine"])
    module = sys.modules[engine_class._run.__module__]
    return [
        (module if name == "classify" else engine_class, name)
        for name in ("_run", *PHASES)
    ]


WORKERS = {"generate": harness.generate, "seed": seed, "measure": measure}

if __name__ == "__main__":
    sys.exit(main())
