import random
from datetime import timedelta

from odoo import api, fields, models

# Demo: small customers with a few years of invoices, some of them lost.
DEMO_KINDS = ("Ferretería", "Suministros", "Talleres", "Distribuciones", "Almacenes")
DEMO_CITIES = ("Burgos", "Cáceres", "Lugo", "Teruel", "Soria", "Jaén")


class KamAccountDemo(models.Model):
    _inherit = "kam.account"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_clv_customers(self, product_xmlid):
        """Demo data: 30 former customers with their purchase history.

        The churn and lifetime value models need repeat buyers to learn
        from. These bought for a while and stopped more than a year ago (some
        long ago), outside the classification window: the classes and
        quadrants of the demo's key accounts stay as they are. Deterministic
        (fixed seed).
        """
        rng = random.Random(2026)
        today = fields.Date.context_today(self)
        product = self.env.ref(product_xmlid)
        partners = self.env["res.partner"].create(
            [
                {"name": f"{kind} {city}", "is_company": True}
                for kind in DEMO_KINDS
                for city in DEMO_CITIES
            ]
        )
        vals_list = []
        for index, partner in enumerate(partners):
            gap = rng.choice((20, 30, 45, 60, 90))
            count = rng.randint(2, 5) if index % 3 == 0 else rng.randint(4, 10)
            silence = 380 + rng.randint(0, 100 if index % 3 else 500)
            # Irregular intervals (exponential, mean ``gap``), counted back
            # from the last purchase.
            days = [silence]
            for _number in range(count - 1):
                days.append(days[-1] + 1 + int(rng.expovariate(1.0 / gap)))
            amount = rng.choice((800, 1500, 2500, 4000))
            for days_ago in days:
                vals_list.append(
                    self._demo_invoice_vals(
                        partner,
                        product,
                        today - timedelta(days=days_ago),
                        amount * rng.uniform(0.5, 1.5),
                    )
                )
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        return True

    @api.model
    def _demo_plan_investment(self, plan):
        """Demo data: a director's planned investment ``{account xmlid:
        (amount, years)}``."""
        for xmlid, (amount, years) in plan.items():
            self.env.ref(xmlid).write(
                {"investment_amount": amount, "investment_years": years}
            )
        return True
