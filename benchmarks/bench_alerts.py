#!/usr/bin/env python3
"""Time and queries of the alert pass, on a database with the addon and demo.

    python3 benchmarks/bench_alerts.py -c odoo.conf -d kam_demo [-n 300]

Creates N key accounts (one key contact each, four posted invoices of
staggered dates and due dates) through the ORM, then runs the nightly alert
check twice: the first pass raises the alerts (one activity each), the
second finds the same conditions and changes nothing. Prints the setup time,
then the time, new alerts and SQL queries of each pass. Everything is rolled
back at the end: the database is left as it was.
"""

import argparse
from datetime import timedelta

import harness


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.existing_database_arguments(parser)
    parser.add_argument("-n", "--accounts", type=int, default=300)
    args = parser.parse_args()
    harness.parse_odoo_config(args.config, args.database)
    with harness.rolled_back_env(args.database) as env:
        with harness.measured(env) as setup:
            accounts = _generate(env, args.accounts)
        print(f"setup: {setup['seconds']:.1f} s, {len(accounts)} accounts")
        for name in ("first pass", "second pass"):
            env.invalidate_all()
            with harness.measured(env) as figures:
                new = env["kam.alert"]._cron_evaluate_alerts()
            print(
                f"{name}: {figures['seconds']:.2f} s, {len(new)} new alerts, "
                f"{figures['queries']} queries"
            )


def _generate(env, count):
    from odoo import Command, fields  # noqa: PLC0415

    today = fields.Date.context_today(env["kam.account"])
    kam = env.ref("base.user_demo")
    product = env.ref("kam_management.demo_product_standard")
    decision_maker = env.ref("kam_management.decision_role_decision_maker")
    partners = env["res.partner"].create(
        [{"name": f"Bench {i}", "is_company": True} for i in range(count)]
    )
    accounts = env["kam.account"].create(
        [
            {"partner_id": p.id, "is_key_account": True, "kam_user_id": kam.id}
            for p in partners
        ]
    )
    contacts = env["res.partner"].create(
        [
            {"name": f"Bench contact {i}", "parent_id": p.id}
            for i, p in enumerate(partners)
        ]
    )
    env["kam.buying.role"].create(
        [
            {
                "account_id": account.id,
                "partner_id": contact.id,
                "role_ids": [Command.set(decision_maker.ids)],
            }
            for account, contact in zip(accounts, contacts, strict=True)
        ]
    )
    vals_list = []
    for index, partner in enumerate(partners):
        for rank in range(4):
            days = 20 + rank * 30 + (index % 5) * 20
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=days),
                    "invoice_date_due": today - timedelta(days=days - 10),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1 + index % 7,
                                "price_unit": 100.0,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
    env["account.move"].create(vals_list).action_post()
    env.flush_all()
    return accounts


if __name__ == "__main__":
    main()
