#!/usr/bin/env python3
"""Time and queries of the matrix dashboard's data, for a director and a KAM.

    python3 benchmarks/bench_matrix_dashboard.py -c odoo.conf -d kam_demo [-n 1000]

Adds N key accounts of the demo KAM to a database with the addon and its demo
data, gives them classification and scorecard results straight in SQL (as
the nightly runs would leave them), then calls
``kam.account.kam_matrix_dashboard_data`` as the demo director (admin) and as
the demo KAM, each with a cold cache. Prints the time and SQL queries of each
call. Everything is rolled back at the end: the database is left as it was.
"""

import argparse

import harness


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.existing_database_arguments(parser)
    parser.add_argument("-n", "--accounts", type=int, default=1000)
    args = parser.parse_args()
    harness.parse_odoo_config(args.config, args.database)
    with harness.rolled_back_env(args.database) as env:
        with harness.measured(env) as setup:
            _generate(env, args.accounts)
        print(f"setup: {setup['seconds']:.1f} s")
        for user in (env.ref("base.user_admin"), env.ref("base.user_demo")):
            accounts = env["kam.account"].with_user(user)
            accounts.kam_matrix_dashboard_data({})  # warm the registry caches
            env.invalidate_all()
            with harness.measured(env) as figures:
                data = accounts.kam_matrix_dashboard_data({})
            print(
                f"{user.login}: {figures['seconds']:.3f} s, "
                f"{figures['queries']} queries, {data['total']} key "
                f"accounts, {len(data['points'])} on the matrix"
            )


def _generate(env, count):
    kam = env.ref("base.user_demo")
    partners = env["res.partner"].create(
        [{"name": f"Bench {i}", "is_company": True} for i in range(count)]
    )
    accounts = env["kam.account"].create(
        [
            {
                "partner_id": p.id,
                "is_key_account": True,
                "kam_user_id": kam.id,
                "tier": ("strategic", "key", "development")[i % 3],
            }
            for i, p in enumerate(partners)
        ]
    )
    env.flush_all()
    env.cr.execute(
        """
        UPDATE kam_account
           SET has_position = true,
               potential_score = random() * 100,
               position_score = random() * 100,
               quadrant = (ARRAY['invest', 'selective', 'maintain', 'milk'])
                          [1 + floor(random() * 4)::int],
               pareto_class = (ARRAY['a', 'b', 'c'])[1 + floor(random() * 3)::int],
               revenue = random() * 100000,
               health_score = random() * 100,
               health_light = 'amber'
         WHERE id = ANY(%s)
        """,
        [accounts.ids],
    )
    env.invalidate_all()
    return accounts


if __name__ == "__main__":
    main()
