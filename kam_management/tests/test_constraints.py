"""The SQL constraints and unique indexes of the addon exist in the database.

Declared through ``compat.sql_constraints`` (``_sql_constraints`` on one
series, ``models.Constraint`` on the other): a series that ignored the
declaration would leave the data unprotected without an error, so each one
is looked up in PostgreSQL's catalogue under the name Odoo gives it,
``<table>_<name>``.
"""

import psycopg2
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

# (model, constraint name, kind, columns of a unique constraint)
CONSTRAINTS = [
    ("kam.account", "partner_company_unique", "u", {"partner_id", "company_id"}),
    (
        "kam.account.competency",
        "account_competency_unique",
        "u",
        {"account_id", "competency_id"},
    ),
    ("kam.alert", "dismissed_reason", "c", None),
    ("kam.buying.role", "account_partner_unique", "u", {"account_id", "partner_id"}),
    (
        "kam.competency.rating",
        "user_competency_company_unique",
        "u",
        {"user_id", "competency_id", "company_id"},
    ),
    ("kam.competitor", "name_company_unique", "u", {"name", "company_id"}),
    ("kam.decision.role", "code_unique", "u", {"code"}),
    (
        "kam.quadrant.competency",
        "quadrant_competency_unique",
        "u",
        {"company_id", "quadrant", "competency_id"},
    ),
    ("kam.scorecard.snapshot", "account_month_unique", "u", {"account_id", "month"}),
    ("kam.team.member", "account_user_unique", "u", {"account_id", "user_id"}),
]

# (table, index name, columns or expressions) of the unique indexes made in init()
UNIQUE_INDEXES = [
    ("kam_alert_rule", "kam_alert_rule_type_company_uniq", "rule_type"),
]


@tagged("post_install", "-at_install")
class TestSqlConstraints(TransactionCase):
    def _constraint(self, table, name):
        self.env.cr.execute(
            """
            SELECT c.contype,
                   ARRAY(SELECT a.attname FROM pg_attribute a
                          WHERE a.attrelid = c.conrelid
                            AND a.attnum = ANY(c.conkey)),
                   pg_get_constraintdef(c.oid)
              FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid
             WHERE t.relname = %s AND c.conname = %s
            """,
            (table, f"{table}_{name}"),
        )
        return self.env.cr.fetchall()

    def test_each_constraint_exists_under_its_name(self):
        for model, name, kind, columns in CONSTRAINTS:
            table = self.env[model]._table
            with self.subTest(constraint=f"{table}_{name}"):
                rows = self._constraint(table, name)
                self.assertEqual(len(rows), 1, f"{table}_{name} is not in the database")
                contype, conkey, definition = rows[0]
                self.assertEqual(contype, kind, definition)
                if columns is not None:
                    self.assertEqual(set(conkey), columns, definition)

    def test_no_other_constraint_is_declared(self):
        """The list above is the addon's: a new constraint gets a line here."""
        expected = {(model, name) for model, name, _kind, _columns in CONSTRAINTS}
        self.env.cr.execute(
            """
            SELECT t.relname, c.conname
              FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid
             WHERE t.relname LIKE 'kam\\_%' AND c.contype IN ('u', 'c', 'x')
            """
        )
        tables = {
            self.env[model]._table: model
            for model in self.env.registry
            if model.startswith("kam.") and not self.env[model]._abstract
        }
        found = set()
        for table, conname in self.env.cr.fetchall():
            model = tables.get(table)
            if model and conname.startswith(f"{table}_"):
                found.add((model, conname[len(table) + 1 :]))
        self.assertEqual(found - expected, set())

    def test_unique_indexes_exist(self):
        for table, index, column in UNIQUE_INDEXES:
            with self.subTest(index=index):
                self.env.cr.execute(
                    """
                    SELECT i.indisunique, pg_get_indexdef(i.indexrelid)
                      FROM pg_index i
                      JOIN pg_class c ON c.oid = i.indexrelid
                      JOIN pg_class t ON t.oid = i.indrelid
                     WHERE c.relname = %s AND t.relname = %s
                    """,
                    (index, table),
                )
                rows = self.env.cr.fetchall()
                self.assertEqual(len(rows), 1, f"{index} is not in the database")
                unique, definition = rows[0]
                self.assertTrue(unique, definition)
                self.assertIn(column, definition)

    def test_a_duplicate_is_refused_by_the_database(self):
        """The constraint acts, not only exists: a second decision role with
        the same code is refused by PostgreSQL."""
        role = self.env["kam.decision.role"].create(
            {"name": "Gatekeeper (test)", "code": "gatekeeper_test"}
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env["kam.decision.role"].create(
                {"name": "Other gatekeeper (test)", "code": role.code}
            )
            self.env.flush_all()
