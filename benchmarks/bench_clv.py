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
import json
import sys
from pathlib import Path

import harness

GOAL_SECONDS = 30.0
GOAL_RATIO = 3.0
REPEAT = 3


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        commit = args.worker == "generate"
        return harness.worker(args.payload, WORKERS[args.worker], commit=commit)
    sizes = harness.sizes_of(args)
    print(
        f"Churn and lifetime value benchmark: {sizes['customers']:,} customers, "
        f"{sizes['lines']:,} invoice lines, database {args.database}"
    )
    harness.prepare_generated_database(
        __file__, args.database, sizes, reuse=args.reuse, template=args.template
    )
    harness.vacuum_analyze(args.database)
    print("Measuring in a fresh Odoo process...")
    report = harness.run_in_odoo(
        __file__, "measure", harness.odoo_payload(args.database, **sizes)
    )
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    harness.size_arguments(parser)
    parser.add_argument("--reuse", action="store_true", help="keep generated data")
    parser.add_argument(
        "--template",
        metavar="DB",
        help="copy this database (with crm, sale and account installed, no "
        "demo data) instead of installing them: faster",
    )
    parser.add_argument("--database", default=harness.DEFAULT_DB, help="database name")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    harness.worker_arguments(parser)
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
        harness.print_goal(ok, goal)


def measure(env, _payload):
    from odoo.addons.kam_management.kam_scoring import (  # noqa: PLC0415
        CLV_COLUMNS,
        CLV_INPUT_COLUMNS,
        predict_clv,
    )

    cr = env.cr
    company = env.ref("base.main_company")
    engine = env["kam.classification.engine"].sudo()
    today, _start, _prev = harness.windows(env, company)
    config = company._kam_classification_config()
    env.flush_all()

    # A first run creates the accounts (its time is the whole run's).
    with harness.measured() as first_run:
        run = env["kam.classification.run"]._classify_company(company, trigger="manual")
    run_s = first_run["seconds"]
    assert run.state == "done", run.error
    env.flush_all()

    query, args, kwargs = harness.capture_query(
        cr, lambda: engine._read_history(company, today)
    )

    def bare():
        cr.execute(query, *args, **kwargs)
        return cr.fetchall()

    bare_read_s, _rows = harness.best_of(bare, REPEAT)
    read_s, history = harness.best_of(
        lambda: engine._read_history(company, today), REPEAT
    )
    history["margin_pct"] = 30.0
    fit_predict_s, (predictions, fits) = harness.best_of(
        lambda: predict_clv(
            history, config.clv_horizon_months, config.clv_discount_rate
        ),
        REPEAT,
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

    write_s, written = harness.best_of(write, REPEAT)
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
        "peak_rss_mib": harness.peak_rss_mib(),
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


WORKERS = {"generate": harness.generate, "measure": measure}

if __name__ == "__main__":
    sys.exit(main())
