#!/usr/bin/env python3
"""Developer entry points: a private PostgreSQL, a demo Odoo and the Odoo tests.

    python3 scripts/kam_dev.py run        # demo database, Odoo on localhost:8069
    python3 scripts/kam_dev.py test       # every test: engine, packaging, Odoo
    python3 scripts/kam_dev.py odoo-test  # install the addons and run their tests
    python3 scripts/kam_dev.py core-test  # Odoo's crm, sale, account tests, +/- ours
    python3 scripts/kam_dev.py pg-start   # only start the private PostgreSQL
    python3 scripts/kam_dev.py data-digest --database DB --out before.json
    python3 scripts/kam_dev.py data-digest --database DB --compare before.json
                                          # the key-account data kept by an upgrade

Database server, in this order:
1. an Odoo configuration file given with ``--config`` or ``ODOO_RC``;
2. the usual libpq variables (``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``);
3. otherwise an embedded private server, created on first use from the
   PostgreSQL server binaries found on ``PATH`` or in ``/usr/lib/postgresql``
   (or the ``pgserver`` package from PyPI), listening on 127.0.0.1 only.

Odoo 18.0 is found when ``ODOO_SRC`` points at its source tree (the folder
holding ``odoo-bin``) or else when ``import odoo`` finds it (``pip install -e``
of a source tree, or any installed Odoo); the ``addons`` folder beside its
``odoo`` package in a git checkout goes on the addons path. An Odoo that is
found but does not import (one of its own requirements missing) stops every
command with Odoo's own error line.

Odoo 19.0 is found the same way, by the Python that runs this script
(``make test-19`` runs it with ``ODOO19_PYTHON``, and ``ODOO19_SRC`` as
``ODOO_SRC``). On a series other than the source's, the commands run the
addons that ``scripts/kam_series.py`` builds for it into ``.series/<series>``
(``KAM_ADDONS_DIR`` tells the tests where), with the Odoo options that series
needs to install as 18.0 does (``--with-demo`` on 19.0). Where the Odoo of
another series lives can be said once, in the user's configuration file
``~/.config/kam_dev.conf`` (``$XDG_CONFIG_HOME``; ``KAM_DEV_CONFIG`` names
another file), a section per series::

    [19.0]
    python = /path/to/venv19/bin/python   ; a Python with Odoo 19.0's requirements
    src = /path/to/odoo-19.0              ; optional: its source, if not installed

``make test-19`` and ``.ci/run`` read it (``series-config``) unless
``ODOO19_PYTHON``/``ODOO19_SRC`` are set.
"""

import argparse
import collections
import configparser
import functools
import glob
import importlib.util
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("kam_management", "kam_reports")


def _load_kam_series():
    """scripts/kam_series.py, the addons of each series (a script beside this
    one, loaded by its path so that the tests can load this file too)."""
    path = Path(__file__).resolve().parent / "kam_series.py"
    spec = importlib.util.spec_from_file_location("kam_series", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kam_series = _load_kam_series()
#: The Odoo series the addons run on: the source's and those built from it.
SUPPORTED_SERIES = tuple(kam_series.SERIES)
# Addons of other repositories that ours depend on, with the pip command that
# installs each beside a source install of Odoo (their PyPI wheels require an
# installed ``odoo`` distribution, hence --no-deps; see requirements-oca.txt).
OCA_ADDONS = {
    "report_xlsx": "pip install --no-deps -r requirements-oca.txt",
}
DEMO_DB = "kam_demo"


def demo_database(serie):
    """The demo database of ``serie``: ``kam_demo`` on the source's series,
    ``kam_demo_19`` on 19.0 (a database belongs to the series that made it)."""
    if serie in (None, kam_series.SOURCE_SERIES):
        return DEMO_DB
    return f"{DEMO_DB}_{serie.split('.')[0]}"


PG_PORT = int(os.environ.get("KAM_PG_PORT", "54329"))
PG_ROLE = "kam"

GET_ODOO = """Odoo 18.0 is not installed for this Python ({python}).
Install it the way Odoo documents it, then run this command again:
  git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git ../odoo
  {python} -m pip install -r ../odoo/requirements.txt
  export ODOO_SRC=$PWD/../odoo
(or the 18.0 nightly from https://nightly.odoo.com, or `pip install -e ../odoo`)."""


# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------
# Run in a child Python: where its ``odoo`` package is, and either Odoo's
# series or the last line of the error that importing Odoo raised. Exit 3: no
# Odoo; 4: Odoo does not import; 5: an Odoo installed by ``pip install -e`` in
# setuptools' default editable mode (an import hook, after the path), hidden
# by the bare ``odoo/addons`` folder that OCA wheels leave in site-packages.
_ODOO_PROBE = """\
import importlib.metadata, importlib.util, json, os, sys, traceback
spec = importlib.util.find_spec("odoo")
if spec is None:
    sys.exit(3)
# 19.0's odoo is a namespace package (no __init__.py): its folder holds release.py
folders = [p for p in spec.submodule_search_locations or ()
           if os.path.isfile(os.path.join(p, "release.py"))]
if spec.origin is None and not folders:  # only odoo/addons folders of OCA wheels
    try:
        dist = importlib.metadata.distribution("odoo")
    except importlib.metadata.PackageNotFoundError:
        sys.exit(3)
    url = json.loads(dist.read_text("direct_url.json") or "{}").get("url", "")
    if not url.startswith("file://"):
        sys.exit(3)
    print(os.path.join(url[len("file://"):], "odoo"))
    print("the odoo/addons folder in " + ", ".join(spec.submodule_search_locations)
          + " hides the odoo package that `pip install -e` installed")
    sys.exit(5)
print(folders[0] if spec.origin is None
      else os.path.dirname(os.path.abspath(spec.origin)))
try:
    import odoo.release
except Exception as exc:
    print(traceback.format_exception_only(exc)[-1].strip())
    sys.exit(4)
print(odoo.release.serie)
"""

OdooFound = collections.namedtuple(
    "OdooFound", "folder serie error hidden", defaults=(None, None, None, False)
)


def odoo_env(env=None):
    """The environment of a Python that imports Odoo: ``ODOO_SRC`` first on
    ``PYTHONPATH`` (a source tree that is not installed), else as it is."""
    env = dict(os.environ if env is None else env)
    src = env.get("ODOO_SRC")
    if src:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (src, env.get("PYTHONPATH")) if p
        )
    return env


@functools.lru_cache(maxsize=8)
def _probe_odoo(python, src, pythonpath):
    env = dict(os.environ)
    env.pop("ODOO_SRC", None)
    env.pop("PYTHONPATH", None)
    env.update({"ODOO_SRC": src} if src else {})
    env.update({"PYTHONPATH": pythonpath} if pythonpath else {})
    proc = subprocess.run(
        [python, "-c", _ODOO_PROBE],
        capture_output=True,
        text=True,
        cwd="/",
        env=odoo_env(env),
        check=False,
    )
    lines = proc.stdout.splitlines()
    if proc.returncode == 3 or not lines:
        return OdooFound()
    if proc.returncode in (4, 5) and len(lines) > 1:
        return OdooFound(lines[0], error=lines[-1], hidden=proc.returncode == 5)
    if proc.returncode:
        stderr = proc.stderr.strip().splitlines()
        return OdooFound(
            lines[0], error=stderr[-1] if stderr else f"exit {proc.returncode}"
        )
    return OdooFound(lines[0], lines[-1] if len(lines) > 1 else None)


def probe_odoo():
    """The Odoo this Python imports, as ``OdooFound(folder, serie, error, hidden)``.

    All None where there is no ``odoo`` package at all (a bare
    ``odoo/addons`` namespace of OCA wheels does not count); ``error`` is the
    last line of what importing Odoo raised (one of its own requirements
    missing, for instance), ``hidden`` says that OCA wheels' ``odoo/addons``
    hides an editable install; ``serie`` is ``"18.0"`` when all is well.
    """
    return _probe_odoo(
        sys.executable, os.environ.get("ODOO_SRC"), os.environ.get("PYTHONPATH")
    )


def odoo_command():
    """Return the argv prefix that starts Odoo 18, or None when it is missing.

    An Odoo that is there but does not import still gets its command:
    :func:`check_odoo` then says what failed.
    """
    src = os.environ.get("ODOO_SRC")
    if src:
        bin_ = Path(src) / "odoo-bin"
        return [sys.executable, str(bin_)] if bin_.is_file() else None
    folder, serie, error, _hidden = probe_odoo()
    if folder and (error or serie in SUPPORTED_SERIES):
        return [sys.executable, "-m", "odoo"]
    return None


def odoo_missing_reason():
    src = os.environ.get("ODOO_SRC")
    where = (
        f"ODOO_SRC={src} has no odoo-bin"
        if src
        else "Odoo 18.0 is not importable and ODOO_SRC is unset"
    )
    return f"{where}: install Odoo 18.0 (README, 'Installing Odoo 18') to run them"


def odoo_import_problem():
    """What is wrong with the Odoo found, as a message, or None when it imports.

    Odoo's own error line when importing it fails, with the command that
    installs Odoo's requirements; or the series when it is not 18.0.
    """
    folder, serie, error, hidden = probe_odoo()
    src = os.environ.get("ODOO_SRC")
    if folder is None:
        return f"ODOO_SRC={src} holds no odoo package" if src else odoo_missing_reason()
    root = Path(folder).parent
    if hidden:
        return (
            f"Odoo cannot be imported: {error}.\n"
            "setuptools' default editable mode finds Odoo after any folder "
            "named odoo on the path; install Odoo again in compat mode, which "
            "puts its source tree on the path:\n"
            f"  {sys.executable} -m pip install -e {root} "
            "--config-settings editable_mode=compat"
        )
    if error:
        requirements = root / "requirements.txt"
        install = (
            f"{sys.executable} -m pip install -r {requirements}"
            if requirements.is_file()
            else f"{sys.executable} -m pip install -r <Odoo's requirements.txt>"
        )
        return (
            f"Odoo cannot be imported: {error}\n"
            f"(Odoo of {root}, in {sys.executable}). Install Odoo's own "
            f"requirements in this Python:\n  {install}"
        )
    if serie not in SUPPORTED_SERIES:
        return (
            f"The Odoo of {root} is {serie}: these addons need Odoo "
            + " or ".join(SUPPORTED_SERIES)
            + "."
        )
    return None


def check_odoo():
    """Stop with Odoo's own error line when the Odoo found does not import."""
    problem = odoo_import_problem()
    if problem:
        sys.exit(problem)


def odoo_main_addons():
    """Odoo's ``addons`` folder beside its ``odoo`` package, or None.

    A git checkout of Odoo keeps most of its addons (crm, sale, account...)
    there, outside ``odoo/addons``; Odoo adds it by itself only when no
    ``--addons-path`` is given, so ours names it (the nightly archive has
    every addon inside ``odoo/addons`` and no such folder).
    """
    src = os.environ.get("ODOO_SRC")
    if src:
        root = Path(src)
    else:
        folder = probe_odoo()[0]
        if folder is None:
            return None
        root = Path(folder).parent
    addons = root / "addons"
    if addons.is_dir() and any(addons.glob("*/__manifest__.py")):
        return addons
    return None


def addons_root():
    """The folder holding the addons Odoo runs: the source tree, or the tree
    built for another series (``KAM_ADDONS_DIR``, set by :func:`use_series`)."""
    return Path(os.environ.get("KAM_ADDONS_DIR") or ROOT)


def addons_path():
    main = odoo_main_addons()
    return ",".join([str(addons_root()), *([str(main)] if main else [])])


def odoo_series():
    """The series of the Odoo found (``"18.0"``, ``"19.0"``), or None."""
    return probe_odoo().serie if odoo_command() else None


def series_odoo_args():
    """Odoo options the series found needs to install as 18.0 does: the demo
    data (``--with-demo`` on 19.0, where it is off by default)."""
    return list(kam_series.ODOO_ARGS.get(odoo_series(), ()))


def use_series(serie):
    """Run the addons of ``serie``: the source on its own series, else the
    tree ``scripts/kam_series.py`` builds (again) for it; return the folder.

    ``KAM_ADDONS_DIR`` names the built tree for this process and its
    children (Odoo, pytest and the tests' own Odoo commands).
    """
    if serie in (None, kam_series.SOURCE_SERIES):
        os.environ.pop("KAM_ADDONS_DIR", None)
        return ROOT
    tree = kam_series.build(serie)
    os.environ["KAM_ADDONS_DIR"] = str(tree)
    print(f"Odoo {serie}: the addons built for it in {tree}")
    return tree


GET_SERIES = """This needs Odoo {serie}, and {found}.
Run it with a Python whose Odoo is {serie}, or with its source tree:
  make test-19 ODOO19_PYTHON=/path/to/venv/bin/python
  make test-19 ODOO19_SRC=/path/to/odoo-{serie} [ODOO19_PYTHON=...]
(README, Tests: "Odoo 19.0")."""


def check_series(serie):
    """Stop, saying how to get it, unless the Odoo found is of ``serie``."""
    if odoo_command():
        check_odoo()
    found = odoo_series()
    if found != serie:
        where = (
            f"the Odoo that {sys.executable} finds is {found}"
            if found
            else f"{sys.executable} finds no Odoo ({odoo_missing_reason()})"
        )
        sys.exit(GET_SERIES.format(serie=serie, found=where))


def missing_oca_addons():
    """The OCA addons Odoo would not find, as ``{addon: install command}``.

    Installed from their wheels, they live in ``site-packages/odoo/addons``,
    which Odoo's ``odoo.addons`` namespace package (``pkgutil.extend_path``)
    adds to its addons paths by itself, beside a source install too.
    """
    odoo = odoo_command()
    if odoo is None:
        return {}
    code = (
        "import importlib.util, sys\n"
        "import odoo.addons\n"
        "for name in sys.argv[1:]:\n"
        "    if importlib.util.find_spec('odoo.addons.' + name) is None:\n"
        "        print(name)\n"
    )
    probe = subprocess.run(
        [sys.executable, "-c", code, *OCA_ADDONS],
        capture_output=True,
        text=True,
        cwd="/",
        env=odoo_env(),
        check=False,
    )
    missing = probe.stdout.split() if probe.returncode == 0 else list(OCA_ADDONS)
    return {name: OCA_ADDONS[name] for name in missing}


def check_oca_addons():
    """Stop with what is wrong: Odoo's import error first, else the install
    command of each OCA addon that Odoo does not find."""
    check_odoo()
    missing = missing_oca_addons()
    if missing:
        sys.exit(
            "Odoo does not find the addon(s) "
            + ", ".join(missing)
            + " that kam_reports needs. Install them in this Python ("
            + sys.executable
            + "):\n  "
            + "\n  ".join(sorted(set(missing.values())))
        )


def odoo_server_command():
    """Like :func:`odoo_command`, through ``scripts/odoo_launch.py``.

    The launcher starts the same Odoo, with the deprecation warnings of Odoo
    and its libraries out of the log (Odoo prints each with a whole stack);
    our addons' own stay. None when Odoo is missing.
    """
    if odoo_command() is None:
        return None
    return [sys.executable, str(ROOT / "scripts" / "odoo_launch.py")]


def python_env():
    """Environment of the Odoo processes: the addons need nothing on PYTHONPATH.

    The scoring package lives inside the addon, so Odoo runs with the
    caller's environment as it is (a copy of the addon folder alone installs).
    """
    return dict(os.environ)


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
def _pg_bindir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _ensure_role(admin):
    import psycopg2  # noqa: PLC0415 (an Odoo requirement)

    conn = psycopg2.connect(dbname="postgres", **admin)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [PG_ROLE])
            if not cr.fetchone():
                cr.execute(f"CREATE ROLE {PG_ROLE} LOGIN SUPERUSER")
    finally:
        conn.close()


def user_config_path():
    """The user's configuration file of these commands (see the docstring)."""
    if os.environ.get("KAM_DEV_CONFIG"):
        return Path(os.environ["KAM_DEV_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "kam_dev.conf"


def series_config(serie):
    """``{"python": ..., "src": ...}`` of ``serie`` in the user's configuration
    file (the keys it sets), ``{}`` without one."""
    parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    parser.read(user_config_path())
    if not parser.has_section(serie):
        return {}
    return {
        key: os.path.expanduser(parser.get(serie, key))
        for key in ("python", "src")
        if parser.get(serie, key, fallback="").strip()
    }


def cmd_series_config(args):
    """Shell lines exporting ``ODOO<major>_PYTHON``/``_SRC`` of a series from
    the user's configuration, for the variables the environment leaves unset
    (``eval "$(python3 scripts/kam_dev.py series-config 19.0)"``)."""
    major = args.series.split(".")[0]
    for key, value in series_config(args.series).items():
        variable = f"ODOO{major}_{key.upper()}"
        if not os.environ.get(variable):
            print(f"export {variable}={shlex.quote(value)}")
    return 0


def _data_root():
    if os.environ.get("KAM_DEV_HOME"):
        return Path(os.environ["KAM_DEV_HOME"])
    if os.geteuid() == 0:
        return Path("/var/tmp/kam-dev")
    return Path.home() / ".local" / "share" / "kam-dev"


def _as_postgres(argv):
    """Run server binaries as the 'postgres' user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _port_open(port, host="127.0.0.1"):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _start_embedded_pg():
    bindir = _pg_bindir()
    data = _data_root() / "pg"
    if bindir is None:
        return _start_pgserver()
    if _port_open(PG_PORT):
        if not _is_our_server(data):
            sys.exit(
                f"Port {PG_PORT} is taken by a server that is not the private "
                f"PostgreSQL of {data}. Stop it, or choose another port: "
                "KAM_PG_PORT=54330 make ..."
            )
        _ensure_role({"host": "127.0.0.1", "port": PG_PORT, "user": "postgres"})
        return {"host": "127.0.0.1", "port": PG_PORT, "user": PG_ROLE}
    data.parent.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chmod(data.parent, 0o755)
        shutil.chown(data.parent, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} "
        f"-c unix_socket_directories={data} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off "
        "-c shared_buffers=512MB -c work_mem=64MB -c max_connections=100"
    )
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(data / "server.log"),
                "-o",
                opts,
                "-w",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    _ensure_role({"host": "127.0.0.1", "port": PG_PORT, "user": "postgres"})
    return {"host": "127.0.0.1", "port": PG_PORT, "user": PG_ROLE}


def _is_our_server(data):
    """Whether the private server of ``data`` is the one on ``PG_PORT``."""
    pid_file = data / "postmaster.pid"
    if not pid_file.exists():
        return False
    lines = pid_file.read_text().splitlines()
    # postmaster.pid: pid, data directory, start time, port, ...
    return len(lines) > 3 and lines[3].strip() == str(PG_PORT)


def stop_embedded_pg():
    """Stop the private PostgreSQL (when it runs)."""
    bindir = _pg_bindir()
    data = _data_root() / "pg"
    if bindir is None or not _is_our_server(data):
        return False
    subprocess.run(
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return True


def _start_pgserver():
    try:
        import pgserver  # noqa: PLC0415 (optional fallback)
    except ImportError:
        sys.exit(
            "No PostgreSQL server binaries found. Install PostgreSQL (e.g. the "
            "'postgresql' package of your system) or `pip install pgserver`, or "
            "point PGHOST/PGPORT/PGUSER at an existing server."
        )
    server = pgserver.get_server(_data_root() / "pgserver")
    server.psql(
        f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='{PG_ROLE}')"
        f" THEN CREATE ROLE {PG_ROLE} LOGIN SUPERUSER; END IF; END$$;"
    )
    return {"host": str(server.pgdata), "port": 5432, "user": PG_ROLE}


def pg_settings(config_file=None):
    """Connection settings: Odoo config file, PG* variables, else embedded."""
    config_file = config_file or os.environ.get("ODOO_RC")
    if config_file:
        parser = configparser.ConfigParser()
        parser.read(config_file)
        opts = parser["options"] if parser.has_section("options") else {}
        return {
            key: opts.get(f"db_{key}")
            for key in ("host", "port", "user", "password")
            if opts.get(f"db_{key}") not in (None, "", "False")
        }
    if any(os.environ.get(v) for v in ("PGHOST", "PGPORT", "PGUSER")):
        settings = {
            "host": os.environ.get("PGHOST"),
            "port": os.environ.get("PGPORT"),
            "user": os.environ.get("PGUSER"),
            "password": os.environ.get("PGPASSWORD"),
        }
        return {k: v for k, v in settings.items() if v}
    return _start_embedded_pg()


def db_args(settings):
    args = []
    for key in ("host", "port", "user", "password"):
        if settings.get(key):
            args.append(f"--db_{key}={settings[key]}")
    return args


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_exists(settings, name):
    import psycopg2  # noqa: PLC0415 (only needed with Odoo present)

    conn = psycopg2.connect(dbname="postgres", **_libpq(settings))
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return bool(cr.fetchone())
    finally:
        conn.close()


def _database_series(settings, name):
    """The Odoo series that made database ``name`` (its ``base`` module's
    version), or None when there is no such database or no Odoo in it."""
    import psycopg2  # noqa: PLC0415

    if not _database_exists(settings, name):
        return None
    conn = psycopg2.connect(dbname=name, **_libpq(settings))
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module')")
            if cr.fetchone()[0] is None:
                return None
            cr.execute(
                "SELECT latest_version FROM ir_module_module WHERE name = 'base'"
            )
            row = cr.fetchone()
    finally:
        conn.close()
    if not row or not row[0]:
        return None
    return ".".join(row[0].split(".")[:2])


def drop_database(settings, name):
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname="postgres", **_libpq(settings))
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        conn.close()


def _libpq(settings):
    return {
        k: v for k, v in settings.items() if k in ("host", "port", "user", "password")
    }


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------
def cmd_pg_start(args):
    settings = pg_settings(args.config)
    print("PostgreSQL ready:", {k: v for k, v in settings.items() if k != "password"})


def cmd_pg_stop(args):
    if stop_embedded_pg():
        print(f"Private PostgreSQL of {_data_root() / 'pg'} stopped.")
    else:
        print("The private PostgreSQL is not running.")


def cmd_run(args):
    odoo = odoo_server_command()
    if odoo is None:
        print(GET_ODOO.format(python=sys.executable))
        return 1
    if _port_open(args.port):
        print(
            f"Port {args.port} is already in use: stop what listens there or "
            f"choose another port (make run PORT=8070)."
        )
        return 1
    check_oca_addons()
    serie = odoo_series()
    use_series(serie)
    settings = pg_settings(args.config)
    args.database = args.database or demo_database(serie)
    made_with = _database_series(settings, args.database)
    if made_with and made_with != serie:
        print(
            f"The database {args.database} was made with Odoo {made_with}; this "
            f"Odoo is {serie}. Serve it with Odoo {made_with}, or choose another "
            "database (scripts/kam_dev.py run --database NAME)."
        )
        return 1
    base = [
        *odoo,
        *(["-c", args.config] if args.config else []),
        *db_args(settings),
        f"--addons-path={addons_path()}",
        "-d",
        args.database,
        "--http-interface=127.0.0.1",
        f"--http-port={args.port}",
        "--db-filter=^%s$" % re.escape(args.database),
    ]
    demo = series_odoo_args()
    if not _database_exists(settings, args.database):
        print(f"Creating database {args.database} with demo data (a few minutes)...")
        subprocess.run(
            [*base, *demo, "-i", ",".join(ADDONS), "--stop-after-init"],
            check=True,
            env=python_env(),
        )
    print(
        f"Starting Odoo on http://localhost:{args.port} (database "
        f"{args.database}).\nLog in as admin / admin (a Key Account Director) or "
        "demo / demo (a Key Account Manager). Ctrl+C stops it; `make stop` "
        "stops the private PostgreSQL."
    )
    return subprocess.call(base, env=python_env())


def run_odoo_tests(addons=ADDONS, log_path=None, extra=()):
    """Install ``addons`` in a fresh database with their tests; return the log."""
    odoo = odoo_server_command()
    if odoo is None:
        raise RuntimeError(odoo_missing_reason())
    settings = pg_settings()
    dbname = f"kam_test_{os.getpid()}"
    drop_database(settings, dbname)
    cmd = [
        *odoo,
        *db_args(settings),
        f"--addons-path={addons_path()}",
        "-d",
        dbname,
        "-i",
        ",".join(addons),
        "--test-enable",
        "--test-tags",
        ",".join(f"/{a}" for a in addons),
        "--stop-after-init",
        "--log-level=test",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--workers=0",
        *series_odoo_args(),
        *extra,
    ]
    started = time.monotonic()
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=python_env(), check=False
    )
    log = proc.stdout + proc.stderr
    if log_path:
        Path(log_path).write_text(log)
    drop_database(settings, dbname)
    return proc.returncode, log, time.monotonic() - started


def _odoo_pythonpath():
    """PYTHONPATH for a Python process that imports Odoo and the addons."""
    return os.pathsep.join(p for p in (str(ROOT), odoo_env().get("PYTHONPATH")) if p)


def _write_odoo_config(settings, path):
    """An Odoo configuration file for pytest-odoo (database and addons)."""
    parser = configparser.ConfigParser()
    options = {f"db_{k}": str(v) for k, v in _libpq(settings).items() if v}
    options["addons_path"] = addons_path()
    options["http_interface"] = "127.0.0.1"
    parser["options"] = options
    with open(path, "w", encoding="utf-8") as handle:
        parser.write(handle)
    return path


def prepare_test_database(settings, dbname, addons=ADDONS, log_path=None):
    """A fresh database with the addons and Odoo's demo data installed.

    The install's log goes to ``log_path`` when given (a test reads it).
    """
    odoo = odoo_server_command()
    drop_database(settings, dbname)
    proc = subprocess.run(
        [
            *odoo,
            *db_args(settings),
            f"--addons-path={addons_path()}",
            "-d",
            dbname,
            "-i",
            ",".join(addons),
            "--stop-after-init",
            "--log-level=warn",
            "--http-interface=127.0.0.1",
            f"--http-port={free_port()}",
            "--workers=0",
            *series_odoo_args(),
        ],
        capture_output=True,
        text=True,
        env=python_env(),
        check=False,
    )
    if log_path:
        Path(log_path).write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode:
        print(proc.stdout[-5000:], proc.stderr[-5000:])
        raise SystemExit(f"Installing {', '.join(addons)} failed")
    return dbname


def duplicate_database(settings, source, target):
    """Copy ``source`` to ``target`` with its filestore (Odoo's ``db duplicate``).

    Odoo ends every other connection to ``source`` first: call it before
    anything else (pytest-odoo) connects to ``source``.
    """
    proc = subprocess.run(
        [
            *odoo_command(),
            "db",
            *db_args(settings),
            f"--addons-path={addons_path()}",
            "duplicate",
            "-f",
            source,
            target,
        ],
        capture_output=True,
        text=True,
        env=python_env(),
        check=False,
    )
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit(f"Copying {source} to {target} failed")
    return target


def cmd_test(args):
    """Every test in one pytest session; the Odoo tests through pytest-odoo.

    Where Odoo is missing, pytest runs the engine and packaging tests and
    reports the Odoo tests as skipped, with the reason. With ``--series``,
    the Odoo found must be of that series (``make test-19``); the suite runs
    on the addons of the series found.
    """
    pytest = [sys.executable, "-m", "pytest", *args.pytest_args]
    if args.series:
        check_series(args.series)
    if odoo_command() is None:
        env = dict(os.environ, KAM_ODOO_MISSING=odoo_missing_reason())
        return subprocess.call([*pytest, "-p", "no:odoo", "tests"], env=env)
    check_oca_addons()
    tree = use_series(odoo_series())
    settings = pg_settings(args.config)
    dbname = f"kam_test_{os.getpid()}"
    started = time.monotonic()
    print(f"Preparing the test database {dbname} (addons and demo data)...")
    install_log = _data_root() / f"odoo-install-{os.getpid()}.log"
    install_log.parent.mkdir(parents=True, exist_ok=True)
    prepare_test_database(settings, dbname, log_path=install_log)
    # A copy for the upgrade and uninstall test (tests/test_upgrade_uninstall.py),
    # made now: pytest-odoo holds connections to the test database later on.
    upgrade_db = duplicate_database(settings, dbname, f"{dbname}_upgrade")
    print(f"Database ready in {time.monotonic() - started:.0f}s; running pytest")
    config_file = _data_root() / f"odoo-test-{os.getpid()}.conf"
    _write_odoo_config(settings, config_file)
    env = dict(
        os.environ,
        PYTHONPATH=_odoo_pythonpath(),
        KAM_TEST_DB=dbname,
        KAM_TEST_INSTALL_LOG=str(install_log),
        KAM_UPGRADE_DB=upgrade_db,
    )
    try:
        return subprocess.call(
            [
                *pytest,
                "-p",
                "odoo",
                f"--odoo-config={config_file}",
                f"--odoo-database={dbname}",
                "--odoo-http",
                "--odoo-log-level=warn",
                "tests",
                *(os.path.relpath(tree / addon / "tests") for addon in ADDONS),
            ],
            env=env,
        )
    finally:
        config_file.unlink(missing_ok=True)
        install_log.unlink(missing_ok=True)
        drop_database(settings, upgrade_db)
        if not args.keep:
            drop_database(settings, dbname)


# --------------------------------------------------------------------------
# Odoo's own test suites, with and without the addons
# --------------------------------------------------------------------------
CORE_MODULES = ("crm", "sale", "account")
_REPORT_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
_PROBLEM_RE = re.compile(r"\b(FAIL|ERROR): (?:Subtest )?(\S+)")


def parse_test_log(log):
    """Odoo's closing count and the failed or erroring tests of a test log."""
    match = _REPORT_RE.search(log)
    counts = tuple(int(n) for n in match.groups()) if match else None
    problems = sorted({f"{kind}: {name}" for kind, name in _PROBLEM_RE.findall(log)})
    return counts, problems


def core_test_command(settings, dbname, modules, with_addons, port):
    """odoo-bin arguments installing ``modules`` (and ours) with their tests."""
    installed = [*modules, *(ADDONS if with_addons else ())]
    return [
        *odoo_command(),
        *db_args(settings),
        f"--addons-path={addons_path()}",
        "-d",
        dbname,
        "-i",
        ",".join(installed),
        "--test-enable",
        "--test-tags",
        ",".join(f"/{m}" for m in modules),
        "--stop-after-init",
        "--log-level=test",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--workers=0",
        "--max-cron-threads=0",
        *series_odoo_args(),
    ]


def cmd_core_test(args):
    """Odoo's own tests of crm, sale and account with and without our addons.

    Two fresh databases, run side by side (``--jobs 1`` one after the other);
    prints Odoo's count for each and the names of the failing tests, marking
    those that fail only with the addons installed.
    """
    if odoo_command() is None:
        print("SKIPPED:", odoo_missing_reason())
        return 0
    check_odoo()
    use_series(odoo_series())
    modules = tuple(m for m in args.modules.split(",") if m)
    settings = pg_settings(args.config)
    log_dir = Path(args.log_dir or _data_root() / "core-test")
    log_dir.mkdir(parents=True, exist_ok=True)
    variants = [v for v in ("without", "with") if args.only in (None, v)]
    runs = {}
    started = time.monotonic()
    for variant in variants:
        dbname = f"kam_core_{variant}_{os.getpid()}"
        drop_database(settings, dbname)
        log_path = log_dir / f"{variant}.log"
        cmd = core_test_command(
            settings, dbname, modules, variant == "with", free_port()
        )
        print(f"[{variant} {', '.join(ADDONS)}] {dbname}, log {log_path}")
        handle = open(log_path, "w", encoding="utf-8")  # noqa: SIM115
        proc = subprocess.Popen(
            cmd, stdout=handle, stderr=subprocess.STDOUT, env=python_env()
        )
        runs[variant] = (dbname, log_path, handle, proc, time.monotonic())
        if args.jobs < 2:
            proc.wait()
    results = {}
    for variant, (dbname, log_path, handle, proc, began) in runs.items():
        proc.wait()
        handle.close()
        minutes = (time.monotonic() - began) / 60
        results[variant] = (*parse_test_log(log_path.read_text()), minutes)
        drop_database(settings, dbname)
    print(
        f"\nOdoo's own tests of {', '.join(modules)} "
        f"({(time.monotonic() - started) / 60:.0f} min in all):"
    )
    for variant, (counts, _problems, minutes) in results.items():
        shown = (
            "{} failed, {} error(s) of {} tests".format(*counts)
            if counts
            else "no test count in the log (see it)"
        )
        print(f"  {variant:>7} {', '.join(ADDONS)}: {shown}  ({minutes:.0f} min)")
    baseline = set(results.get("without", (None, [], 0))[1])
    for variant, (_counts, problems, _minutes) in results.items():
        print(f"\nFailures and errors {variant} {', '.join(ADDONS)}:")
        for problem in problems or ["(none)"]:
            mark = (
                "  <- not without the addons"
                if variant == "with"
                and "without" in results
                and problem not in baseline
                else ""
            )
            print(f"  {problem}{mark}")
    new = [
        p
        for p in results.get("with", (None, [], 0))[1]
        if "without" in results and p not in baseline
    ]
    broken = any(counts is None for counts, _p, _m in results.values())
    return 1 if new or broken else 0


def cmd_odoo_test(args):
    if odoo_command() is None:
        print("SKIPPED:", odoo_missing_reason())
        return 0
    check_odoo()
    use_series(odoo_series())
    rc, log, seconds = run_odoo_tests(log_path=args.log)
    print(log[-5000:])
    print(f"exit code {rc} after {seconds:.0f}s")
    return rc


# ----------------------------------------------------------------------
# What an upgrade must keep
# ----------------------------------------------------------------------
#: Columns an update may rewrite on any row without changing its data.
DIGEST_SKIPPED = frozenset({"write_date", "write_uid"})


def data_digest(settings, dbname, columns=None):
    """The key-account data of database ``dbname``, in a form two databases
    (or one before and after an upgrade) can be compared by.

    For every ``kam_*`` table: its row count, its columns and the md5 of its
    rows in id order (``write_date``/``write_uid`` left out); with
    ``columns`` (``{table: [column, ...]}``, another digest's) only those of
    them the table still has, so that a column a later version adds does
    not count as a change. For every group of the addons: the logins of its
    users, those who have it through another group included (19.0 keeps
    only the members set on the group itself in ``res_groups_users_rel``).
    Reads PostgreSQL only: the same on either series, Odoo not needed.
    """
    import psycopg2  # noqa: PLC0415 (an Odoo requirement)

    conn = psycopg2.connect(dbname=dbname, **_libpq(settings))
    digest = {"tables": {}, "groups": {}}
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT table_name, array_agg(column_name::text ORDER BY column_name)"
                "  FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name LIKE 'kam\\_%%'"
                "   AND table_name IN (SELECT tablename FROM pg_tables"
                "                       WHERE schemaname = 'public')"
                " GROUP BY table_name ORDER BY table_name"
            )
            for table, names in cr.fetchall():
                names = [n for n in names if n not in DIGEST_SKIPPED]
                if columns is not None and table in columns:
                    names = [n for n in names if n in set(columns[table])]
                order = "id" if "id" in names else ", ".join(f'"{n}"' for n in names)
                row = ", ".join(f'"{n}"' for n in names)
                cr.execute(
                    f"SELECT count(*), md5(string_agg(ROW({row})::text, E'\\n' "
                    f'ORDER BY {order})) FROM "{table}"'
                )
                count, md5 = cr.fetchone()
                digest["tables"][table] = {
                    "rows": count,
                    "columns": names,
                    "md5": md5 or "",
                }
            cr.execute(
                """
                WITH RECURSIVE kam_groups AS (
                    SELECT d.module || '.' || d.name AS xmlid, d.res_id AS gid
                      FROM ir_model_data d
                     WHERE d.model = 'res.groups' AND d.module = ANY(%s)
                ), holders(xmlid, gid) AS (
                    SELECT xmlid, gid FROM kam_groups
                     UNION
                    SELECT h.xmlid, r.gid
                      FROM res_groups_implied_rel r
                      JOIN holders h ON r.hid = h.gid
                )
                SELECT h.xmlid, array_agg(DISTINCT u.login::text ORDER BY u.login::text)
                  FROM holders h
                  JOIN res_groups_users_rel gu ON gu.gid = h.gid
                  JOIN res_users u ON u.id = gu.uid
                 GROUP BY h.xmlid ORDER BY h.xmlid
                """,
                [list(ADDONS)],
            )
            digest["groups"] = dict(cr.fetchall())
    finally:
        conn.close()
    return digest


def digest_differences(before, after):
    """What ``after`` (a :func:`data_digest`) lost or changed of ``before``."""
    lines = []
    for table, was in before["tables"].items():
        now = after["tables"].get(table)
        if now is None:
            lines.append(f"{table}: missing")
        elif now["rows"] != was["rows"]:
            lines.append(f"{table}: {was['rows']} rows, now {now['rows']}")
        elif now["md5"] != was["md5"]:
            lines.append(f"{table}: the rows changed ({', '.join(now['columns'])})")
    for group, logins in before["groups"].items():
        now = after["groups"].get(group, [])
        if now != logins:
            lines.append(f"{group}: users {logins}, now {now}")
    return lines


def cmd_data_digest(args):
    import json  # noqa: PLC0415

    settings = pg_settings(args.config)
    if not _database_exists(settings, args.database):
        print(f"There is no database {args.database}.")
        return 1
    if not args.compare:
        digest = data_digest(settings, args.database)
        text = json.dumps(digest, indent=1, sort_keys=True)
        if args.out:
            Path(args.out).write_text(text + "\n")
        else:
            print(text)
        tables = digest["tables"]
        rows = sum(t["rows"] for t in tables.values())
        print(
            f"{len(tables)} tables, {rows} rows of key-account data.", file=sys.stderr
        )
        return 0
    before = json.loads(Path(args.compare).read_text())
    columns = {table: t["columns"] for table, t in before["tables"].items()}
    after = data_digest(settings, args.database, columns)
    lines = digest_differences(before, after)
    for line in lines:
        print(line)
    rows = sum(t["rows"] for t in before["tables"].values())
    if lines:
        print(f"{len(lines)} differences from {args.compare}.")
        return 1
    print(
        f"Kept: {len(before['tables'])} tables, {rows} rows and "
        f"{len(before['groups'])} groups' users as in {args.compare}."
    )
    return 0


def cmd_check_odoo(args):
    if args.series:
        check_series(args.series)
    elif odoo_command() is None:
        sys.exit(odoo_missing_reason())
    check_odoo()
    print(f"Odoo {odoo_series()} ({probe_odoo().folder})")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="Odoo configuration file (db_* options)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="demo database and Odoo on localhost")
    run.add_argument("--database", help="default: kam_demo, on 19.0 kam_demo_19")
    run.add_argument("--port", type=int, default=8069)
    run.set_defaults(func=cmd_run)
    everything = sub.add_parser("test", help="every test, Odoo's through pytest-odoo")
    everything.add_argument(
        "--keep", action="store_true", help="keep the test database afterwards"
    )
    everything.add_argument(
        "--series",
        choices=SUPPORTED_SERIES,
        help="stop unless the Odoo found is of this series (make test-19)",
    )
    everything.add_argument(
        "pytest_args", nargs="*", help="passed to pytest (after --)"
    )
    everything.set_defaults(func=cmd_test)
    test = sub.add_parser("odoo-test", help="install the addons and run their tests")
    test.add_argument("--log", help="write the whole Odoo log here")
    test.set_defaults(func=cmd_odoo_test)
    core = sub.add_parser(
        "core-test", help="Odoo's crm, sale, account tests with and without ours"
    )
    core.add_argument(
        "--modules", default=",".join(CORE_MODULES), help="Odoo modules to test"
    )
    core.add_argument(
        "--only", choices=("with", "without"), help="only one of the two runs"
    )
    core.add_argument(
        "--jobs", type=int, default=2, help="2: both runs at once; 1: in turn"
    )
    core.add_argument("--log-dir", help="where the two Odoo logs are written")
    core.set_defaults(func=cmd_core_test)
    check = sub.add_parser(
        "check-odoo", help="stop, saying why, unless the Odoo found runs the addons"
    )
    check.add_argument("--series", choices=SUPPORTED_SERIES, help="of this series")
    check.set_defaults(func=cmd_check_odoo)
    digest = sub.add_parser(
        "data-digest",
        help="the key-account data of a database, to compare before/after an upgrade",
    )
    digest.add_argument("--database", required=True)
    digest.add_argument("--out", help="write the digest (JSON) here")
    digest.add_argument(
        "--compare", help="a digest written before: say what is not kept"
    )
    digest.set_defaults(func=cmd_data_digest)
    config = sub.add_parser(
        "series-config",
        help="export ODOO<major>_PYTHON/_SRC of a series from ~/.config/kam_dev.conf",
    )
    config.add_argument("series", choices=SUPPORTED_SERIES)
    config.set_defaults(func=cmd_series_config)
    pg = sub.add_parser("pg-start", help="start the embedded PostgreSQL")
    pg.set_defaults(func=cmd_pg_start)
    pg_stop = sub.add_parser("pg-stop", help="stop the embedded PostgreSQL")
    pg_stop.set_defaults(func=cmd_pg_stop)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
