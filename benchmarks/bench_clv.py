#!/usr/bin/env python3
"""Benchmark of churn risk and lifetime value on a large generated database.

    python3 benchmarks/bench_clv.py                  # 100,000 customers,
                                                     # 2,000,000 invoice lines
    python3 benchmarks/bench_clv.py --small          # quick check
    python3 benchmarks/bench_clv.py --reuse --database kam_bench

The database and its data are those of ``bench_classification.py`` (same
generator, same options; ``--reuse`` keeps data of the requested size): posted
invoices and credit notes of N customers over 24 months, M invoice lines.
In a fresh Odoo process it then measures, best of 3 where it says so:

1. reading the whole purchase history alone: the query the run sends (bare,
   fetch included) and the engine's method (query + pandas);
2. fitting BG/NBD and Gamma-Gamma and predicting every customer;
3. writing the predictions and their inputs to ``kam_account`` (COPY into a
   temporary table, one UPDATE), on accounts created by a first
   classification run;
4. a whole classification run, which does all of it with the rest of the
   classification (its CLV share is 1-3).

Goals: 1 + 2 + 3 under 30 s and within 3x of reading the history alone,
printed with PASS or MISS (exit code 0 either way, a measurement).
"""

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 30.0
GOAL_RATIO = 3.0
REPEAT = 3


def load_bench_classification():
    path = Path(__file__).resolve().parent / "bench_classification.py"
    spec = importlib.util.spec_from_file_location("bench_classification", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BC = load_bench_classification()


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return run_worker(args.payload)
    customers, lines = BC.SIZES["small" if args.small else "default"]
    customers = args.customers or customers
    lines = args.lines or lines
    kam_dev = BC.load_kam_dev()
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
        "lines_per_move": BC.LINES_PER_MOVE,
    }
    print(
        f"Churn and lifetime value benchmark: {customers:,} customers, "
        f"{lines:,} invoice lines, database {args.database}"
    )
    sizes = BC.database_sizes(settings, args.database) if args.reuse else None
    wanted = {
        "customers": customers,
        "lines": lines,
        "lines_per_move": BC.LINES_PER_MOVE,
    }
    if sizes == wanted:
        BC.odoo_init(kam_dev, odoo, settings, args.database, "-u")
        print("Reusing the generated data (addon updated).")
    else:
        started = time.monotonic()
        kam_dev.drop_database(settings, args.database)
        if args.template:
            copy_database(settings, args.template, args.database)
        BC.odoo_init(kam_dev, odoo, settings, args.database, "-i")
        BC.run_subprocess(kam_dev, "generate", common)
        BC.vacuum_analyze(settings, args.database)
        elapsed = time.monotonic() - started
        print(f"Database created and data generated in {elapsed:.0f} s.")
    print("Measuring in a fresh Odoo process...")
    with BC.tempfile.TemporaryDirectory(prefix="kam_bench_clv_") as tmp:
        path = Path(tmp) / "payload.json"
        path.write_text(json.dumps(dict(common, result=str(Path(tmp) / "out"))))
        BC.subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "measure",
                "--payload",
                str(path),
            ],
            check=True,
            env=kam_dev.python_env(),
        )
        report = json.loads((Path(tmp) / "out").read_text())
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


def copy_database(settings, template, dbname):
    import psycopg2  # noqa: PLC0415
    from psycopg2 import sql  # noqa: PLC0415

    conn = psycopg2.connect(**BC.libpq(settings, "postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(dbname), sql.Identifier(template)
                )
            )
    finally:
        conn.close()


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--small", action="store_true", help="quick check")
    parser.add_argument("--customers", type=int, help="number of customers (N)")
    parser.add_argument("--lines", type=int, help="number of invoice lines (M)")
    parser.add_argument("--reuse", action="store_true", help="keep generated data")
    parser.add_argument(
        "--template",
        metavar="DB",
        help="copy this database (with crm, sale and account installed, no "
        "demo data) instead of installing them: faster",
    )
    parser.add_argument("--database", default=BC.DEFAULT_DB, help="database name")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--payload", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def print_report(report):
    data = report["data"]
    print()
    print(
        f"History: {data['customers']:,} customers with invoices, "
        f"{data['repeat_buyers']:,} repeat buyers, {data['moves']:,} posted moves, "
        f"{data['product_lines']:,} product lines"
    )
    fits = report["fits"]
    print(
        "BG/NBD  {status}: r={r:.4g} alpha={alpha:.4g} a={a:.4g} b={b:.4g} "
        "LL={ll:.1f} ({n:,} customers)".format(
            status=fits["bgnbd"]["status"],
            ll=fits["bgnbd"]["log_likelihood"],
            n=fits["bgnbd"]["n"],
            **{
                k: fits["bgnbd"]["params"].get(k, float("nan"))
                for k in ["r", "alpha", "a", "b"]
            },
        )
    )
    print(
        "Gamma-Gamma {status}: p={p:.4g} q={q:.4g} gamma={gamma:.4g} "
        "({n:,} repeat buyers)".format(
            status=fits["gamma_gamma"]["status"],
            n=fits["gamma_gamma"]["n"],
            **{
                k: fits["gamma_gamma"]["params"].get(k, float("nan"))
                for k in ("p", "q", "gamma")
            },
        )
    )
    rows = [
        ("history read, bare query (best of 3)", report["bare_read_s"]),
        ("history read, engine method (best of 3)", report["read_s"]),
        ("fit and prediction (best of 3)", report["fit_predict_s"]),
        ("write predictions to kam_account (best of 3)", report["write_s"]),
        ("total: read + fit + prediction + write", report["total_s"]),
        ("whole classification run (with everything else)", report["run_s"]),
    ]
    print()
    for label, value in rows:
        print(f"  {label:52s} {value:8.2f} s")
    ratio = report["total_s"] / report["bare_read_s"]
    print(f"  {'ratio total / bare history read':52s} {ratio:8.2f}x")
    print(
        f"  {'peak memory of the Odoo process':52s} {report['peak_rss_mib']:8.0f} MiB"
    )
    print()
    for goal, ok in (
        (f"total < {GOAL_SECONDS:.0f} s", report["total_s"] < GOAL_SECONDS),
        (f"total < {GOAL_RATIO:g}x the bare history read", ratio < GOAL_RATIO),
    ):
        print(f"  {'PASS' if ok else 'MISS'}  {goal}")


def run_worker(payload_path):
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
    registry = odoo.modules.registry.Registry(payload["dbname"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = measure(env)
        cr.rollback()
    result["peak_rss_mib"] = BC.peak_rss_mib()
    Path(payload["result"]).write_text(json.dumps(result, default=str))
    return 0


def best_of(call):
    times, value = [], None
    for _attempt in range(REPEAT):
        started = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - started)
    return min(times), value


def measure(env):
    from odoo.addons.kam_management.kam_scoring import (  # noqa: PLC0415
        CLV_COLUMNS,
        CLV_INPUT_COLUMNS,
        predict_clv,
    )

    cr = env.cr
    company = env.ref("base.main_company")
    engine = env["kam.classification.engine"].sudo()
    today, _start, _prev = BC.windows(env, company)
    config = company._kam_classification_config()
    env.flush_all()

    # A first run creates the accounts (its time is the whole run's).
    started = time.perf_counter()
    run = env["kam.classification.run"]._classify_company(company, trigger="manual")
    run_s = time.perf_counter() - started
    assert run.state == "done", run.error
    env.flush_all()

    query, args, kwargs = BC.capture_query(
        cr, lambda: engine._read_history(company, today)
    )

    def bare():
        cr.execute(query, *args, **kwargs)
        return cr.fetchall()

    bare_read_s, _rows = best_of(bare)
    read_s, history = best_of(lambda: engine._read_history(company, today))
    history["margin_pct"] = 30.0
    fit_predict_s, (predictions, fits) = best_of(
        lambda: predict_clv(
            history, config.clv_horizon_months, config.clv_discount_rate
        )
    )
    Account = env["kam.account"]
    out = history[list(CLV_INPUT_COLUMNS)].join(predictions[list(CLV_COLUMNS)])
    out.insert(0, "partner_id", out.index.astype(int))
    for name in out.columns:
        field = Account._fields.get(name)
        if field is not None and field.type == "integer":
            out[name] = out[name].astype("Int64")
    out.attrs["sql_types"] = {
        name: Account._fields[name].column_type[1] for name in out.columns
    }
    columns = [c for c in out.columns if c != "partner_id"]

    def write():
        engine._copy_frame("kam_clv_bench", out)
        cr.execute(
            odoo_sql(
                """
                UPDATE kam_account a SET {assignments}
                  FROM kam_clv_bench t
                 WHERE a.partner_id = t.partner_id AND a.company_id = %s
                """.format(assignments=", ".join(f'"{c}" = t."{c}"' for c in columns)),
                company.id,
            )
        )
        return cr.rowcount

    write_s, written = best_of(write)
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE move_type IN ('out_invoice', 'out_refund')),
               (SELECT count(*) FROM account_move_line WHERE display_type = 'product')
          FROM account_move WHERE company_id = %s AND state = 'posted'
        """,
        [company.id],
    )
    moves, product_lines = cr.fetchone()
    return {
        "data": {
            "customers": len(history),
            "repeat_buyers": int((history["clv_frequency"] > 0).sum()),
            "moves": moves,
            "product_lines": product_lines,
            "accounts_written": written,
        },
        "fits": {name: fit.as_dict() for name, fit in fits.items()},
        "bare_read_s": bare_read_s,
        "read_s": read_s,
        "fit_predict_s": fit_predict_s,
        "write_s": write_s,
        "total_s": read_s + fit_predict_s + write_s,
        "run_s": run_s,
    }


def odoo_sql(code, *params):
    from odoo.tools import SQL  # noqa: PLC0415

    return SQL(code, *params)


if __name__ == "__main__":
    sys.exit(main())
