import importlib.util
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user

from ..compat import GROUPS_FIELD


def load_migration(addon_dir, version, script):
    """The migration ``script`` of ``version`` (``"1.2.0"``) of the addon in
    ``addon_dir``, loaded as Odoo runs it. Its folder is named with the
    series (``18.0.1.2.0``) in the source and without it (``1.2.0``) in the
    addons built for another series."""
    folder = Path(addon_dir) / "migrations"
    (path,) = (
        p / script
        for p in folder.iterdir()
        if p.name == version or p.name.endswith(f".{version}")
    )
    spec = importlib.util.spec_from_file_location(f"kam_migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class KamCommon(TransactionCase):
    """A company of its own, with a chart of accounts, users and a product.

    Demo data lives in the main company; every figure the tests check comes
    from the invoices they post in ``cls.company``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.ref("base.main_company")
        cls.company = cls.env["res.company"].create(
            {"name": "KAM Test Company", "currency_id": cls.main_company.currency_id.id}
        )
        cls.env.user.company_ids = [Command.link(cls.company.id)]
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        # Work in the test company unless a test says otherwise.
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=[cls.company.id],
                no_reset_password=True,
                # One calendar for the test and the code it calls, whatever
                # the users' time zones: "today" is the same day for both.
                tz="UTC",
            )
        )
        cls.today = fields.Date.context_today(cls.env["kam.account"])

        cls.director = cls._create_user(
            "kam_director", "Diana Director", "kam_management.group_kam_manager"
        )
        cls.kam_1 = cls._create_user(
            "kam_one", "Karl First", "kam_management.group_kam_user"
        )
        cls.kam_2 = cls._create_user(
            "kam_two", "Kira Second", "kam_management.group_kam_user"
        )

        cls.product = cls.env["product.product"].create(
            {"name": "KAM Supply", "type": "service", "lst_price": 100.0}
        )
        cls.product.with_company(cls.company).standard_price = 60.0
        cls.product_low_margin = cls.env["product.product"].create(
            {"name": "KAM Commodity", "type": "service", "lst_price": 100.0}
        )
        cls.product_low_margin.with_company(cls.company).standard_price = 80.0

        cls.criterion_main = cls.env["kam.position.criterion"].create(
            {"name": "Test satisfaction", "weight": 3.0, "company_id": cls.company.id}
        )
        cls.criterion_minor = cls.env["kam.position.criterion"].create(
            {"name": "Test service", "weight": 1.0, "company_id": cls.company.id}
        )

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    @classmethod
    def _create_user(cls, login, name, group_xmlid, companies=None):
        companies = companies or cls.company
        return new_test_user(
            cls.env,
            login=login,
            name=name,
            groups=f"base.group_user,{group_xmlid}",
            company_id=companies[0].id,
            company_ids=[Command.set(companies.ids)],
        )

    @classmethod
    def _create_attackers(cls):
        """A salesman without key-account rights, and a second company with
        its director and a KAM (``company2``, ``director2``, ``kam_other``)."""
        cls.company2 = cls.env["res.company"].create(
            {"name": "KAM Second Company", "currency_id": cls.company.currency_id.id}
        )
        cls.env.user.company_ids = [Command.link(cls.company2.id)]
        cls.salesman = cls._create_user(
            "kam_salesman", "Sam Salesman", "sales_team.group_sale_salesman"
        )
        cls.director2 = cls._create_user(
            "kam_director2",
            "Dora Director Two",
            "kam_management.group_kam_manager",
            companies=cls.company2,
        )
        cls.kam_other = cls._create_user(
            "kam_other", "Otto Other", "kam_management.group_kam_user", cls.company2
        )

    @classmethod
    def _create_customer(cls, name, **values):
        return cls.env["res.partner"].create(
            dict({"name": name, "is_company": True}, **values)
        )

    @classmethod
    def _invoice_vals(
        cls, partner, amount, days_ago=30, refund=False, product=None, company=None
    ):
        """Values of a customer invoice (or credit note) of ``amount`` untaxed.

        The product sells at 100 a unit, so ``amount / 100`` units are
        invoiced and the cost is that quantity times the product's cost.
        """
        product = product or cls.product
        return {
            "move_type": "out_refund" if refund else "out_invoice",
            "partner_id": partner.id,
            "company_id": (company or cls.company).id,
            "invoice_date": cls.today - timedelta(days=days_ago),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": amount / 100.0,
                        "price_unit": 100.0,
                        "tax_ids": [],
                    }
                )
            ],
        }

    @classmethod
    def _post_invoices(cls, vals_list, company=None):
        """Create and post invoices / credit notes (``_invoice_vals`` dicts)."""
        company = company or cls.company
        moves = cls.env["account.move"].with_company(company).create(vals_list)
        moves.action_post()
        return moves

    @classmethod
    def _post_invoice(cls, partner, amount, days_ago=30, **kwargs):
        company = kwargs.get("company")
        vals = cls._invoice_vals(partner, amount, days_ago=days_ago, **kwargs)
        return cls._post_invoices([vals], company=company)

    @classmethod
    def _post_refund(cls, partner, amount, days_ago=30, **kwargs):
        return cls._post_invoice(
            partner, amount, days_ago=days_ago, refund=True, **kwargs
        )

    @classmethod
    def _create_account(cls, partner, company=None, **values):
        return cls.env["kam.account"].create(
            dict(
                {"partner_id": partner.id, "company_id": (company or cls.company).id},
                **values,
            )
        )

    def _assess(self, account, score, criterion=None, days_ago=1, user=None):
        env = self.env(user=user) if user else self.env
        return env["kam.position.assessment"].create(
            {
                "account_id": account.id,
                "criterion_id": (criterion or self.criterion_main).id,
                "score": score,
                "date": self.today - timedelta(days=days_ago),
            }
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """``assertRaises`` (rolled back to a savepoint) checking the message."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))

    # ------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------
    def _classify(self, company=None):
        """Classify ``company`` (the test company by default); return the run."""
        return self.env["kam.classification.run"]._classify_company(
            company or self.company, trigger="manual"
        )

    @staticmethod
    def _still_open(activities):
        """Those of ``activities`` still to do. A done activity is deleted on
        18.0 and archived on 19.0: on both, it is no longer an active one."""
        return activities.exists().filtered("active")

    def _account(self, partner, company=None):
        return self.env["kam.account"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.company).id),
            ]
        )


class KamAttackCommon(KamCommon):
    """Who attacks: kam_1 (a KAM), kam_2 (another KAM), member (in kam_2's
    team), a salesman, a portal user, and a director and a KAM of a second
    company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_attackers()
        cls.member = cls._create_user(
            "kam_member", "Mia Member", "kam_management.group_kam_user"
        )
        cls.portal = cls.env["res.users"].create(
            {
                "login": "kam_portal",
                "name": "Pat Portal",
                GROUPS_FIELD: [Command.set([cls.env.ref("base.group_portal").id])],
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
            }
        )

        cls.p_own = cls._create_customer("Attack Own Customer")
        cls.p_kam2 = cls._create_customer("Attack Second Customer")
        cls.p_free = cls._create_customer("Attack Free Customer")
        cls.p_c2 = cls._create_customer("Attack Company Two Customer")
        cls.contact_kam2 = cls.env["res.partner"].create(
            {"name": "Bea Buyer", "parent_id": cls.p_kam2.id}
        )
        cls.acc_own = cls._create_account(
            cls.p_own, is_key_account=True, kam_user_id=cls.kam_1.id
        )
        cls.acc_kam2 = cls._create_account(
            cls.p_kam2, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls.env["kam.team.member"].create(
            {"account_id": cls.acc_kam2.id, "user_id": cls.member.id}
        )
        cls.acc_free = cls._create_account(cls.p_free)
        cls.acc_c2 = cls._create_account(
            cls.p_c2,
            company=cls.company2,
            is_key_account=True,
            kam_user_id=cls.kam_other.id,
        )
        cls.plan_own = cls._plan(cls.acc_own)
        cls.plan_kam2 = cls._plan(cls.acc_kam2)
        cls.role_kam2 = cls.env["kam.buying.role"].create(
            {
                "account_id": cls.acc_kam2.id,
                "partner_id": cls.contact_kam2.id,
                "personal_interests": "Wants the CFO job",
                "owner_id": cls.kam_2.id,
            }
        )
        cls.agreement_own = cls.env["kam.agreement"].create(
            {"account_id": cls.acc_own.id, "name": "Own frame contract"}
        )
        cls.action_own = cls.env["kam.plan.action"].create(
            {
                "plan_id": cls.plan_own.id,
                "name": "Call the buyer",
                "owner_id": cls.kam_1.id,
            }
        )
        cls.action_kam2 = cls.env["kam.plan.action"].create(
            {"plan_id": cls.plan_kam2.id, "name": "Visit", "owner_id": cls.kam_2.id}
        )

    @classmethod
    def _plan(cls, account, **values):
        return cls.env["kam.account.plan"].create(
            dict(
                {
                    "account_id": account.id,
                    "date_start": cls.today - timedelta(days=30),
                    "date_end": cls.today + timedelta(days=400),
                },
                **values,
            )
        )

    def setUp(self):
        super().setUp()
        # Access checks must not be answered from the superuser's cache.
        self.env.invalidate_all()

    @staticmethod
    def _finds(Model, domain, order=None):
        """What ``Model.search`` finds; nothing when the model is closed to
        the user altogether (access rights)."""
        try:
            return Model.search(domain, order=order)
        except AccessError:
            return Model.browse()

    def as_(self, user, model):
        """``model`` as ``user`` logged in: in the user's own companies."""
        return (
            self.env[model]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
        )
