"""The key-account crons as production runs them: Odoo with workers, default limits.

    python3 benchmarks/bench_classification.py   # makes kam_bench
    python3 benchmarks/bench_cron_limits.py --database kam_bench
    python3 benchmarks/bench_cron_limits.py --database kam_bench --chunk-size 20000

Starts Odoo on a generated database (``bench_classification.py`` makes one)
with ``--workers=2 --max-cron-threads=1`` and Odoo's default worker limits
(``limit_time_real`` 120 s, ``limit_time_cpu`` 60 s, ``limit_memory_soft``
2 GiB, ``limit_memory_hard`` 2.5 GiB, ``limit_time_real_cron`` unset), makes
every key-account cron due now (the others are postponed, and the day's
scheduled classification runs deleted so that one starts), waits until each
has completed and prints the scheduler's log lines of those jobs, any worker
killed by a limit, and the classification run's record (state, steps,
resumes, duration). Goal: every key-account cron completes, no worker is
killed, the run is done. The database keeps what the crons wrote.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

TIMEOUT_S = 1800
KILLED = re.compile(r"timeout after|limit \(.*\) reached|virtual memory limit")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=harness.DEFAULT_DB)
    parser.add_argument(
        "--chunk-size",
        type=int,
        help="customer ids a step reads (kam_management.classification_chunk_size)",
    )
    return parser.parse_args(argv)


def prepare(dbname, chunk_size):
    conn = harness._connect(dbname, autocommit=True)
    with conn.cursor() as cr:
        cr.execute("DELETE FROM kam_classification_run WHERE trigger = 'cron'")
        cr.execute(
            "UPDATE ir_cron "
            "SET nextcall = now() AT TIME ZONE 'UTC' + interval '30 days'"
        )
        cr.execute(
            """
            UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC', active = TRUE
             WHERE id IN (SELECT res_id FROM ir_model_data
                           WHERE module = 'kam_management' AND model = 'ir.cron')
         RETURNING cron_name
            """
        )
        names = [row[0] for row in cr.fetchall()]
        if chunk_size:
            cr.execute(
                """
                INSERT INTO ir_config_parameter (key, value, create_date, write_date)
                VALUES ('kam_management.classification_chunk_size', %s, now(), now())
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """,
                [str(chunk_size)],
            )
    conn.close()
    return names


def state(dbname):
    conn = harness._connect(dbname, autocommit=True)
    with conn.cursor() as cr:
        cr.execute(
            """
            SELECT COUNT(*) FROM ir_cron
             WHERE id IN (SELECT res_id FROM ir_model_data
                           WHERE module = 'kam_management' AND model = 'ir.cron')
               AND (nextcall <= now() AT TIME ZONE 'UTC'
                    OR id IN (SELECT cron_id FROM ir_cron_trigger
                               WHERE call_at <= now() AT TIME ZONE 'UTC'))
            """
        )
        due = cr.fetchone()[0]
        cr.execute(
            """
            SELECT id, state, phase, step_count, COALESCE(resume_count, 0),
                   staged_count, account_count, updated_count, duration, error
              FROM kam_classification_run WHERE trigger = 'cron'
          ORDER BY id DESC LIMIT 1
            """
        )
        run = cr.fetchone()
    conn.close()
    return due, run


def main(argv=None):
    args = parse_args(argv)
    dev = harness.kam_dev()
    odoo = dev.odoo_command()
    if odoo is None:
        sys.exit(dev.odoo_missing_reason())
    if odoo[-2:] == ["-m", "odoo"]:
        # With workers, Odoo starts its websocket process again from its own
        # command line, which must be a script (odoo-bin), not ``-m odoo``.
        folder = dev.probe_odoo()[0]
        odoo_bin = Path(folder).parent / "odoo-bin" if folder else None
        if not (odoo_bin and odoo_bin.is_file()):
            sys.exit("Odoo's odoo-bin was not found beside its package.")
        odoo = [sys.executable, str(odoo_bin)]
    names = prepare(args.database, args.chunk_size)
    print(f"Key-account crons due now on {args.database}: {', '.join(names)}")
    with tempfile.TemporaryDirectory(prefix="kam_cron_") as tmp:
        log = Path(tmp) / "odoo.log"
        cmd = [
            *odoo,
            *dev.db_args(dev.pg_settings()),
            f"--addons-path={dev.addons_path()}",
            "-d",
            args.database,
            f"--db-filter=^{args.database}$",
            "--workers=2",
            "--max-cron-threads=1",
            "--http-interface=127.0.0.1",
            f"--http-port={dev.free_port()}",
            f"--gevent-port={dev.free_port()}",
            f"--logfile={log}",
            "--log-level=info",
        ]
        started = time.monotonic()
        server = subprocess.Popen(cmd, env=dev.python_env())
        try:
            while time.monotonic() - started < TIMEOUT_S:
                time.sleep(5)
                due, run = state(args.database)
                if not due and run and run[1] != "running":
                    break
        finally:
            server.terminate()
            server.wait(timeout=60)
        elapsed = time.monotonic() - started
        lines = log.read_text(errors="replace").splitlines()
    jobs = [
        line
        for line in lines
        if "ir_cron: Job 'Key Accounts" in line or "kam_classification_run" in line
    ]
    killed = [line for line in lines if KILLED.search(line)]
    print("\nScheduler log, key-account jobs:")
    for line in jobs:
        print("  " + line[:220])
    print(f"\nWorkers killed by a limit: {len(killed)}")
    for line in killed:
        print("  " + line[:220])
    due, run = state(args.database)
    if run:
        keys = (
            "run",
            "state",
            "phase",
            "steps",
            "resumed",
            "customers read",
            "accounts",
            "updated",
            "duration (s)",
            "error",
        )
        shown = ", ".join(f"{k} {v}" for k, v in zip(keys, run, strict=True))
        print("\nClassification run: " + shown)
    ok = bool(run) and run[1] == "done" and not due and not killed
    harness.print_goal(
        ok,
        "every key-account cron completes within the default limits",
        f"{elapsed:.0f} s",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
