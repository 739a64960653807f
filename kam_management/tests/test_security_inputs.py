"""Bad input on every field users write: a clear error naming the field.

Values of the wrong type, impossible dates or dates outside the product's
years, and NUL characters are refused by ``check_input_values`` (through
the guard mixin of every model users write) before anything reaches the
database: a ``ValidationError`` whose message names the field, nothing
written.
"""

import datetime
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from odoo.exceptions import UserError, ValidationError
from odoo.models import MAGIC_COLUMNS
from odoo.tests import tagged

from ..models.kam_guard import check_input_values, date_bounds
from .common import KamAttackCommon

# Fields of these types carry user input that the guard checks.
CHECKED_TYPES = {
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "date",
    "datetime",
    "selection",
    "many2one",
    "many2many",
}
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

not_text = st.one_of(
    st.integers(), st.floats(), st.lists(st.integers(), max_size=2), st.just({"x": 1})
)
not_a_number = st.one_of(
    st.text(min_size=1).filter(lambda t: not _is_number(t)),
    st.lists(st.integers(), max_size=2),
    st.just({"x": 1}),
)
not_an_id = st.one_of(
    st.text(min_size=1), st.floats(), st.just([1]), st.just({"id": 1})
)
bad_commands = st.one_of(
    st.text(min_size=1),
    st.just([["x"]]),
    st.just([(6, 0, ["x"])]),
    st.just([(4, "x")]),
    st.just([(9, 1)]),
)
first_day, last_day = date_bounds()
out_of_range_dates = st.one_of(
    st.dates(max_value=first_day - timedelta(days=1)),
    st.dates(min_value=last_day + timedelta(days=1)),
).map(lambda d: d.isoformat())
impossible_dates = st.sampled_from(
    ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "x", "31/12/2026"]
)
not_a_date = st.one_of(
    st.integers(), st.floats(), st.just([2026, 1, 1]), impossible_dates
)
nul_text = st.text(max_size=20).map(lambda t: t + "\x00")


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def bad_values(field):
    """A strategy of values that ``field`` must refuse."""
    ftype = field.type
    if ftype in ("char", "text", "html"):
        return st.one_of(not_text.filter(lambda v: v not in (0, 0.0, [])), nul_text)
    if ftype in ("integer", "float", "monetary"):
        return not_a_number
    if ftype in ("date", "datetime"):
        return st.one_of(not_a_date, out_of_range_dates)
    if ftype == "selection":
        return st.one_of(
            st.integers().filter(bool), st.just([1]), st.just("no such choice")
        )
    if ftype == "many2one":
        return not_an_id
    return bad_commands


@tagged("post_install", "-at_install")
class TestBadInput(KamAttackCommon):
    def _guarded_models(self):
        """Every model of the addon whose values users send, with its fields."""
        names = sorted(self.env["kam.guard.mixin"]._inherit_children)
        self.assertGreater(len(names), 15)
        for name in names:
            Model = self.env[name]
            if Model._abstract:
                continue
            system = Model._kam_get_system_fields()
            fields = [
                field
                for fname, field in Model._fields.items()
                if field.type in CHECKED_TYPES
                and field.store
                and not field.related
                and not (field.compute and not field.inverse)
                and fname not in system
                and fname not in MAGIC_COLUMNS
            ]
            yield Model, fields

    def test_every_field_refuses_bad_values(self):
        """Property: for every field users write on every guarded model, any
        value of the wrong type, any impossible or out-of-range date and any
        NUL text is refused, naming the field."""
        checked = 0
        for Model, fields in self._guarded_models():
            Model = Model.with_user(self.kam_1)
            for field in fields:
                label = field._description_string(self.env)
                with self.subTest(model=Model._name, field=field.name):
                    self._refuses_any(Model, field, label)()
                checked += 1
        self.assertGreater(checked, 100)

    def _refuses_any(self, Model, field, label):
        @EXAMPLES
        @given(value=bad_values(field))
        def refuses(value):
            with self.assertRaises(ValidationError) as caught:
                check_input_values(Model, {field.name: value})
            self.assertIn(label, str(caught.exception))

        return refuses

    def test_good_values_pass(self):
        Account = self.env["kam.account"].with_user(self.director)
        check_input_values(
            Account,
            {
                "wallet_estimate": 1000,
                "objectives_fit": 3,
                "key_account_since": "1990-05-01",
                "tier": "strategic",
                "kam_user_id": self.kam_1.id,
                "partner_id": self.p_own.id,
            },
        )
        check_input_values(
            self.env["kam.account.plan"],
            {"date_start": datetime.date(2999, 1, 1), "date_end": first_day},
        )

    def _refused(self, records, vals, label):
        """Writing ``vals`` raises an error naming ``label``; nothing changes."""
        before = records.sudo().read(list(vals))
        with self.assertRaises(ValidationError) as caught:
            records.write(vals)
        self.assertIn(label, str(caught.exception))
        records.invalidate_recordset()
        self.assertEqual(records.sudo().read(list(vals)), before)

    def test_the_attack_values(self):
        """The values the attack sent, on the routes it used."""
        account = self.acc_own.with_user(self.director)
        for vals in [
            {"wallet_estimate": "abc"},
            {"wallet_estimate": [1]},
            {"wallet_estimate": {"x": 1}},
            {"objectives_fit": "x"},
            {"investment_amount": "x"},
            {"key_account_since": 12345},
            {"tier": 5},
        ]:
            with self.subTest(vals=vals):
                label = account._fields[next(iter(vals))]._description_string(self.env)
                self._refused(account, vals, label)
        role = self.role_kam2.with_user(self.kam_2)
        for vals in ({"relationship_strength": "x"}, {"attitude": 5}):
            with self.subTest(vals=vals):
                label = role._fields[next(iter(vals))]._description_string(self.env)
                self._refused(role, vals, label)
        plan = self.plan_own.with_user(self.kam_1)
        for vals in (
            {"date_start": "0001-01-01"},
            {"date_end": "9999-12-31"},
            {"date_start": "2026-02-30"},
        ):
            with self.subTest(vals=vals):
                label = plan._fields[next(iter(vals))]._description_string(self.env)
                self._refused(plan, vals, label)
        creates = [
            (
                self.kam_1,
                "kam.plan.objective",
                {"plan_id": self.plan_own.id, "name": "O", "target": "x"},
            ),
            (
                self.kam_1,
                "kam.position.assessment",
                {
                    "account_id": self.acc_own.id,
                    "criterion_id": self.criterion_main.id,
                    "score": "x",
                },
            ),
            (self.director, "kam.settings", {"kam_window_months": "x"}),
            (self.kam_1, "kam.time.allocation", {"tolerance": "x"}),
            (
                self.kam_1,
                "kam.time.allocation",
                {"date_from": "9999-12-30", "date_to": "9999-12-31"},
            ),
            (self.kam_2, "kam.alert.dismiss", {"reason": "Paid\x00"}),
            (
                self.kam_2,
                "kam.buying.role.succession",
                {"role_id": self.role_kam2.id, "note": "Left\x00"},
            ),
            (
                self.kam_2,
                "kam.buying.role.succession",
                {"role_id": self.role_kam2.id, "date_left": "2026-02-30"},
            ),
        ]
        for user, model, vals in creates:
            with self.subTest(model=model, vals=vals):
                Model = self.as_(user, model)
                count = Model.sudo().search_count([])
                with self.assertRaises(ValidationError):
                    Model.create(vals)
                self.assertEqual(Model.sudo().search_count([]), count)

    def test_odoo_models_check_the_addons_fields(self):
        """The kam_* fields the addon adds to Odoo's models are checked too."""
        event = self.env["calendar.event"].with_user(self.kam_1)
        with self.assertRaisesText(ValidationError, "KAM Activity"):
            event.create(
                {
                    "name": "Bad category",
                    "start": "2026-01-05 09:00:00",
                    "stop": "2026-01-05 10:00:00",
                    "kam_time_category": 5,
                }
            )
        activity_type = self.env.ref("mail.mail_activity_data_call")
        with self.assertRaisesText(ValidationError, "KAM Hours per Activity"):
            activity_type.write({"kam_duration_hours": "x"})
        with self.assertRaisesText(ValidationError, "Classification Window"):
            self.company.write({"kam_window_months": "x"})

    def test_date_arithmetic_at_the_ends(self):
        """A plan ending on the last day: the next period's plan would end
        after it, which is refused with a message, not an overflow."""
        plan = self.env["kam.account.plan"].create(
            {
                "account_id": self.acc_kam2.id,
                "date_start": datetime.date(2999, 1, 1),
                "date_end": datetime.date(2999, 12, 31),
            }
        )
        with self.assertRaises(UserError):
            plan.with_user(self.kam_2).action_copy_next_period()

    def test_multi_record_buttons(self):
        Account = self.env["kam.account"].with_user(self.director)
        with self.assertRaises(UserError):
            Account.browse((self.acc_own | self.acc_kam2).ids).action_lock_quadrant()
