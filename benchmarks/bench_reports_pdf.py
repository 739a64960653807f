#!/usr/bin/env python3
"""Time of each PDF report of kam_reports for N key accounts (real wkhtmltopdf).

    python3 benchmarks/bench_reports_pdf.py -c odoo.conf -d kam_demo [-n 100]

On a database with kam_reports and the demo data: creates N key accounts
(two posted invoices, a buying-centre contact, an account plan with three
objectives and two actions each), classifies the company, then prints each
PDF report for the N accounts (or their N plans) the way the Print menu does:
QWeb to HTML, then wkhtmltopdf. Odoo's HTTP server runs in the process
meanwhile, so wkhtmltopdf loads the report styles as in production. Prints,
per report, the HTML time, the whole PDF time, the pages and the size.
Everything is rolled back at the end: the database is left as it was.
"""

import argparse
import re
import urllib.request
from datetime import timedelta

import harness

REPORTS = (
    ("account plan", "kam_reports.action_report_kam_account_plan", "plans"),
    ("key-account one-pager", "kam_reports.action_report_kam_account_onepager", None),
    ("portfolio summary", "kam_reports.action_report_kam_portfolio_summary", None),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.existing_database_arguments(parser)
    parser.add_argument("-n", "--accounts", type=int, default=100)
    parser.add_argument("--http-port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    port = args.http_port or harness.kam_dev().free_port()
    harness.parse_odoo_config(
        args.config,
        args.database,
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        f"--db-filter=^{args.database}$",
    )
    import odoo  # noqa: PLC0415

    server = odoo.service.server.ThreadedServer(odoo.http.root)
    server.http_spawn()
    with harness.rolled_back_env(args.database, {"lang": "en_US"}) as env:
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
        with harness.measured(env) as setup:
            accounts, plans = _generate(env, args.accounts)
        print(f"setup: {setup['seconds']:.1f} s, {len(accounts)} accounts")
        report = env["ir.actions.report"]
        _warm_up_assets(report, port, accounts[:1])
        for _name, ref, target in REPORTS:  # templates compiled once, as in a server
            report._render_qweb_html(ref, (plans if target else accounts)[:1].ids)
        for name, ref, target in REPORTS:
            records = plans if target == "plans" else accounts
            env.invalidate_all()
            with harness.measured() as html:
                report._render_qweb_html(ref, records.ids)
            env.invalidate_all()
            with harness.measured() as whole:
                pdf, kind = report._render_qweb_pdf(ref, records.ids)
            assert kind == "pdf" and pdf.startswith(b"%PDF"), kind
            pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
            print(
                f"{name}: {len(records)} records, HTML {html['seconds']:.2f} s, "
                f"PDF {whole['seconds']:.2f} s, {pages} pages, "
                f"{len(pdf) / 1024:.0f} KiB"
            )
        harness.print_load()
    server.stop()


def _warm_up_assets(report, port, account):
    """Build the report's style bundles once, one request after the other.

    wkhtmltopdf asks for them all at once; a bundle built by several server
    threads at the same time fails on the first print of a fresh process.
    """
    html = report._render_qweb_html(REPORTS[1][1], account.ids)[0].decode()
    for path in sorted(set(re.findall(r'(?:href|src)="(/web/assets/[^"]+)"', html))):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120):
            pass


def _generate(env, count):
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415
    from odoo import Command, fields  # noqa: PLC0415

    today = fields.Date.context_today(env["kam.account"])
    kam = env.ref("base.user_demo")
    product = env.ref("kam_management.demo_product_standard")
    decision_maker = env.ref("kam_management.decision_role_decision_maker")
    partners = env["res.partner"].create(
        [{"name": f"Bench Customer {i:03d}", "is_company": True} for i in range(count)]
    )
    accounts = env["kam.account"].create(
        [
            {
                "partner_id": p.id,
                "is_key_account": True,
                "kam_user_id": kam.id,
                "tier": "key",
                "wallet_estimate": 50000.0,
            }
            for p in partners
        ]
    )
    contacts = env["res.partner"].create(
        [
            {"name": f"Buyer {i:03d}", "function": "Buyer", "parent_id": p.id}
            for i, p in enumerate(partners)
        ]
    )
    env["kam.buying.role"].create(
        [
            {
                "account_id": account.id,
                "partner_id": contact.id,
                "owner_id": kam.id,
                "role_ids": [Command.set(decision_maker.ids)],
                "relationship_strength": 3,
            }
            for account, contact in zip(accounts, contacts, strict=True)
        ]
    )
    env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": today - timedelta(days=days + index % 30),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 10 + index % 17,
                            "price_unit": 100.0,
                            "tax_ids": [],
                        }
                    )
                ],
            }
            for index, partner in enumerate(partners)
            for days in (20, 400)
        ]
    ).action_post()
    env["kam.classification.run"]._classify_company(env.company, trigger="manual")
    start = today.replace(day=1)
    plans = env["kam.account.plan"].create(
        [
            {
                "account_id": account.id,
                "date_start": start,
                "date_end": start + relativedelta(months=12, days=-1),
                "goals_three_years": "<p>Become the preferred supplier.</p>",
                "value_added": "Shared forecasting and fewer stock-outs.",
                "objective_ids": [
                    Command.create(
                        {"name": "Grow revenue", "kpi": "revenue", "target": 5000.0}
                    ),
                    Command.create(
                        {
                            "name": "Keep the margin",
                            "kpi": "gross_margin",
                            "target": 2000.0,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Satisfaction",
                            "kpi": "satisfaction",
                            "target": 4.0,
                        }
                    ),
                ],
                "action_ids": [
                    Command.create(
                        {
                            "name": f"Review meeting {n}",
                            "owner_id": kam.id,
                            "date_deadline": today + timedelta(days=10 * n),
                        }
                    )
                    for n in (1, 2)
                ],
            }
            for account in accounts
        ]
    )
    env.flush_all()
    return accounts, plans


if __name__ == "__main__":
    main()
