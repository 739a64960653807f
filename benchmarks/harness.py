"""What the benchmarks share: processes, timing, memory, databases, printing.

Every benchmark is a script (``python3 benchmarks/bench_<x>.py``) that
imports this module from its own folder. Two kinds:

- On a database of your own (``-c odoo.conf -d DB``, e.g. the demo database):
  :func:`existing_database_arguments`, :func:`parse_odoo_config` and
  :func:`rolled_back_env`, which leaves the database as it was.
- On a large generated database (``bench_classification.py`` and those built
  on its data): the main process prepares the database with Odoo's command
  line (:func:`odoo_init`, :func:`copy_database`) and runs each step in a
  fresh Odoo process of its own (:func:`run_in_odoo`, :func:`worker`), so that
  the peak memory measured is that step's; :func:`generate` writes the
  customers and invoices straight into PostgreSQL.

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
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORING = ROOT / "kam_management" / "kam_scoring"


# --------------------------------------------------------------------------
# Modules of the repository
# --------------------------------------------------------------------------
def _load(name, path, package=False):
    spec = importlib.util.spec_from_file_location(
        name,
        path,
        submodule_search_locations=[str(path.parent)] if package else None,
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def kam_dev():
    """scripts/kam_dev.py (a script, not a package): PostgreSQL and Odoo."""
    return _load("kam_dev", ROOT / "scripts" / "kam_dev.py")


def load_scoring():
    """The pure scoring package as ``kam_scoring``, from its folder, without
    Odoo (as the engine tests load it)."""
    if "kam_scoring" not in sys.modules:
        _load("kam_scoring", SCORING / "__init__.py", package=True)
    return sys.modules["kam_scoring"]


def load_benchmark(name):
    """Another benchmark script of this folder, as a module."""
    return _load(name, ROOT / "benchmarks" / f"{name}.py")


# --------------------------------------------------------------------------
# Timing and memory
# --------------------------------------------------------------------------
@contextmanager
def measured(env=None):
    """Time of the block, and with ``env`` its SQL queries (the ORM flushed
    at the end, inside the time): ``with measured(env) as figures: ...``
    leaves ``figures["seconds"]`` and ``figures["queries"]``."""
    figures = {}
    cr = env.cr if env is not None else None
    queries = cr.sql_log_count if cr is not None else 0
    started = time.perf_counter()
    yield figures
    if env is not None:
        env.flush_all()
        figures["queries"] = cr.sql_log_count - queries
    figures["seconds"] = time.perf_counter() - started


def best_of(call, repeat=3):
    """(best time, last value) of ``repeat`` calls of ``call()``."""
    times, value = [], None
    for _attempt in range(repeat):
        started = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - started)
    return min(times), value


class MethodTimer:
    """Exclusive time spent in methods (or module functions) while active:
    the time of a timed call made inside another is its own, not its
    caller's. ``targets``: (owner, name) pairs; missing names are skipped.
    ``times`` maps each name to its seconds."""

    def __init__(self, targets):
        self.targets = [
            (owner, name) for owner, name in targets if hasattr(owner, name)
        ]
        self.times = {}
        self._stack = []
        self._saved = []

    def __enter__(self):
        for owner, name in self.targets:
            self._patch(owner, name)
        return self

    def __exit__(self, *exc):
        for owner, name, had_own, original in reversed(self._saved):
            if had_own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
        self._saved = []

    def _patch(self, owner, name):
        original = getattr(owner, name)
        self._saved.append((owner, name, name in vars(owner), original))

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self._stack.append(0.0)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                inner = self._stack.pop()
                if self._stack:
                    self._stack[-1] += spent
                self.times[name] = self.times.get(name, 0.0) + spent - inner

        setattr(owner, name, timed)


def current_rss_mib():
    """Resident memory of this process now (MiB)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mib()


def peak_rss_mib():
    """Peak resident memory of this process (MiB; ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def capture_query(cr, call):
    """Run ``call()`` and return the first query it sent through ``cr``, as
    (query, args, kwargs), to time it alone afterwards."""
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


# --------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------
def fmt(value):
    """A figure for a table: thousands separated, 3 decimals below 10."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def print_table(header, rows, width=44, column=14, title=""):
    """``header``: column titles; ``rows``: (label, [values]); ``title``:
    above the labels."""
    print(f"{title:{width}}" + "".join(f"{name:>{column}}" for name in header))
    for label, values in rows:
        print(f"{label:{width}}" + "".join(f"{fmt(v):>{column}}" for v in values))


def print_goal(ok, goal, value=None):
    """A goal's line: PASS or MISS (a benchmark measures, it does not fail)."""
    shown = f" ({fmt(value)})" if value is not None else ""
    print(f"  {'PASS' if ok else 'MISS'}  {goal}{shown}")


def print_load():
    """The machine's load: figures of a busy machine are upper bounds."""
    import os  # noqa: PLC0415

    print("load average (1, 5, 15 min): %.1f %.1f %.1f" % os.getloadavg())


# --------------------------------------------------------------------------
# A database of your own (-c odoo.conf -d DB), left as it was
# --------------------------------------------------------------------------
def existing_database_arguments(parser):
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration")
    parser.add_argument("-d", "--database", required=True)


def parse_odoo_config(config, database, *extra):
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", config, "-d", database, *extra])


@contextmanager
def rolled_back_env(database, context=None):
    """A superuser environment on ``database``; everything done in it is
    rolled back at the end."""
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    with Registry(database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, context or {})
        try:
            yield env
        finally:
            cr.rollback()


# --------------------------------------------------------------------------
# A generated database, measured in fresh Odoo processes
# --------------------------------------------------------------------------
def worker_arguments(parser):
    """The hidden options of a script run as its own worker process."""
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--payload", help=argparse.SUPPRESS)


def odoo_payload(dbname, **values):
    """What a worker needs to load Odoo on ``dbname``, plus ``values``."""
    dev = kam_dev()
    settings = dev.pg_settings()
    return {
        "dbname": dbname,
        "db_args": dev.db_args(settings),
        "addons_path": dev.addons_path(),
        **values,
    }


def run_in_odoo(script, task, payload):
    """Run ``task`` of ``script`` in a fresh Python process with Odoo
    (``script --worker task``, which calls :func:`worker`); return its JSON
    result."""
    with tempfile.TemporaryDirectory(prefix="kam_bench_") as tmp:
        path = Path(tmp) / "payload.json"
        path.write_text(json.dumps(dict(payload, result=str(Path(tmp) / "out"))))
        subprocess.run(
            [sys.executable, str(Path(script).resolve())]
            + ["--worker", task, "--payload", str(path)],
            check=True,
            env=kam_dev().python_env(),
        )
        return json.loads((Path(tmp) / "out").read_text())


def worker(payload_path, function, commit=True, context=None):
    """The worker process's side of :func:`run_in_odoo`: load Odoo on the
    payload's database, call ``function(env, payload)`` as superuser, commit
    (or roll back) and write its result. A dict result gets the process's
    memory once Odoo is imported (``rss_start_mib``)."""
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
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, context or {})
        result = function(env, payload)
        if commit:
            cr.commit()
        else:
            cr.rollback()
    if isinstance(result, dict):
        result.setdefault("rss_start_mib", rss_start)
    Path(payload["result"]).write_text(json.dumps(result, default=str))
    return 0


def _libpq(settings, dbname):
    keys = ("host", "port", "user", "password")
    return {"dbname": dbname, **{k: settings[k] for k in keys if settings.get(k)}}


def _connect(dbname, autocommit=False):
    import psycopg2  # noqa: PLC0415 (an Odoo requirement)

    conn = psycopg2.connect(**_libpq(kam_dev().pg_settings(), dbname))
    conn.autocommit = autocommit
    return conn


def odoo_init(dbname, addons, option):
    """Install (``-i``) or update (``-u``) ``addons`` (comma-separated) in
    ``dbname`` with Odoo's command line, without demo data."""
    dev = kam_dev()
    odoo = dev.odoo_command()
    if odoo is None:
        sys.exit(dev.odoo_missing_reason())
    cmd = [
        *odoo,
        *dev.db_args(dev.pg_settings()),
        f"--addons-path={dev.addons_path()}",
        "-d",
        dbname,
        option,
        addons,
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
        "--workers=0",
        "--http-interface=127.0.0.1",
        f"--http-port={dev.free_port()}",
    ]
    subprocess.run(cmd, check=True, env=dev.python_env())


def database_exists(dbname):
    dev = kam_dev()
    return dev._database_exists(dev.pg_settings(), dbname)


def drop_database(dbname):
    dev = kam_dev()
    dev.drop_database(dev.pg_settings(), dbname)


def copy_database(template, dbname):
    """PostgreSQL's copy of ``template`` (e.g. a database with crm, sale and
    account installed), retried while another session uses the template."""
    import psycopg2  # noqa: PLC0415
    from psycopg2 import sql  # noqa: PLC0415

    conn = _connect("postgres", autocommit=True)
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


def vacuum_analyze(dbname, tables=None):
    conn = _connect(dbname, autocommit=True)
    try:
        with conn.cursor() as cr:
            for table in tables or GENERATED_TABLES:
                cr.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        conn.close()


# --------------------------------------------------------------------------
# The generated data: customers and posted invoices straight into PostgreSQL
# --------------------------------------------------------------------------
DEFAULT_DB = "kam_bench"
# (customers, invoice lines)
SIZES = {"default": (100_000, 2_000_000), "small": (2_000, 40_000)}
LINES_PER_MOVE = 5
REFUND_SHARE = 0.10
HISTORY_MONTHS = 24
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
GENERATED_TABLES = (
    "res_partner",
    "product_product",
    "account_move",
    "account_move_line",
    "kam_account",
    "kam_position_assessment",
    "kam_classification_history",
)


def size_arguments(parser):
    """--small, --customers, --lines."""
    parser.add_argument(
        "--small",
        action="store_true",
        help="quick check: %s customers, %s lines" % SIZES["small"],
    )
    parser.add_argument("--customers", type=int, help="number of customers (N)")
    parser.add_argument("--lines", type=int, help="number of invoice lines (M)")


def sizes_of(args):
    """{customers, lines, lines_per_move} asked for by the options."""
    customers, lines = SIZES["small" if args.small else "default"]
    sizes = {
        "customers": args.customers or customers,
        "lines": args.lines or lines,
        "lines_per_move": LINES_PER_MOVE,
    }
    if sizes["customers"] < 1 or sizes["lines"] < 1:
        sys.exit("Give at least one customer and one invoice line.")
    return sizes


def generated_sizes(dbname):
    """Sizes recorded by :func:`generate` in ``dbname``, None when none."""
    import psycopg2  # noqa: PLC0415

    try:
        conn = _connect(dbname)
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


def prepare_generated_database(
    script, dbname, sizes, addons="kam_management", reuse=False, template=None
):
    """The database with ``addons`` and the generated data of ``sizes``.

    ``reuse`` keeps a database whose generated data has those sizes (the
    addons updated with ``-u``); otherwise it is made anew (from a copy of
    ``template`` when given) and the data generated by ``script``'s
    ``generate`` worker. Returns the seconds of each step."""
    setup = {}
    started = time.monotonic()
    if reuse and generated_sizes(dbname) == sizes:
        odoo_init(dbname, addons, "-u")
        setup["update_module_s"] = time.monotonic() - started
        print(f"Reusing the generated data; {addons} updated.")
        return setup
    if reuse:
        print(f"No reusable data of this size in {dbname}: creating it.")
    drop_database(dbname)
    if template:
        copy_database(template, dbname)
    odoo_init(dbname, addons, "-i")
    setup["create_db_s"] = time.monotonic() - started
    print(f"Database created in {setup['create_db_s']:.1f} s.")
    started = time.monotonic()
    run_in_odoo(script, "generate", odoo_payload(dbname, **sizes))
    setup["generate_s"] = time.monotonic() - started
    print(
        f"{sizes['customers']:,} customers and {sizes['lines']:,} invoice lines "
        f"generated in {setup['generate_s']:.1f} s."
    )
    return setup


def windows(env, company):
    """(today, window start, previous window start) of the classification,
    as the engine computes them."""
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415
    from odoo import fields  # noqa: PLC0415

    months = company.kam_window_months
    today = fields.Date.context_today(env["kam.classification.engine"])
    start = today - relativedelta(months=months) + relativedelta(days=1)
    return today, start, start - relativedelta(months=months)


def generate(env, payload):
    """Customers, products, KAMs, posted invoices and their lines.

    N customers and M invoice lines (``payload``) with set-based SQL: posted
    customer invoices (about 10% credit notes) of the main company spread
    over the last 24 months, five product lines and one receivable line per
    move, skewed amounts so that classes A, B and C all show up. The sizes
    are recorded in the database (:func:`generated_sizes`)."""
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
