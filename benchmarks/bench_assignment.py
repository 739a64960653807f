#!/usr/bin/env python3
"""Time of the assignment of key accounts to KAMs by competencies.

    python3 benchmarks/bench_assignment.py [--accounts 200] [--kams 50]
    python3 benchmarks/bench_assignment.py -c odoo.conf -d kam_demo

Without a database: the engine alone (fit matrix and exact optimiser) on
random ratings (1-5, six competencies) and needs, each KAM taking at most
four accounts; also checks that the answer is optimal against a second
formulation (scipy's ``milp``) where that is quick. With ``-c`` and ``-d``
(a database with the addon): creates the KAMs, their ratings and the key
accounts through the ORM, times the wizard's proposal and its apply, and
rolls everything back.
"""

import argparse
import importlib

import harness
import numpy as np
import pandas as pd

COMPETENCIES = 6
QUADRANTS = ("invest", "selective", "maintain", "milk")


def _load_engine():
    """kam_scoring.assignment from its folder, without Odoo."""
    harness.load_scoring()
    return importlib.import_module("kam_scoring.assignment")


def _milp_optimum(fit, capacity):
    """The same problem as an integer programme (a second implementation)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n_accounts, n_kams = fit.shape
    rows = np.kron(np.eye(n_accounts), np.ones(n_kams))
    cols = np.kron(np.ones(n_accounts), np.eye(n_kams))
    result = milp(
        -fit.ravel(),
        constraints=[
            LinearConstraint(rows, 0, 1),
            LinearConstraint(cols, 0, capacity),
        ],
        integrality=np.ones(fit.size),
        bounds=Bounds(0, 1),
    )
    return -result.fun


def bench_engine(n_accounts, n_kams, capacity, repeat):
    engine = _load_engine()
    rng = np.random.default_rng(7)
    needs = pd.DataFrame(rng.integers(0, 4, size=(n_accounts, COMPETENCIES)))
    needs.iloc[:, 0] += 1  # no account with all weights zero
    ratings = pd.DataFrame(rng.integers(1, 6, size=(n_kams, COMPETENCIES)))

    def solve():
        fits = engine.fit_matrix(needs, ratings)
        return fits, engine.assign(fits.to_numpy(), np.full(n_kams, capacity))

    best, (fits, result) = harness.best_of(solve, repeat)
    assigned = int((result.kam >= 0).sum())
    print(
        f"engine: {n_accounts} accounts, {n_kams} KAMs x {capacity} places: "
        f"{best * 1000:.1f} ms (best of {repeat}), {assigned} assigned, "
        f"total fit {result.total_fit:.2f}"
    )
    with harness.measured() as check:
        optimum = _milp_optimum(fits.to_numpy(), np.full(n_kams, capacity))
    print(
        f"check: scipy milp optimum {optimum:.2f} in {check['seconds']:.2f} s "
        f"({'equal' if abs(optimum - result.total_fit) < 1e-6 else 'DIFFERENT'})"
    )


def bench_odoo(config, database, n_accounts, n_kams):
    harness.parse_odoo_config(config, database)
    from odoo import Command  # noqa: PLC0415

    with harness.rolled_back_env(database, {"tz": "UTC"}) as env:
        with harness.measured(env) as setup:
            accounts, users = _generate(env, n_accounts, n_kams)
        print(f"setup: {setup['seconds']:.1f} s")
        wizard = env["kam.assignment.wizard"].create(
            {
                "account_ids": [Command.set(accounts.ids)],
                "kam_ids": [Command.set(users.ids)],
            }
        )
        with harness.measured(env) as proposal:
            wizard.action_propose()
        print(
            f"wizard proposal: {proposal['seconds']:.2f} s, "
            f"{proposal['queries']} queries, {len(wizard.line_ids)} lines, "
            f"{wizard.change_count} changes, total fit "
            f"{wizard.total_current_fit:.2f} -> {wizard.total_proposed_fit:.2f}"
        )
        with harness.measured(env) as apply:
            wizard.action_apply()
        print(f"wizard apply ({wizard.change_count} changes): {apply['seconds']:.2f} s")


def _generate(env, n_accounts, n_kams):
    """``n_kams`` KAMs rated on every competency, ``n_accounts`` key accounts."""
    from odoo import Command  # noqa: PLC0415

    company = env.company
    company.kam_max_accounts_per_kam = 4
    group = env.ref("kam_management.group_kam_user")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench KAM {i}",
                    "login": f"bench.kam.{i}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.link(group.id)],
                }
                for i in range(n_kams)
            ]
        )
    )
    competencies = env["kam.competency"].search([])
    rng = np.random.default_rng(7)
    env["kam.competency.rating"].create(
        [
            {
                "user_id": user.id,
                "competency_id": competency.id,
                "rating": int(rng.integers(1, 6)),
                "company_id": company.id,
            }
            for user in users
            for competency in competencies
        ]
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench {i}", "is_company": True} for i in range(n_accounts)]
    )
    accounts = env["kam.account"].create(
        [
            {
                "partner_id": p.id,
                "is_key_account": True,
                "kam_user_id": users[i % n_kams].id,
            }
            for i, p in enumerate(partners)
        ]
    )
    for index, quadrant in enumerate(QUADRANTS):
        accounts[index::4].write({"quadrant": quadrant})
    return accounts, users


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--kams", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("-c", "--config", help="Odoo configuration")
    parser.add_argument("-d", "--database")
    args = parser.parse_args()
    bench_engine(args.accounts, args.kams, args.capacity, args.repeat)
    if args.config and args.database:
        bench_odoo(args.config, args.database, args.accounts, args.kams)


if __name__ == "__main__":
    main()
