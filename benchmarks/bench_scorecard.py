#!/usr/bin/env python3
"""Benchmark of the nightly scorecard and alert pass, and of the key-account
screens' query counts, on the classification benchmark's large database.

    python3 benchmarks/bench_scorecard.py              # database kam_bench
    python3 benchmarks/bench_scorecard.py --json figures.json
    python3 benchmarks/bench_scorecard.py --small --key-accounts 50  # quick

1. Needs the database of ``bench_classification.py`` (100,000 customers,
   2,000,000 invoice lines, about 1,000 key accounts with a KAM); runs that
   benchmark first (with the same size options) when the database has no
   generated data. The largest customers are made key accounts up to
   ``--key-accounts`` (default 1,000).
2. Adds, once (kept for the next runs), a year of activity to every key
   account, straight into PostgreSQL with set-based SQL, except the buying
   centre and the plans, created through the ORM: six contacts with buying
   roles (two decision makers), an active plan with a revenue and a margin
   objective, twelve opportunities (won, lost, open), a hundred messages and
   twenty-four done activities on the contacts, a dozen meetings, four
   moments of truth and, where the survey part of the addon is installed,
   four completed satisfaction surveys. The seeding time is printed but is
   no part of the figures.
3. Measures, in a fresh Odoo process, everything rolled back at the end: the
   scorecard pass for all key accounts (time, queries, per source), the
   alert pass twice (the first raises the alerts and their activities, the
   second is a night with the same conditions), and the SQL queries of the
   key-account list (20 and 80 rows: equal counts mean no query per row) and
   of the key-account form, read the way the web client reads them
   (``web_search_read``/``web_read`` with the views' own fields), as a KAM and
   as a director.

The goal (nightly pass, scorecard plus alerts, under 30 s) is printed with
PASS or MISS; the exit code is 0 either way (a measurement, not a test).
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import harness

ROOT = harness.ROOT
GOAL_SECONDS = 30.0
KEY_ACCOUNTS = 1000
# One invoice in PAID_EVERY is left unpaid (some of them overdue).
PAID_EVERY = 40
ACTIVITY_PARAM = "kam_bench.activity"
CONTACTS = 6
OPPORTUNITIES = 12
MESSAGES = 100
DONE_ACTIVITIES = 24
MEETINGS = 12
MOMENTS = 4
SURVEYS = 4
# Engine methods timed one by one.
SOURCES = (
    "_plan_objectives",
    "_kpis_sales",
    "_kpis_opportunities",
    "_kpis_relationships",
    "_kpis_satisfaction",
    "_kpis_alerts",
    "_write",
)


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        commit = args.worker == "seed"
        return harness.worker(
            args.payload, WORKERS[args.worker], commit=commit, context={"tz": "UTC"}
        )
    if harness.generated_sizes(args.database) is None:
        print(
            f"Database {args.database} has no generated data: running "
            "bench_classification.py first (several minutes)."
        )
        sizes = [
            f"--{name}={value}"
            for name in ("customers", "lines")
            if (value := getattr(args, name))
        ]
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "bench_classification.py"),
                "--database",
                args.database,
                "--reuse",
                *(["--small"] if args.small else []),
                *sizes,
            ],
            check=True,
        )
    payload = harness.odoo_payload(args.database, key_accounts=args.key_accounts)
    seeded = harness.run_in_odoo(__file__, "seed", payload)
    figures = harness.run_in_odoo(__file__, "measure", payload)
    report = {"seeded": seeded, **figures}
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", default=harness.DEFAULT_DB, help="database name")
    harness.size_arguments(parser)
    parser.add_argument(
        "--key-accounts",
        type=int,
        default=KEY_ACCOUNTS,
        help="key accounts to give a year of activity (default %(default)s)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    harness.worker_arguments(parser)
    return parser.parse_args(argv)


# --- seeding --------------------------------------------------------------
def seed(env, payload):
    """A year of activity for every key account (accounts seeded before are
    kept: only key accounts without a buying centre get theirs)."""
    from odoo import fields  # noqa: PLC0415

    started = time.perf_counter()
    cr = env.cr
    company = env.ref("base.main_company")
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    promoted = ensure_key_accounts(env, company, ctx, payload["key_accounts"])
    pay_invoices(env)
    surveys = seed_surveys(env)
    accounts = env["kam.account"].search(
        [
            ("is_key_account", "=", True),
            ("company_id", "=", company.id),
            ("buying_role_ids", "=", False),
        ]
    )
    if not accounts:
        params = env["ir.config_parameter"].sudo()
        result = json.loads(params.get_param(ACTIVITY_PARAM) or "{}")
        result["survey_answers"] = result.get("survey_answers", 0) + surveys
        params.set_param(ACTIVITY_PARAM, json.dumps(result))
        return result
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    # Buying centre: contacts and roles through the ORM (computed fields).
    partners = (
        env["res.partner"]
        .with_context(**ctx)
        .create(
            [
                {
                    "name": f"{account.partner_id.name} contact {i}",
                    "parent_id": account.partner_id.id,
                    "type": "contact",
                    "email": f"c{i}.{account.id}@bench.example.com",
                }
                for account in accounts
                for i in range(CONTACTS)
            ]
        )
    )
    decision_maker = env.ref("kam_management.decision_role_decision_maker")
    roles = (
        env["kam.buying.role"]
        .with_context(**ctx)
        .create(
            [
                {
                    "account_id": account.id,
                    "partner_id": partners[n * CONTACTS + i].id,
                    "role_ids": [(6, 0, [decision_maker.id])] if i < 2 else [],
                    "influence": ("high", "medium", "low")[i % 3],
                    "relationship_strength": 1 + (account.id + i) % 5,
                    "owner_id": account.kam_user_id.id,
                }
                for n, account in enumerate(accounts)
                for i in range(CONTACTS)
            ]
        )
    )
    # Plans: active, this calendar year, a revenue and a margin objective.
    today = fields.Date.context_today(env["kam.account"])
    year_start = today.replace(month=1, day=1)
    plans = (
        env["kam.account.plan"]
        .with_context(**ctx)
        .create(
            [
                {
                    "account_id": account.id,
                    "date_start": year_start,
                    "date_end": year_start.replace(month=12, day=31),
                    "objective_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Revenue",
                                "kpi": "revenue",
                                "target": 5000.0 + account.id % 7 * 4000.0,
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "name": "Margin",
                                "kpi": "gross_margin",
                                "target": 2000.0 + account.id % 5 * 1500.0,
                            },
                        ),
                    ],
                }
                for account in accounts
            ]
        )
    )
    plans._set_state("active", "draft")
    env.flush_all()
    sql_params = {
        "accounts": accounts.ids,
        "company": company.id,
        "uid": env.uid,
        "opportunities": OPPORTUNITIES,
        "messages": MESSAGES,
        "done": DONE_ACTIVITIES,
        "meetings": MEETINGS,
        "moments": MOMENTS,
        "contacts": CONTACTS,
    }
    cr.execute(
        """
        SELECT (SELECT id FROM crm_stage WHERE is_won ORDER BY sequence LIMIT 1),
               (SELECT id FROM crm_stage WHERE NOT is_won ORDER BY sequence LIMIT 1),
               (SELECT id FROM mail_activity_type
                 WHERE res_model IS NULL ORDER BY sequence LIMIT 1)
        """
    )
    won_stage, open_stage, activity_type = cr.fetchone()
    sql_params.update(won=won_stage, open=open_stage, activity_type=activity_type)
    # Opportunities over the last year: a third won, a sixth lost, the rest open.
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, partner_id, company_id, user_id,
                              stage_id, active, probability, expected_revenue,
                              date_closed, create_date, write_date, create_uid,
                              write_uid, priority)
        SELECT 'Bench opportunity ' || g, 'opportunity', a.partner_id,
               a.company_id, a.kam_user_id,
               CASE WHEN g %% 3 = 0 THEN %(won)s ELSE %(open)s END,
               g %% 6 != 1, CASE WHEN g %% 3 = 0 THEN 100 WHEN g %% 6 = 1 THEN 0
                                ELSE 30 END,
               1000 + (a.id * 37 + g * 101) %% 20000,
               CASE WHEN g %% 3 = 0 OR g %% 6 = 1
                    THEN NOW() - (g * 28 || ' days')::interval END,
               NOW() - (g * 30 || ' days')::interval, NOW(), %(uid)s, %(uid)s, '0'
          FROM kam_account a CROSS JOIN generate_series(1, %(opportunities)s) g
         WHERE a.id = ANY(%(accounts)s)
        """,
        sql_params,
    )
    # Messages on (and done activities with) the buying-centre contacts.
    cr.execute(
        """
        INSERT INTO mail_message (model, res_id, message_type, body, date,
                                  author_id, create_date, write_date,
                                  create_uid, write_uid, mail_activity_type_id)
        SELECT 'res.partner', r.partner_id, 'comment', '<p>Bench note</p>',
               NOW() - ((g * 3 + r.id %% 3) || ' days')::interval, NULL,
               NOW(), NOW(), %(uid)s, %(uid)s,
               CASE WHEN g <= %(done)s THEN %(activity_type)s END
          FROM kam_buying_role r
          CROSS JOIN generate_series(1, %(messages)s / %(contacts)s) g
         WHERE r.account_id = ANY(%(accounts)s)
        """,
        sql_params,
    )
    cr.execute(
        """
        WITH events AS (
            INSERT INTO calendar_event (name, start, stop, duration, show_as,
                                        active, allday, user_id, create_date,
                                        write_date, create_uid, write_uid,
                                        privacy)
            SELECT 'Bench meeting ' || a.id || '/' || g,
                   NOW() - (g * 25 || ' days')::interval,
                   NOW() - (g * 25 || ' days')::interval + interval '1 hour',
                   1.0, 'busy', TRUE, FALSE, a.kam_user_id, NOW(), NOW(),
                   %(uid)s, %(uid)s, 'public'
              FROM kam_account a CROSS JOIN generate_series(1, %(meetings)s) g
             WHERE a.id = ANY(%(accounts)s)
         RETURNING id, name
        )
        INSERT INTO calendar_attendee (event_id, partner_id, state)
        SELECT e.id, r.partner_id, 'accepted'
          FROM events e
          JOIN kam_buying_role r
            ON r.account_id = split_part(substr(e.name, 15), '/', 1)::int
           AND r.id %% 3 = 0
        """,
        sql_params,
    )
    cr.execute(
        """
        INSERT INTO kam_moment_truth (account_id, company_id, date, outcome,
                                      name, user_id, create_date, write_date,
                                      create_uid, write_uid)
        SELECT a.id, a.company_id, (NOW() - (g * 70 || ' days')::interval)::date,
               CASE WHEN (a.id + g) %% 4 = 0 THEN 'negative' ELSE 'positive' END,
               'Bench moment ' || g, %(uid)s, NOW(), NOW(), %(uid)s, %(uid)s
          FROM kam_account a CROSS JOIN generate_series(1, %(moments)s) g
         WHERE a.id = ANY(%(accounts)s)
        """,
        sql_params,
    )
    for table in (
        "crm_lead",
        "mail_message",
        "calendar_event",
        "calendar_attendee",
        "kam_moment_truth",
        "kam_buying_role",
        "res_partner",
    ):
        cr.execute(f"ANALYZE {table}")
    counts = {}
    for table in (
        "crm_lead",
        "mail_message",
        "calendar_event",
        "kam_buying_role",
        "kam_moment_truth",
        "kam_plan_objective",
    ):
        cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
        counts[table] = cr.fetchone()[0]
    result = {
        "key_accounts": len(accounts),
        "contacts": len(roles),
        "plans": len(plans),
        "survey_answers": surveys + seed_surveys(env),
        "rows": counts,
        "seconds": round(time.perf_counter() - started, 1),
    }
    result["promoted_to_key"] = promoted
    result["key_accounts"] = env["kam.account"].search_count(
        [("is_key_account", "=", True), ("company_id", "=", company.id)]
    )
    env["ir.config_parameter"].sudo().set_param(ACTIVITY_PARAM, json.dumps(result))
    return result


def ensure_key_accounts(env, company, ctx, wanted):
    """Up to ``wanted`` key accounts: the biggest other customers become
    key accounts of the benchmark's KAMs."""
    accounts = env["kam.account"].with_context(**ctx)
    missing = wanted - accounts.search_count(
        [("is_key_account", "=", True), ("company_id", "=", company.id)]
    )
    if missing <= 0:
        return 0
    candidates = accounts.search(
        [("is_key_account", "=", False), ("company_id", "=", company.id)],
        order="revenue desc, id",
        limit=missing,
    )
    kams = env["res.users"].search([("login", "=like", "bench.kam%")], order="id")
    for index, kam in enumerate(kams):
        candidates[index :: len(kams)].write(
            {"is_key_account": True, "kam_user_id": kam.id, "tier": "key"}
        )
    return len(candidates)


def pay_invoices(env):
    """Customers pay: all but one invoice in PAID_EVERY stays open."""
    env.cr.execute(
        """
        WITH paid AS (
            UPDATE account_move
               SET payment_state = 'paid', amount_residual = 0,
                   amount_residual_signed = 0
             WHERE move_type IN ('out_invoice', 'out_refund')
               AND payment_state = 'not_paid' AND id %% %(every)s != 0
         RETURNING id
        )
        UPDATE account_move_line l SET amount_residual = 0,
               amount_residual_currency = 0, reconciled = TRUE
          FROM paid WHERE l.move_id = paid.id
           AND l.display_type = 'payment_term'
        """,
        {"every": PAID_EVERY},
    )
    env.invalidate_all()


def seed_surveys(env):
    """Completed satisfaction surveys over the last year, for the key
    accounts without any (when the addon's survey part is installed)."""
    from datetime import timedelta  # noqa: PLC0415

    from odoo import fields  # noqa: PLC0415

    user_input = env.get("survey.user_input")
    if user_input is None or "kam_account_id" not in user_input._fields:
        return 0
    survey = env.ref("kam_management.survey_kam_satisfaction")
    question = survey.question_ids.filtered("is_kam_nps")[:1]
    answered = user_input.search([("kam_account_id", "!=", False)]).kam_account_id
    accounts = env["kam.account"].search([("is_key_account", "=", True)]) - answered
    now = fields.Datetime.now()
    ctx = {"tracking_disable": True, "mail_create_nolog": True}
    inputs = user_input.with_context(**ctx).create(
        [
            {
                "survey_id": survey.id,
                "partner_id": role.partner_id.id,
                "kam_account_id": account.id,
                "state": "done",
                "end_datetime": now - timedelta(days=(account.id * 7 + i * 83) % 360),
            }
            for account in accounts
            for i, role in enumerate(account.buying_role_ids[:SURVEYS])
        ]
    )
    env["survey.user_input.line"].with_context(**ctx).create(
        [
            {
                "user_input_id": answer.id,
                "question_id": question.id,
                "answer_type": "scale",
                "value_scale": (answer.id * 7) % 11,
            }
            for answer in inputs
        ]
    )
    return len(inputs)


# --- measurement ----------------------------------------------------------
def measure(env, _payload):
    cr = env.cr
    accounts = env["kam.account"].search([("is_key_account", "=", True)])
    engine = env["kam.scorecard.engine"]
    sources = [(type(engine), name) for name in SOURCES]
    env.invalidate_all()
    with harness.MethodTimer(sources) as timer, harness.measured(env) as scorecard:
        engine._cron_compute_scorecards()
    scorecard["sources"] = timer.times
    alerts = []
    for label in ("first pass", "next night"):
        env.invalidate_all()
        with harness.measured(env) as figures:
            new = env["kam.alert"]._cron_evaluate_alerts()
        alerts.append(dict(figures, label=label, new_alerts=len(new)))
    screens = screen_queries(env, accounts)
    areas = {}
    for field in (
        "sales_score",
        "opportunities_score",
        "relationships_score",
        "satisfaction_score",
        "alerts_score",
        "health_score",
    ):
        cr.execute(
            f"SELECT count({field}), round(avg({field})::numeric, 1) "  # noqa: S608
            "FROM kam_account WHERE is_key_account"
        )
        scored, average = cr.fetchone()
        areas[field] = {"scored": scored, "average": float(average or 0)}
    return {
        "key_accounts": len(accounts),
        "scorecard": scorecard,
        "alerts": alerts,
        "screens": screens,
        "areas": areas,
    }


def view_spec(model, arch):
    """The ``specification`` the web client sends for a view's fields."""
    from lxml import etree  # noqa: PLC0415

    root = etree.fromstring(arch)

    def spec_of(node, comodel, top):
        spec = {}
        for field in node.iter("field"):
            # Only the fields of this level: skip those of sub-views.
            parent = field.getparent()
            while parent is not None and parent is not node:
                if parent.tag in ("list", "kanban", "form") and parent is not top:
                    break
                parent = parent.getparent()
            if parent is not node and parent is not None:
                continue
            name = field.get("name")
            definition = comodel._fields.get(name)
            if definition is None:
                continue
            if definition.type == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif definition.type in ("one2many", "many2many"):
                sub = field.find("list")
                sub_model = comodel.env[definition.comodel_name]
                spec[name] = {
                    "fields": spec_of(sub, sub_model, sub)
                    if sub is not None
                    else {"display_name": {}}
                }
            else:
                spec[name] = {}
        return spec

    return spec_of(root, model, root)


def screen_queries(env, accounts):
    """Queries of the key-account list and form, as a KAM and as a director."""
    director_group = env.ref("kam_management.group_kam_manager")
    kam_group = env.ref("kam_management.group_kam_user")
    director = director_group.users.filtered(lambda u: u.id != env.uid)[:1] or env.user
    kams = accounts.kam_user_id.filtered(lambda u: kam_group in u.groups_id)
    kam = max(
        kams, key=lambda u: len(accounts.filtered(lambda a, u=u: a.kam_user_id == u))
    )
    domain = [("is_key_account", "=", True)]
    result = {}
    for label, user in (("KAM", kam), ("director", director)):
        model = env["kam.account"].with_user(user)
        views = model.get_views([(False, "list"), (False, "form")])["views"]
        list_spec = view_spec(model, views["list"]["arch"])
        form_spec = view_spec(model, views["form"]["arch"])
        figures = {}
        for limit in (20, 80):
            env.invalidate_all()
            env.registry.clear_cache()
            model.web_search_read(domain, list_spec, limit=limit)  # warm caches
            env.invalidate_all()
            with harness.measured(env) as read:
                rows = model.web_search_read(domain, list_spec, limit=limit)
            figures[f"list_{limit}"] = {
                "rows": len(rows["records"]),
                "queries": read["queries"],
                "ms": read["seconds"] * 1000,
            }
        record = model.search(domain, limit=1)
        env.invalidate_all()
        record.web_read(form_spec)
        env.invalidate_all()
        with harness.measured(env) as read:
            record.web_read(form_spec)
        figures["form"] = {"queries": read["queries"], "ms": read["seconds"] * 1000}
        figures["visible_accounts"] = model.search_count(domain)
        result[label] = figures
    return result


def print_report(report):
    seeded = report["seeded"]
    print(
        f"Activity of {seeded['key_accounts']:,} key accounts (seeded once in "
        f"{seeded['seconds']} s): {seeded['contacts']:,} buying roles, "
        f"{seeded['plans']:,} plans, {seeded['survey_answers']:,} survey answers; "
        + ", ".join(f"{k} {v:,}" for k, v in seeded["rows"].items())
    )
    scorecard = report["scorecard"]
    print(
        f"\nScorecard pass, {report['key_accounts']:,} key accounts: "
        f"{scorecard['seconds']:.2f} s, {scorecard['queries']} queries"
    )
    for name, seconds in scorecard["sources"].items():
        print(f"  {name:<22} {seconds:6.2f} s")
    for run in report["alerts"]:
        print(
            f"Alert pass, {run['label']}: {run['seconds']:.2f} s, "
            f"{run['new_alerts']:,} new alerts, {run['queries']:,} queries"
        )
    nightly = scorecard["seconds"] + report["alerts"][1]["seconds"]
    first = scorecard["seconds"] + report["alerts"][0]["seconds"]
    for label, value in (("nightly pass", nightly), ("first night", first)):
        harness.print_goal(
            value < GOAL_SECONDS,
            f"{label} (scorecard + alerts) < {GOAL_SECONDS:.0f} s",
            value,
        )
    print("\nAreas scored (accounts with a value, average):")
    for field, figures in report["areas"].items():
        print(f"  {field:<22} {figures['scored']:5} {figures['average']:6.1f}")
    print("\nKey-account screens (queries, time):")
    for label, figures in report["screens"].items():
        print(
            f"  {label} ({figures['visible_accounts']} accounts): "
            f"list 20 rows {figures['list_20']['queries']} q "
            f"{figures['list_20']['ms']:.0f} ms, "
            f"list 80 rows {figures['list_80']['queries']} q "
            f"{figures['list_80']['ms']:.0f} ms (rows {figures['list_80']['rows']}), "
            f"form {figures['form']['queries']} q {figures['form']['ms']:.0f} ms"
        )


WORKERS = {"seed": seed, "measure": measure}

if __name__ == "__main__":
    sys.exit(main())
