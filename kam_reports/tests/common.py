import io
import zipfile

import openpyxl
from odoo import Command
from odoo.addons.kam_management.tests.common import KamCommon

SHEETS = [
    "Summary",
    "Pareto",
    "Matrix",
    "Accounts",
    "Plans and Objectives",
    "Opportunities",
    "KAM Portfolio",
]
HEADER_ROW = 4  # 1-based row of each sheet's table header (title, period, blank)


class KamReportsCommon(KamCommon):
    """Four invoiced customers of the test company, two of them key accounts
    (one per KAM) placed in the matrix, and a director."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._create_customer("Big Buyer")
        cls.mid = cls._create_customer("Mid Market")
        cls.small = cls._create_customer("Small Shop")
        cls.tiny = cls._create_customer("Tiny Trade")
        cls._post_invoices(
            [
                cls._invoice_vals(cls.big, 50000, days_ago=20),
                cls._invoice_vals(cls.big, 10000, days_ago=100),
                cls._invoice_vals(cls.mid, 30000, days_ago=40),
                cls._invoice_vals(cls.small, 15000, days_ago=60),
                cls._invoice_vals(cls.small, 1000, days_ago=50, refund=True),
                cls._invoice_vals(cls.tiny, 5000, days_ago=10),
                # Outside the default period (the last 12 months).
                cls._invoice_vals(cls.tiny, 7000, days_ago=500),
            ]
        )
        run = cls.env["kam.classification.run"]._classify_company(
            cls.company, trigger="manual"
        )
        assert run
        Account = cls.env["kam.account"]
        cls.acc_big = Account.search(
            [("partner_id", "=", cls.big.id), ("company_id", "=", cls.company.id)]
        )
        cls.acc_mid = Account.search(
            [("partner_id", "=", cls.mid.id), ("company_id", "=", cls.company.id)]
        )
        cls.acc_big.write(
            {"is_key_account": True, "kam_user_id": cls.kam_1.id, "tier": "strategic"}
        )
        cls.acc_mid.write(
            {"is_key_account": True, "kam_user_id": cls.kam_2.id, "tier": "key"}
        )
        for account, score in ((cls.acc_big, 5), (cls.acc_mid, 1)):
            cls.env["kam.position.assessment"].create(
                {
                    "account_id": account.id,
                    "criterion_id": cls.criterion_main.id,
                    "score": score,
                    "date": cls.today,
                }
            )
        cls.env["kam.classification.run"]._classify_company(
            cls.company, trigger="manual"
        )
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.acc_big.id,
                "objective_ids": [
                    Command.create(
                        {"name": "Grow", "kpi": "revenue", "target": 120000.0}
                    )
                ],
            }
        )

    # ------------------------------------------------------------------
    def _wizard(self, user=None, lang=None, **values):
        env = self.env(user=user) if user else self.env
        if lang:
            env = env(context=dict(env.context, lang=lang))
        return env["kam.portfolio.report.wizard"].create(
            dict({"company_id": self.company.id}, **values)
        )

    def _workbook(self, user=None, lang=None, **values):
        content = self._wizard(user, lang, **values)._render_xlsx()
        return openpyxl.load_workbook(io.BytesIO(content)), content

    @staticmethod
    def _charts(content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {
                name: archive.read(name).decode()
                for name in archive.namelist()
                if name.startswith("xl/charts/chart")
            }

    @staticmethod
    def _column(sheet, header):
        """Values below ``header`` down to the first empty row (0-based col)."""
        headers = [c.value for c in sheet[HEADER_ROW]]
        col = headers.index(header) + 1
        values = []
        for row in range(HEADER_ROW + 1, sheet.max_row + 1):
            if sheet.cell(row, 1).value is None and sheet.cell(row, 2).value is None:
                break
            values.append(sheet.cell(row, col).value)
        return values

    @staticmethod
    def _rows(sheet):
        """Data rows (dicts by header) of a table sheet, total row excluded."""
        headers = [c.value for c in sheet[HEADER_ROW]]
        rows = []
        for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
            if all(v is None for v in values[:3]) or "Total" in values[:2]:
                break
            rows.append(dict(zip(headers, values, strict=False)))
        return rows
