from odoo import fields, models

from ..compat import create_unique_index


class KamClassificationStage(models.Model):
    """What a scheduled classification has read so far: one row per customer.

    The scheduled pass reads the invoices in bounded steps of customers (see
    ``kam.classification.run._cron_classify``); each step's aggregates land
    here, written by PostgreSQL alone, and the last step scores them all and
    publishes the results in one transaction. The rows of a run are deleted
    once it is published, failed or replaced. Nobody reads them but the run.
    """

    _name = "kam.classification.stage"
    _description = "Key Account Classification Staged Figures"
    _log_access = False

    run_id = fields.Many2one(
        "kam.classification.run", required=True, ondelete="cascade"
    )
    partner_id = fields.Integer(string="Customer Id", required=True)
    has_figures = fields.Boolean(string="Invoiced in the Windows")
    revenue = fields.Float()
    revenue_prev = fields.Float(string="Revenue, Previous Window")
    cost = fields.Float()
    invoice_count = fields.Integer(string="Invoices")
    last_invoice_date = fields.Date()
    hist_frequency = fields.Integer(string="Repeat Purchases")
    hist_first = fields.Date(string="First Purchase")
    hist_last = fields.Date(string="Last Purchase")
    hist_total = fields.Float(string="Total Purchased")
    hist_first_amount = fields.Float(string="First Purchase Amount")

    def init(self):
        # A customer is staged once per run: a step that ran twice fails
        # rather than doubling a customer's figures.
        create_unique_index(
            self.env.cr,
            "kam_classification_stage_run_partner_uniq",
            self._table,
            ["run_id", "partner_id"],
        )
