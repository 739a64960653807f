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
   the second one (same data, nothing changed) and a third one after a night's
   change (``CANCELLED_SHARE`` of the window's invoices cancelled, put back
   afterwards), each committed, their ratio to the bare aggregation, the rows
   each run wrote (inserted and updated rows of ``kam_account`` and
   ``kam_classification_history``, counted by PostgreSQL for the run's
   transaction), the time spent in each phase of the engine and the process's
   memory.

The goals (full run under 60 s and under 3x the bare aggregation; the second
run, with no new invoice, writes no row) are printed
with PASS or MISS; the exit code is 0 either way (a measurement, not a test),
unless the benchmark itself cannot run or a classification run fails.

PostgreSQL is the one ``scripts/kam_dev.py`` uses (Odoo configuration file in
``ODOO_RC``, PG* variables, else its private embedded server).
"""

import argparse
import functools
import importlib.util
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "kam_management"
DEFAULT_DB = "kam_bench"
SIZES = {"default": (100_000, 2_000_000), "small": (2_000, 40_000)}
LINES_PER_MOVE = 5
REFUND_SHARE = 0.10
HISTORY_MONTHS = 24
GOAL_SECONDS = 60.0
GOAL_RATIO = 3.0
BARE_REPEAT = 3
SIZE_PARAM = "kam_bench.sizes"
# (name, sales price, cost): the cost gives the margin of the lines.
PRODUCTS = (
    ("Bench Consumable", 20.0, 11.0),
    ("Bench Spare Part", 55.0, 34.0),
    ("Bench Module", 140.0, 95.0),
    ("Bench Service Day", 600.0, 330.0),
    ("Bench Machine", 900.0, 640.0),
)
KAM_LOGIN = "bench.kam%s"
# Share of the window's invoices cancelled before the third run: a night's
# change, to see the rows written follow the change.
CANCELLED_SHARE = 0.002
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


def load_kam_dev():
    """Import scripts/kam_dev.py (a script, not a package)."""
    path = ROOT / "scripts" / "kam_dev.py"
    spec = importlib.util.spec_from_file_location("kam_dev", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def libpq(settings, dbname):
    keys = ("host", "port", "user", "password")
    return {"dbname": dbname, **{k: settings[k] for k in keys if settings.get(k)}}


# --------------------------------------------------------------------------
# Main process: database, generation, measurement, report
# --------------------------------------------------------------------------
def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return run_worker(args.worker, args.payload)
    customers, lines = SIZES["small" if args.small else "default"]
    customers = args.customers or customers
    lines = args.lines or lines
    if customers < 1 or lines < 1:
        sys.exit("Give at least one customer and one invoice line.")

    kam_dev = load_kam_dev()
    odoo = kam_dev.odoo_command()
    if odoo is None:
        sys.exit(kam_dev.odoo_missing_reason())
    settings = kam_dev.pg_settings()
    common = {
        "dbname": args.database,
        "db_args": kam_dev.db_args(settings),
        "addons_path": kam_dev.addons_path(),
        "customers": customers,
        "lines": lines,
        "lines_per_move": LINES_PER_MOVE,
    }
    print(
        f"kam_management classification benchmark: {customers:,} customers, "
        f"{lines:,} invoice lines, database {args.database}"
    )

    setup = {}
    sizes = database_sizes(settings, args.database) if args.reuse else None
    wanted = {"customers": customers, "lines": lines, "lines_per_move": LINES_PER_MOVE}
    if sizes == wanted:
        # The code may have changed since: bring the schema up to date.
        started = time.monotonic()
        odoo_init(kam_dev, odoo, settings, args.database, "-u")
        setup["update_module_s"] = time.monotonic() - started
        print(
            f"Reusing the generated data; {ADDON} updated in "
            f"{setup['update_module_s']:.1f} s."
        )
    else:
        if args.reuse:
            print(f"No reusable data in {args.database} ({sizes}): creating it.")
        started = time.monotonic()
        kam_dev.drop_database(settings, args.database)
        odoo_init(kam_dev, odoo, settings, args.database, "-i")
        setup["create_db_s"] = time.monotonic() - started
        print(f"Database created in {setup['create_db_s']:.1f} s.")
        started = time.monotonic()
        run_subprocess(kam_dev, "generate", common)
        setup["generate_s"] = time.monotonic() - started
        print(f"Customers and invoices generated in {setup['generate_s']:.1f} s.")
    started = time.monotonic()
    seeded = run_subprocess(kam_dev, "seed", common)
    vacuum_analyze(settings, args.database)
    setup["seed_and_analyze_s"] = time.monotonic() - started
    print(
        f"Key accounts seeded and tables analyzed in "
        f"{setup['seed_and_analyze_s']:.1f} s ({seeded['accounts']} accounts, "
        f"{seeded['assessments']} assessments, {seeded['kams']} KAMs)."
    )

    print("Measuring in a fresh Odoo process...")
    figures = run_subprocess(kam_dev, "measure", common)
    report = build_report(common, seeded, setup, figures)
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
    parser.add_argument(
        "--small",
        action="store_true",
        help="quick check: %s customers, %s lines" % SIZES["small"],
    )
    parser.add_argument("--customers", type=int, help="number of customers (N)")
    parser.add_argument("--lines", type=int, help="number of invoice lines (M)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database and its generated data when their size matches "
        "(the addon is updated with -u)",
    )
    parser.add_argument("--database", default=DEFAULT_DB, help="database name")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--payload", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def database_sizes(settings, dbname):
    """Sizes recorded by the generator in ``dbname``, None when there are none."""
    import psycopg2  # noqa: PLC0415 (an Odoo requirement)

    try:
        conn = psycopg2.connect(**libpq(settings, dbname))
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s", [SIZE_PARAM]
            )
            row = cr.fetchone()
    except psycopg2.Error:
        return None
    finally:
        conn.close()
    return json.loads(row[0]) if row else None


def odoo_init(kam_dev, odoo, settings, dbname, option):
    """Install (``-i``) or update (``-u``) the addon with Odoo's command line."""
    cmd = [
        *odoo,
        *kam_dev.db_args(settings),
        f"--addons-path={kam_dev.addons_path()}",
        "-d",
        dbname,
        option,
        ADDON,
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
        "--workers=0",
        "--http-interface=127.0.0.1",
        f"--http-port={kam_dev.free_port()}",
    ]
    subprocess.run(cmd, check=True, env=kam_dev.python_env())


def vacuum_analyze(settings, dbname):
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(**libpq(settings, dbname))
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            for table in (
                "res_partner",
                "product_product",
                "account_move",
                "account_move_line",
                "kam_account",
                "kam_position_assessment",
                "kam_classification_history",
            ):
                cr.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        conn.close()


def run_subprocess(kam_dev, task, payload):
    """Run ``task`` in a fresh Python process with Odoo; return its result."""
    with tempfile.TemporaryDirectory(prefix="kam_bench_") as tmp:
        path = Path(tmp) / "payload.json"
        path.write_text(json.dumps(dict(payload, result=str(Path(tmp) / "out"))))
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                task,
                "--payload",
                str(path),
            ],
            check=True,
            env=kam_dev.python_env(),
        )
        return json.loads((Path(tmp) / "out").read_text())


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def build_report(common, seeded, setup, figures):
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
    second = next(run for run in runs if run["label"] == "second")
    goals.append(
        {
            "goal": f"{second['label']} run writes no row",
            "value": sum(second["rows_written"]["total"].values()),
            "pass": not sum(second["rows_written"]["total"].values()),
        }
    )
    return {
        "customers": common["customers"],
        "invoice_lines": common["lines"],
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
    header = f"{'':{width}}" + "".join(f"{run['label'] + ' run':>14}" for run in runs)
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
    print(header)
    for label, values in rows:
        print(f"{label:{width}}" + "".join(f"{fmt(v):>14}" for v in values))
    print(f"{'figure rows (customers invoiced)':{width}}{report['figure_rows']:>14,}")
    print(
        f"RSS of the Odoo process: {report['rss_start_mib']:.0f} MiB once loaded, "
        f"{report['rss_before_run_mib']:.0f} MiB before the first run, peak "
        f"{report['peak_rss_mib']:.0f} MiB."
    )
    print()
    print(f"{'run counts':{width}}" + "".join(f"{r['label']:>14}" for r in runs))
    print(f"{'state':{width}}" + "".join(f"{r['state']:>14}" for r in runs))
    for key in RUN_COUNTS:
        print(f"{key:{width}}" + "".join(f"{r['counts'][key]:>14,}" for r in runs))
    print()
    print(f"{'engine phases, exclusive time (s)':{width}}" + header[width:])
    for phase in [*PHASES, "(rest of _run)", "(outside _run)"]:
        values = [run["phases"].get(phase) for run in runs]
        if any(v is not None for v in values):
            print(f"{phase:{width}}" + "".join(f"{fmt(v):>14}" for v in values))
    print()
    print("Goals:")
    for goal in report["goals"]:
        verdict = "PASS" if goal["pass"] else "MISS"
        print(f"  {verdict}  {goal['goal']:<44} ({fmt(goal['value'])})")


def fmt(value):
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


# --------------------------------------------------------------------------
# Worker processes (Odoo loaded)
# --------------------------------------------------------------------------
def run_worker(task, payload_path):
    payload = json.loads(Path(payload_path).read_text())
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            *payload["db_args"],
            f"--addons-path={payload['addons_path']}",
            "-d",
            payload["dbname"],
            "--log-level=warn",
            "--workers=0",
        ],
        setup_logging=True,
    )
    # Odoo 18's mail module still calls a deprecated werkzeug helper: noise.
    warnings.filterwarnings(
        "ignore", message=".*werkzeug.urls", category=DeprecationWarning
    )
    rss_start = current_rss_mib()
    registry = odoo.modules.registry.Registry(payload["dbname"])
    task_function = {"generate": generate, "seed": seed, "measure": measure}[task]
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = task_function(env, payload)
        cr.commit()
    if task == "measure":
        result["rss_start_mib"] = rss_start
    Path(payload["result"]).write_text(json.dumps(result, default=str))
    return 0


def current_rss_mib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mib()


def peak_rss_mib():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def windows(env, company):
    """Dates of the classification window, as the engine computes them."""
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415
    from odoo import fields  # noqa: PLC0415

    months = company.kam_window_months
    today = fields.Date.context_today(env["kam.classification.engine"])
    start = today - relativedelta(months=months) + relativedelta(days=1)
    return today, start, start - relativedelta(months=months)


# --- generation -----------------------------------------------------------
def generate(env, payload):
    """Customers, products, KAMs, posted invoices and their lines."""
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    cr = env.cr
    company = env.ref("base.main_company")
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    Account = env["account.account"]
    receivable = Account.search(
        [
            *Account._check_company_domain(company),
            ("account_type", "=", "asset_receivable"),
            ("deprecated", "=", False),
        ],
        limit=1,
    )
    income = journal.default_account_id
    if not (journal and income and receivable):
        raise RuntimeError("The company has no chart of accounts with a sale journal.")
    products = (
        env["product.product"]
        .with_company(company)
        .create(
            [
                {
                    "name": name,
                    "list_price": price,
                    "standard_price": cost,
                    "type": "consu",
                }
                for name, price, cost in PRODUCTS
            ]
        )
    )
    kam_group = env.ref("kam_management.group_kam_user")
    kams = max(2, min(20, payload["customers"] // 5000))
    env["res.users"].with_context(no_reset_password=True).create(
        [
            {
                "name": f"Bench KAM {index}",
                "login": KAM_LOGIN % index,
                "company_id": company.id,
                "company_ids": [(6, 0, [company.id])],
                "groups_id": [(6, 0, [env.ref("base.group_user").id, kam_group.id])],
            }
            for index in range(1, kams + 1)
        ]
    )
    env.flush_all()

    today = windows(env, company)[0]
    days = (today - (today - relativedelta(months=HISTORY_MONTHS))).days
    n_moves = math.ceil(payload["lines"] / payload["lines_per_move"])
    params = {
        "n": payload["customers"],
        "m": payload["lines"],
        "k": n_moves,
        "lpm": payload["lines_per_move"],
        "refund": REFUND_SHARE,
        "days": days,
        "today": today,
        "company": company.id,
        "journal": journal.id,
        "currency": company.currency_id.id,
        "income": income.id,
        "receivable": receivable.id,
        "uid": env.uid,
        "products": products.ids,
        "uom": products[0].uom_id.id,
    }
    # Customers: idx 1..N; the invoices favour low indexes (random()^3), so
    # that revenue follows a Pareto-like curve.
    cr.execute(
        """
        CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
        SELECT g AS idx, nextval('res_partner_id_seq')::int AS id,
               'Bench Customer ' || lpad(g::text, 7, '0') AS name
          FROM generate_series(1, %(n)s) g;
        INSERT INTO res_partner (
            id, name, complete_name, commercial_company_name, ref,
            commercial_partner_id, is_company, active, type, lang, email,
            email_normalized, customer_rank, supplier_rank, partner_share,
            employee, color, autopost_bills, create_uid, create_date,
            write_uid, write_date)
        SELECT id, name, name, name, 'BENCH-' || lpad(idx::text, 7, '0'),
               id, TRUE, TRUE, 'contact', 'en_US',
               'customer' || idx || '@bench.example',
               'customer' || idx || '@bench.example', 1, 0, TRUE,
               FALSE, 0, 'ask', %(uid)s, NOW() AT TIME ZONE 'UTC',
               %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_customer;
        CREATE TEMP TABLE bench_product ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY pp.id) AS idx, pp.id,
               pt.list_price, pt.name ->> 'en_US' AS name
          FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE pp.id = ANY(%(products)s);
        """,
        params,
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_move ON COMMIT DROP AS
        WITH draw AS MATERIALIZED (
            SELECT g AS idx,
                   LEAST(%(n)s, 1 + floor(%(n)s * random() ^ 3)::int) AS cidx,
                   random() < %(refund)s AS is_refund,
                   floor(random() * %(days)s)::int AS age
              FROM generate_series(1, %(k)s) g
        )
        SELECT d.idx, nextval('account_move_id_seq')::int AS id,
               c.id AS partner_id, c.name AS partner_name,
               CASE WHEN d.is_refund THEN 'out_refund' ELSE 'out_invoice' END
                   AS move_type,
               CASE WHEN d.is_refund THEN 'BENCH/RINV/' ELSE 'BENCH/INV/' END
                   AS prefix,
               %(today)s::date - d.age AS invoice_date
          FROM draw d
          JOIN bench_customer c ON c.idx = d.cidx;
        CREATE TEMP TABLE bench_line ON COMMIT DROP AS
        WITH draw AS MATERIALIZED (
            SELECT g AS idx,
                   (g - 1) / %(lpm)s + 1 AS move_idx,
                   (g - 1) %% %(lpm)s + 1 AS seq,
                   1 + floor(random() * (SELECT count(*) FROM bench_product))::int
                       AS pidx,
                   (1 + floor(200 * random() ^ 3))::numeric AS quantity,
                   0.85 + 0.3 * random() AS price_factor
              FROM generate_series(1, %(m)s) g
        )
        SELECT d.idx, m.id AS move_id, d.seq, p.id AS product_id,
               p.name AS product_name, d.quantity,
               round((p.list_price * d.price_factor)::numeric, 2) AS price_unit,
               round(d.quantity * round((p.list_price * d.price_factor)::numeric, 2),
                     2) AS subtotal
          FROM draw d
          JOIN bench_move m ON m.idx = d.move_idx
          JOIN bench_product p ON p.idx = d.pidx;
        CREATE TEMP TABLE bench_total ON COMMIT DROP AS
        SELECT move_id, SUM(subtotal) AS total
          FROM bench_line
      GROUP BY move_id;
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move (
            id, name, sequence_prefix, sequence_number, state, move_type,
            auto_post, journal_id, company_id, currency_id, partner_id,
            commercial_partner_id, partner_shipping_id,
            invoice_partner_display_name, date, invoice_date, invoice_date_due,
            payment_state, invoice_currency_rate, amount_untaxed, amount_tax,
            amount_total, amount_residual, amount_untaxed_signed,
            amount_untaxed_in_currency_signed, amount_tax_signed,
            amount_total_signed, amount_total_in_currency_signed,
            amount_residual_signed, is_storno, always_tax_exigible, checked,
            posted_before, made_sequence_gap, is_move_sent, is_manually_modified,
            create_uid, create_date, write_uid, write_date)
        SELECT m.id, m.prefix || lpad(m.idx::text, 8, '0'), m.prefix, m.idx,
               'posted', m.move_type, 'no', %(journal)s, %(company)s,
               %(currency)s, m.partner_id, m.partner_id, m.partner_id,
               m.partner_name, m.invoice_date, m.invoice_date,
               m.invoice_date + 30, 'not_paid', 1.0, t.total, 0, t.total,
               t.total, s.sign * t.total, s.sign * t.total, 0, s.sign * t.total,
               s.sign * t.total, s.sign * t.total, FALSE, FALSE, TRUE, TRUE,
               FALSE, FALSE, FALSE, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
               NOW() AT TIME ZONE 'UTC'
          FROM bench_move m
          JOIN bench_total t ON t.move_id = m.id
         CROSS JOIN LATERAL (
             SELECT CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign
         ) s;
        INSERT INTO account_move_line (
            move_id, move_name, sequence, journal_id, company_id,
            company_currency_id, currency_id, account_id, partner_id,
            product_id, product_uom_id, name, display_type, parent_state,
            date, invoice_date, quantity, price_unit, price_subtotal,
            price_total, discount, balance, amount_currency, debit, credit,
            amount_residual, amount_residual_currency, tax_base_amount,
            discount_amount_currency, discount_balance, reconciled,
            is_downpayment, is_imported, tax_tag_invert, create_uid,
            create_date, write_uid, write_date)
        SELECT l.move_id, m.prefix || lpad(m.idx::text, 8, '0'), 10 + l.seq,
               %(journal)s, %(company)s, %(currency)s, %(currency)s,
               %(income)s, m.partner_id, l.product_id, %(uom)s, l.product_name,
               'product', 'posted', m.invoice_date, m.invoice_date, l.quantity,
               l.price_unit, l.subtotal, l.subtotal, 0, b.balance, b.balance,
               GREATEST(b.balance, 0), GREATEST(-b.balance, 0), 0, 0, 0, 0, 0,
               FALSE, FALSE, FALSE, FALSE, %(uid)s, NOW() AT TIME ZONE 'UTC',
               %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_line l
          JOIN bench_move m ON m.id = l.move_id
         CROSS JOIN LATERAL (
             SELECT CASE WHEN m.move_type = 'out_refund' THEN l.subtotal
                         ELSE -l.subtotal END AS balance
         ) b;
        INSERT INTO account_move_line (
            move_id, move_name, sequence, journal_id, company_id,
            company_currency_id, currency_id, account_id, partner_id, name,
            display_type, parent_state, date, invoice_date, date_maturity,
            quantity, price_unit, price_subtotal, price_total, discount,
            balance, amount_currency, debit, credit, amount_residual,
            amount_residual_currency, tax_base_amount, discount_amount_currency,
            discount_balance, reconciled, is_downpayment, is_imported,
            tax_tag_invert, create_uid, create_date, write_uid, write_date)
        SELECT m.id, m.prefix || lpad(m.idx::text, 8, '0'), 10000, %(journal)s,
               %(company)s, %(currency)s, %(currency)s, %(receivable)s,
               m.partner_id, m.prefix || lpad(m.idx::text, 8, '0'),
               'payment_term', 'posted', m.invoice_date, m.invoice_date,
               m.invoice_date + 30, 1, 0, 0, 0, 0, b.balance, b.balance,
               GREATEST(b.balance, 0), GREATEST(-b.balance, 0), b.balance,
               b.balance, 0, 0, 0, FALSE, FALSE, FALSE, FALSE, %(uid)s,
               NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_move m
          JOIN bench_total t ON t.move_id = m.id
         CROSS JOIN LATERAL (
             SELECT CASE WHEN m.move_type = 'out_refund' THEN -t.total
                         ELSE t.total END AS balance
         ) b;
        """,
        params,
    )
    env["ir.config_parameter"].set_param(
        SIZE_PARAM,
        json.dumps(
            {
                "customers": payload["customers"],
                "lines": payload["lines"],
                "lines_per_move": payload["lines_per_move"],
            }
        ),
    )
    return {"moves": n_moves}


def seed(env, payload):
    """Reset the classification and seed key accounts with KAMs and assessments.

    Half of the seeded accounts are the biggest customers, the other half are
    spread over all customers, so that every quadrant shows up; one in ten
    seeded accounts is a key account with a KAM.
    """
    cr = env.cr
    company = env.ref("base.main_company")
    today, start, _prev_start = windows(env, company)
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
        env["res.users"].search([("login", "=like", KAM_LOGIN % "%")], order="id").ids
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
    cr.execute(
        """
        WITH chosen AS (
            SELECT p.id, row_number() OVER (ORDER BY p.ref) AS rn
              FROM res_partner p
             WHERE p.ref LIKE 'BENCH-%%'
               AND (substr(p.ref, 7)::int <= %(top)s
                    OR substr(p.ref, 7)::int %% %(step)s = 0)
        ),
        revenue AS (
            SELECT m.partner_id, SUM(m.amount_untaxed_signed) AS amount
              FROM account_move m
             WHERE m.partner_id IN (SELECT id FROM chosen)
               AND m.company_id = %(company)s
               AND m.state = 'posted'
               AND m.invoice_date >= %(start)s
          GROUP BY m.partner_id
        )
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
class PhaseTimer:
    """Exclusive time spent in each engine method during a run."""

    def __init__(self, env):
        self.engine_class = type(env["kam.classification.engine"])
        self.module = sys.modules[self.engine_class._run.__module__]
        self.times = {}
        self.stack = []
        self.saved = []

    def __enter__(self):
        for name in ("_run", *PHASES):
            if name == "classify":
                if hasattr(self.module, name):
                    self._patch(self.module, name)
            elif hasattr(self.engine_class, name):
                self._patch(self.engine_class, name)
        return self

    def __exit__(self, *exc):
        for owner, name, had_own, original in reversed(self.saved):
            if had_own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
        self.saved = []

    def _patch(self, owner, name):
        original = getattr(owner, name)
        self.saved.append((owner, name, name in vars(owner), original))

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self.stack.append(0.0)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                inner = self.stack.pop()
                if self.stack:
                    self.stack[-1] += spent
                self.times[name] = self.times.get(name, 0.0) + spent - inner

        setattr(owner, name, timed)


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


def transaction_writes(cr):
    """Rows inserted and updated in the current transaction, per written table.

    PostgreSQL's own counters (``pg_stat_get_xact_tuples_*``), savepoints
    included: every row version a run leaves for VACUUM is counted.
    """
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


def capture_query(cr, call):
    """Run ``call()`` and return the first query it sent through ``cr``."""
    queries = []
    original = cr.execute

    def recording(query, *args, **kwargs):
        queries.append((query, args, kwargs))
        return original(query, *args, **kwargs)

    cr.execute = recording
    try:
        call()
    finally:
        del cr.execute
    return queries[0]


def measure(env, payload):
    cr = env.cr
    company = env.ref("base.main_company")
    engine = env["kam.classification.engine"].sudo()
    today, start, prev_start = windows(env, company)
    env.flush_all()

    started = time.perf_counter()
    query, args, kwargs = capture_query(
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

    rss_before = current_rss_mib()
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
        "peak_rss_mib": peak_rss_mib(),
    }


def measure_runs(env, company, start, cancelled):
    """The three classification runs, each committed; ``cancelled`` receives
    the invoices cancelled before the third one."""
    cr = env.cr
    runs = []
    for label in ("first", "second", "third"):
        if label == "third":
            cancelled.extend(cancel_invoices(env, company, start))
        queries = cr.sql_log_count
        with PhaseTimer(env) as timer:
            started = time.perf_counter()
            run = env["kam.classification.run"]._classify_company(
                company, trigger="manual"
            )
            called = time.perf_counter()
            rows_written = transaction_writes(cr)
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
                "peak_rss_mib": peak_rss_mib(),
                "counts": {key: run[key] for key in RUN_COUNTS},
                "warnings": run.warnings or None,
                "phases": phases,
                "cancelled_invoices": len(cancelled),
                "customers_changed": len(set(dict(cancelled).values())),
            }
        )
    return runs


if __name__ == "__main__":
    sys.exit(main())
