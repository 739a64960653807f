#!/usr/bin/env python3
"""Benchmark of the portfolio workbook (kam_reports) on a large database.

    python3 benchmarks/bench_reports_xlsx.py                  # 100,000 customers
    python3 benchmarks/bench_reports_xlsx.py --small          # quick check
    python3 benchmarks/bench_reports_xlsx.py --template DB    # start from a
        # copy of DB (e.g. one with crm, sale and account installed)

1. The database (``kam_bench_reports`` or ``--database``): new, or a copy of
   ``--template``, or kept when it exists (``--reuse``), with
   ``kam_management`` and ``kam_reports`` installed or updated and, unless it
   holds them already, N customers and M posted invoice lines over 24 months
   from the classification benchmark's generator.
2. Preparation (not measured): a classification run (one account per
   invoiced customer), then the K largest customers made key accounts with a
   KAM, a tier and an account plan with two objectives.
3. Measured in a fresh Odoo process, as a Key Account Director (the admin)
   with the user's rights: the workbook of the last 12 months, all
   customers (time, size, the process's peak memory); then, under
   ``tracemalloc``, the peak of Python memory allocated while building it for
   10%, 50% and 100% of the customers, with xlsxwriter's constant-memory
   mode (as shipped) and without it, to show how memory follows the rows.

Goal: the workbook in under 10 s; memory flat in the number of rows. Printed
with PASS or MISS; the exit code is 0 either way (a measurement, not a
test) unless the benchmark cannot run.
"""

import argparse
import importlib.util
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "kam_bench_reports"
SIZES = {"default": (100_000, 2_000_000, 1_000), "small": (2_000, 40_000, 100)}
GOAL_SECONDS = 10.0
SHARES = (0.1, 0.5, 1.0)
TIERS = ("strategic", "key", "development")


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def classification_bench():
    """benchmarks/bench_classification.py: its generator and helpers."""
    return load("bench_classification", ROOT / "benchmarks" / "bench_classification.py")


# --------------------------------------------------------------------------
# Main process
# --------------------------------------------------------------------------
def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return run_worker(args.worker, args.payload)
    customers, lines, keys = SIZES["small" if args.small else "default"]
    customers = args.customers or customers
    lines = args.lines or lines
    keys = args.key_accounts or keys
    bench = classification_bench()
    kam_dev = bench.load_kam_dev()
    if args.writer_only:
        settings = kam_dev.pg_settings()
        figures = run_subprocess(
            kam_dev,
            "writer",
            {
                "dbname": args.database,
                "db_args": kam_dev.db_args(settings),
                "addons_path": kam_dev.addons_path(),
                "customers": customers,
                "key_accounts": keys,
            },
        )
        report_writer(figures)
        return 0
    odoo = kam_dev.odoo_command()
    if odoo is None:
        sys.exit(kam_dev.odoo_missing_reason())
    kam_dev.check_oca_addons()
    settings = kam_dev.pg_settings()
    # The generator and the module installs of the classification benchmark,
    # with both addons.
    bench.ADDON = ",".join(kam_dev.ADDONS)
    payload = {
        "dbname": args.database,
        "db_args": kam_dev.db_args(settings),
        "addons_path": kam_dev.addons_path(),
        "customers": customers,
        "lines": lines,
        "lines_per_move": bench.LINES_PER_MOVE,
        "key_accounts": keys,
        "scaling": not args.no_scaling,
    }
    if args.measure_only:
        figures = run_subprocess(kam_dev, "measure", payload)
        report(figures)
        return 0
    started = time.monotonic()
    exists = kam_dev._database_exists(settings, args.database)
    wanted = {
        "customers": customers,
        "lines": lines,
        "lines_per_move": bench.LINES_PER_MOVE,
    }
    if exists and args.reuse:
        bench.odoo_init(kam_dev, odoo, settings, args.database, "-u")
        print(f"Reusing {args.database}.")
    else:
        kam_dev.drop_database(settings, args.database)
        if args.template:
            create_from_template(settings, args.template, args.database)
        bench.odoo_init(kam_dev, odoo, settings, args.database, "-i")
    if bench.database_sizes(settings, args.database) != wanted:
        run_subprocess(kam_dev, "generate", payload)
        print(f"{customers:,} customers and {lines:,} invoice lines generated.")
    prepared = run_subprocess(kam_dev, "prepare", payload)
    bench.vacuum_analyze(settings, args.database)
    print(
        f"Prepared in {time.monotonic() - started:.0f} s: "
        f"{prepared['accounts']:,} accounts, {prepared['key_accounts']:,} key "
        f"accounts, {prepared['plans']:,} plans, {prepared['invoiced']:,} "
        "customers invoiced in the last 12 months."
    )
    print("Measuring in a fresh Odoo process...")
    figures = run_subprocess(kam_dev, "measure", payload)
    report(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--small", action="store_true", help="quick check")
    parser.add_argument("--customers", type=int, help="customers to generate")
    parser.add_argument("--lines", type=int, help="invoice lines to generate")
    parser.add_argument("--key-accounts", type=int, help="key accounts (K)")
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--template", help="start from a copy of this database")
    parser.add_argument("--reuse", action="store_true", help="keep the database")
    parser.add_argument("--json", metavar="FILE", help="also write the figures")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure a database an earlier run prepared (no update, no preparation)",
    )
    parser.add_argument(
        "--no-scaling",
        action="store_true",
        help="skip the memory-against-rows runs under tracemalloc (slow)",
    )
    parser.add_argument(
        "--writer-only",
        action="store_true",
        help="only the workbook writer, on N made-up customers and K key "
        "accounts, in an existing database with kam_reports (--database)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--payload", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def create_from_template(settings, template, dbname):
    """PostgreSQL's copy of ``template`` (e.g. a database with crm, sale and
    account installed), retried while another session uses the template."""
    import psycopg2  # noqa: PLC0415 (an Odoo requirement)
    from psycopg2 import sql  # noqa: PLC0415

    keys = ("host", "port", "user", "password")
    conn = psycopg2.connect(
        dbname="postgres", **{k: settings[k] for k in keys if settings.get(k)}
    )
    conn.autocommit = True
    try:
        for attempt in range(10):
            try:
                with conn.cursor() as cr:
                    cr.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(dbname), sql.Identifier(template)
                        )
                    )
                return
            except psycopg2.errors.ObjectInUse:
                if attempt == 9:
                    raise
                time.sleep(3)
    finally:
        conn.close()


def run_subprocess(kam_dev, task, payload):
    with tempfile.TemporaryDirectory(prefix="kam_bench_xlsx_") as tmp:
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


def report(figures):
    full = figures["full"]
    print()
    print(f"Customers in the Pareto sheet: {full['customers']:,}")
    print(f"Key accounts (Accounts, Matrix, Plans sheets): {full['key_accounts']:,}")
    print(f"Workbook generation (best of 2): {full['seconds']:.2f} s")
    print(f"  of which reading the figures: {full['data_seconds']:.2f} s")
    print(f"Workbook size: {full['bytes'] / 1024 / 1024:.1f} MiB")
    print(
        f"Odoo process peak memory (RSS): {figures['rss_before_mib']:.0f} MiB "
        f"before, {figures['rss_peak_mib']:.0f} MiB after the workbooks"
    )
    print()
    print("Python memory allocated at peak while building the workbook (tracemalloc):")
    print(f"  {'customers':>10} {'constant memory':>16} {'all in memory':>14}")
    for row in figures["scaling"]:
        print(
            f"  {row['customers']:>10,} {row['constant_mib']:>13.1f} MiB "
            f"{row['in_memory_mib']:>11.1f} MiB"
        )
    first = figures["scaling"][0] if figures["scaling"] else None
    last = figures["scaling"][-1] if figures["scaling"] else None
    rows = last["customers"] - first["customers"] if first else 0
    if rows:
        slope = (last["constant_mib"] - first["constant_mib"]) * 1024 * 1024 / rows
        slope_mem = (
            (last["in_memory_mib"] - first["in_memory_mib"]) * 1024 * 1024 / rows
        )
        print(
            f"  per extra customer row: {slope:,.0f} bytes (constant memory), "
            f"{slope_mem:,.0f} bytes (all in memory)"
        )
    verdict = "PASS" if full["seconds"] < GOAL_SECONDS else "MISS"
    print(f"\nGoal: workbook < {GOAL_SECONDS:.0f} s: {verdict}")


# --------------------------------------------------------------------------
# Workers (Odoo loaded)
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
    warnings.filterwarnings(
        "ignore", message=".*werkzeug.urls", category=DeprecationWarning
    )
    registry = odoo.modules.registry.Registry(payload["dbname"])
    if task == "generate":
        task_function = classification_bench().generate
    else:
        task_function = {"prepare": prepare, "measure": measure, "writer": writer}[task]
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = task_function(env, payload)
        cr.commit()
    Path(payload["result"]).write_text(json.dumps(result, default=str))
    return 0


def prepare(env, payload):
    """Classify, then make the K largest customers key accounts with plans."""
    from odoo import Command  # noqa: PLC0415

    company = env.ref("base.main_company")
    env.cr.execute(
        "SELECT count(*) FROM kam_account_plan WHERE company_id = %s", [company.id]
    )
    if env.cr.fetchone()[0]:
        env.cr.execute(
            """
            DELETE FROM kam_plan_objective WHERE plan_id IN (
                SELECT id FROM kam_account_plan WHERE company_id = %(c)s);
            DELETE FROM kam_account_plan WHERE company_id = %(c)s;
            """,
            {"c": company.id},
        )
    env["kam.classification.run"].with_company(company)._classify_company(
        company, trigger="manual"
    )
    env.cr.commit()
    kams = env["res.users"].search([("login", "=like", "bench.kam%")], order="id")
    if not kams:
        raise RuntimeError("No bench KAM users: generate the database first.")
    Account = env["kam.account"].with_company(company)
    keys = Account.search(
        [("company_id", "=", company.id), ("revenue", ">", 0)],
        order="revenue desc, id",
        limit=payload["key_accounts"],
    )
    env.cr.execute(
        "UPDATE kam_account SET is_key_account = FALSE, kam_user_id = NULL "
        "WHERE company_id = %s AND is_key_account",
        [company.id],
    )
    env.cr.execute(
        """
        UPDATE kam_account a
           SET is_key_account = TRUE,
               kam_user_id = (%(kams)s::int[])[
                   1 + (k.rn %% cardinality(%(kams)s::int[]))],
               tier = (%(tiers)s::varchar[])[1 + (k.rn %% 3)]
          FROM (SELECT unnest(%(ids)s::int[]) AS id,
                       generate_subscripts(%(ids)s::int[], 1) AS rn) k
         WHERE a.id = k.id
        """,
        {"kams": kams.ids, "tiers": list(TIERS), "ids": keys.ids},
    )
    env.invalidate_all()
    plans = env["kam.account.plan"].create(
        [
            {
                "account_id": account.id,
                "objective_ids": [
                    Command.create(
                        {"name": "Revenue", "kpi": "revenue", "target": 100000.0}
                    ),
                    Command.create(
                        {"name": "Margin", "kpi": "gross_margin", "target": 30000.0}
                    ),
                ],
            }
            for account in keys
        ]
    )
    env.cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE revenue > 0) FROM kam_account "
        "WHERE company_id = %s",
        [company.id],
    )
    accounts, invoiced = env.cr.fetchone()
    return {
        "accounts": accounts,
        "invoiced": invoiced,
        "key_accounts": len(keys),
        "plans": len(plans),
    }


def report_writer(figures):
    print("Workbook writer alone (made-up figures, no database reads):")
    print(
        f"  {'customers':>10} {'key accounts':>12} {'seconds':>8} {'MiB':>6} "
        f"{'peak, constant memory':>22} {'peak, all in memory':>20}"
    )
    for row in figures["rows"]:
        print(
            f"  {row['customers']:>10,} {row['key_accounts']:>12,} "
            f"{row['seconds']:>8.2f} {row['bytes'] / 1048576:>6.1f} "
            f"{row['constant_mib']:>18.1f} MiB {row['in_memory_mib']:>16.1f} MiB"
        )


def writer(env, payload):
    """Time and memory of ``_write_workbook`` alone, on made-up figures of
    N customers and K key accounts (copies of a template row)."""
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    import xlsxwriter  # noqa: PLC0415
    from odoo import fields  # noqa: PLC0415

    company = env.ref("base.main_company")
    report = env["report.kam_reports.portfolio_xlsx"].with_context(lang="en_US")
    today = fields.Date.today()
    rows = []
    for share in SHARES:
        n = max(1, int(payload["customers"] * share))
        k = max(1, int(payload["key_accounts"] * share))
        revenue = np.sort(np.random.default_rng(1).pareto(1.2, n) * 1000.0)[::-1]
        total = revenue.sum()
        cumulative = revenue.cumsum() / total * 100.0
        customers = pd.DataFrame(
            {
                "account_id": np.arange(1, n + 1),
                "name": [f"Customer {i:06d}" for i in range(n)],
                "revenue": revenue,
                "margin": revenue * 0.3,
                "invoice_count": np.full(n, 12),
                "share": revenue / total * 100.0,
                "cumulative": cumulative,
                "rank": np.arange(1, n + 1),
                "pareto_class": np.where(
                    cumulative < 80, "a", np.where(cumulative < 95, "b", "c")
                ),
            }
        )
        quadrants = ("invest", "selective", "maintain", "milk")
        key_accounts = [
            {
                "name": f"Customer {i:06d}",
                "kam": f"KAM {i % 20}",
                "kam_id": i % 20,
                "team": "A. Seller, B. Planner",
                "tier": "key",
                "tier_label": "Key",
                "pareto_class": "a",
                "pareto_class_label": "A",
                "revenue": float(revenue[i]),
                "margin": float(revenue[i]) * 0.3,
                "rfm_recency": 5,
                "rfm_frequency": 4,
                "rfm_monetary": 5,
                "rfm_segment": "champions",
                "rfm_segment_label": "Champions",
                "potential_score": 40.0 + i % 60,
                "volume_score": 80.0,
                "growth_score": 50.0,
                "share_of_wallet_score": 30.0,
                "profitability_score": 60.0,
                "objectives_fit_score": 75.0,
                "position_score": 20.0 + i % 80,
                "has_position": True,
                "quadrant": quadrants[i % 4],
                "quadrant_label": quadrants[i % 4].title(),
                "health_score": 64.0,
                "sales_score": 70.0,
                "opportunities_score": 55.0,
                "relationships_score": 60.0,
                "satisfaction_score": 80.0,
                "alerts_score": 90.0,
                "scorecard_date": today,
                "scorecard_missing": "",
                "coverage_warning": "No decision maker in the buying centre.",
                "open_alert_count": i % 3,
                "sc_pipeline_value": 50000.0,
                "sc_won_value": 20000.0,
                "sc_won_count": 2,
                "sc_win_rate_pct": 40.0,
                "plan": {
                    "name": f"Plan {i}",
                    "state": "active",
                    "state_label": "Active",
                    "achieved": 55.0,
                    "revenue_target": 100000.0,
                },
            }
            for i in range(k)
        ]
        key_accounts.sort(key=lambda r: r["quadrant"])
        portfolio = {
            "company": company,
            "currency": company.currency_id,
            "date_from": today.replace(year=today.year - 1),
            "date_to": today,
            "pareto_a": 80.0,
            "pareto_b": 95.0,
            "potential_threshold": 50.0,
            "position_threshold": 50.0,
            "max_accounts_per_kam": 4,
            "customers": customers,
            "key_accounts": key_accounts,
            "plans": [
                {
                    "account": r["name"],
                    "plan": r["plan"]["name"],
                    "kam": r["kam"],
                    "state": "Active",
                    "date_start": today,
                    "date_end": today,
                    "open_actions": 3,
                    "objective": "Revenue",
                    "kpi": "Revenue",
                    "unit": "$",
                    "target": 100000.0,
                    "actual": 55000.0,
                    "achieved": 55.0,
                }
                for r in key_accounts
            ],
            "movements": [],
            "class_moves": {("b", "a"): 10, ("a", "b"): 7},
        }
        row = {"customers": n, "key_accounts": k}
        for key, options in (
            ("constant_mib", report.get_workbook_options()),
            ("in_memory_mib", {}),
        ):
            out = io.BytesIO()
            tracemalloc.start()
            workbook = xlsxwriter.Workbook(out, options)
            report._write_workbook(workbook, portfolio)
            workbook.close()
            row[key] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
            if key == "constant_mib":
                # Timed again without tracemalloc (which slows Python down).
                out = io.BytesIO()
                started = time.perf_counter()
                workbook = xlsxwriter.Workbook(out, options)
                report._write_workbook(workbook, portfolio)
                workbook.close()
                row["seconds"] = time.perf_counter() - started
                row["bytes"] = len(out.getvalue())
        rows.append(row)
    env.cr.rollback()
    return {"rows": rows}


def _rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(env, payload):
    import openpyxl  # noqa: PLC0415
    import xlsxwriter  # noqa: PLC0415

    company = env.ref("base.main_company")
    director = env.ref("base.user_admin")
    if not director.has_group("kam_management.group_kam_manager"):
        raise RuntimeError("The admin is not a Key Account Director.")
    user_env = env(
        user=director,
        su=False,
        context={"lang": "en_US", "allowed_company_ids": [company.id], "tz": "UTC"},
    )
    Wizard = user_env["kam.portfolio.report.wizard"]
    Data = user_env["kam.portfolio.data"]
    rss_before = _rss_mib()

    def build(**values):
        wizard = Wizard.create(dict({"company_id": company.id}, **values))
        return wizard._render_xlsx()

    best = None
    for _attempt in range(2):
        env.invalidate_all()
        started = time.perf_counter()
        content = build()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    wizard = Wizard.create({"company_id": company.id})
    env.invalidate_all()
    started = time.perf_counter()
    portfolio = wizard._portfolio_data()
    data_seconds = time.perf_counter() - started
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    full = {
        "seconds": best,
        "data_seconds": data_seconds,
        "bytes": len(content),
        "customers": len(portfolio["customers"]),
        "key_accounts": len(portfolio["key_accounts"]),
        "sheets": book.sheetnames,
    }
    book.close()
    del portfolio

    # Memory against rows: the same workbook for a share of the customers
    # (the accounts of lowest ids: spread over all sizes), with and without
    # xlsxwriter's constant-memory mode, built as report_xlsx builds it.
    accounts = Data.env["kam.account"].search(
        [("company_id", "=", company.id), ("revenue", ">", 0)], order="id"
    )
    report = user_env["report.kam_reports.portfolio_xlsx"]
    scaling = []
    for share in SHARES if payload.get("scaling", True) else ():
        subset = None if share == 1.0 else accounts[: int(len(accounts) * share)]
        row = {"customers": len(subset) if subset is not None else len(accounts)}
        for key, options in (
            ("constant_mib", report.get_workbook_options()),
            ("in_memory_mib", {}),
        ):
            env.invalidate_all()
            tracemalloc.start()
            try:
                data = Data._portfolio(
                    company, wizard.date_from, wizard.date_to, accounts=subset
                )
                out = io.BytesIO()
                workbook = xlsxwriter.Workbook(out, options)
                report._write_workbook(workbook, data)
                workbook.close()
                del data
                row[key] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            finally:
                tracemalloc.stop()
        scaling.append(row)
    env.cr.rollback()
    return {
        "full": full,
        "scaling": scaling,
        "rss_before_mib": rss_before,
        "rss_peak_mib": _rss_mib(),
    }


if __name__ == "__main__":
    sys.exit(main())
