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
import io
import json
import sys
import time
import tracemalloc
from pathlib import Path

import harness

DEFAULT_DB = "kam_bench_reports"
# (customers, invoice lines, key accounts)
SIZES = {"default": (100_000, 2_000_000, 1_000), "small": (2_000, 40_000, 100)}
GOAL_SECONDS = 10.0
SHARES = (0.1, 0.5, 1.0)
TIERS = ("strategic", "key", "development")


# --------------------------------------------------------------------------
# Main process
# --------------------------------------------------------------------------
def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return harness.worker(args.payload, WORKERS[args.worker])
    customers, lines, keys = SIZES["small" if args.small else "default"]
    sizes = {
        "customers": args.customers or customers,
        "lines": args.lines or lines,
        "lines_per_move": harness.LINES_PER_MOVE,
    }
    keys = args.key_accounts or keys
    payload = harness.odoo_payload(
        args.database, **sizes, key_accounts=keys, scaling=not args.no_scaling
    )
    if args.writer_only:
        report_writer(harness.run_in_odoo(__file__, "writer", payload))
        return 0
    if args.measure_only:
        report(harness.run_in_odoo(__file__, "measure", payload))
        return 0
    dev = harness.kam_dev()
    if dev.odoo_command() is None:
        sys.exit(dev.odoo_missing_reason())
    dev.check_oca_addons()
    started = time.monotonic()
    # The classification benchmark's generator, with both addons installed.
    addons = ",".join(dev.ADDONS)
    if not (args.reuse and harness.database_exists(args.database)):
        harness.drop_database(args.database)
        if args.template:
            harness.copy_database(args.template, args.database)
        harness.odoo_init(args.database, addons, "-i")
    else:
        harness.odoo_init(args.database, addons, "-u")
        print(f"Reusing {args.database}.")
    if harness.generated_sizes(args.database) != sizes:
        harness.run_in_odoo(__file__, "generate", payload)
        print(
            f"{sizes['customers']:,} customers and {sizes['lines']:,} invoice "
            "lines generated."
        )
    prepared = harness.run_in_odoo(__file__, "prepare", payload)
    harness.vacuum_analyze(args.database)
    print(
        f"Prepared in {time.monotonic() - started:.0f} s: "
        f"{prepared['accounts']:,} accounts, {prepared['key_accounts']:,} key "
        f"accounts, {prepared['plans']:,} plans, {prepared['invoiced']:,} "
        "customers invoiced in the last 12 months."
    )
    print("Measuring in a fresh Odoo process...")
    figures = harness.run_in_odoo(__file__, "measure", payload)
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
    harness.worker_arguments(parser)
    return parser.parse_args(argv)


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
    print("\nGoal:")
    harness.print_goal(
        full["seconds"] < GOAL_SECONDS,
        f"workbook < {GOAL_SECONDS:.0f} s",
        full["seconds"],
    )


# --------------------------------------------------------------------------
# Workers (Odoo loaded)
# --------------------------------------------------------------------------
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
    N customers and K key accounts: the database's own portfolio of the last
    12 months (its customers, key accounts and plans repeated to N and K, with
    Pareto-like revenues), so that the figures have the shape the writer
    expects whatever it reads."""
    import xlsxwriter  # noqa: PLC0415

    company = env.ref("base.main_company")
    report = env["report.kam_reports.portfolio_xlsx"].with_context(lang="en_US")
    data = env["kam.portfolio.data"].with_context(lang="en_US")
    date_from, date_to = data._default_period()
    base = data._portfolio(company, date_from, date_to)
    if base["customers"].empty or not base["key_accounts"]:
        raise RuntimeError(
            "The database has no invoiced customer or key account in the last "
            "12 months to copy: use one with the demo data."
        )
    rows = []
    for share in SHARES:
        n = max(1, int(payload["customers"] * share))
        k = max(1, int(payload["key_accounts"] * share))
        portfolio = dict(
            base,
            customers=_more_customers(base["customers"], n),
            key_accounts=_repeated(base["key_accounts"], k),
            plans=_repeated(base["plans"], k, key="account"),
        )
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
                with harness.measured() as timed:
                    workbook = xlsxwriter.Workbook(out, options)
                    report._write_workbook(workbook, portfolio)
                    workbook.close()
                row["seconds"] = timed["seconds"]
                row["bytes"] = len(out.getvalue())
        rows.append(row)
    env.cr.rollback()
    return {"rows": rows}


def _more_customers(customers, n):
    """``customers`` (one row per customer) repeated to ``n`` rows, with
    Pareto-like revenues and the ranking figures that follow from them."""
    import numpy as np  # noqa: PLC0415

    frame = customers.iloc[np.arange(n) % len(customers)].reset_index(drop=True)
    revenue = np.sort(np.random.default_rng(1).pareto(1.2, n) * 1000.0)[::-1]
    cumulative = revenue.cumsum() / revenue.sum() * 100.0
    figures = {
        "account_id": np.arange(1, n + 1),
        "name": [f"Customer {i:06d}" for i in range(n)],
        "revenue": revenue,
        "margin": revenue * 0.3,
        "share": revenue / revenue.sum() * 100.0,
        "cumulative": cumulative,
        "rank": np.arange(1, n + 1),
        "pareto_class": np.where(
            cumulative < 80, "a", np.where(cumulative < 95, "b", "c")
        ),
    }
    for column, values in figures.items():
        if column in frame.columns:
            frame[column] = values
    return frame


def _repeated(rows, count, key="name"):
    """``rows`` (dicts) repeated to ``count``, each copy's ``key`` numbered."""
    return [
        dict(row, **{key: f"{row.get(key)} {index:05d}"}) if key in row else row
        for index, row in (
            (index, rows[index % len(rows)]) for index in range(count if rows else 0)
        )
    ]


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
    rss_before = harness.peak_rss_mib()

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
        "rss_peak_mib": harness.peak_rss_mib(),
    }


WORKERS = {
    "generate": harness.generate,
    "prepare": prepare,
    "measure": measure,
    "writer": writer,
}

if __name__ == "__main__":
    sys.exit(main())
