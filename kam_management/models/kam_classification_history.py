from odoo import fields, models

from .kam_account import PARETO_CLASSES, QUADRANTS


class KamClassificationHistory(models.Model):
    """One move of an account between Pareto classes or matrix quadrants.

    Only changes are stored, so an account keeps a readable timeline without a
    copy of every customer at every run.
    """

    _name = "kam.classification.history"
    _description = "Key Account Classification Change"
    _order = "date desc, id desc"

    account_id = fields.Many2one(
        "kam.account", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id")
    company_id = fields.Many2one("res.company", required=True, index=True)
    run_id = fields.Many2one("kam.classification.run", ondelete="set null", index=True)
    date = fields.Datetime(required=True)
    pareto_class_from = fields.Selection(PARETO_CLASSES, string="Class Before")
    pareto_class_to = fields.Selection(PARETO_CLASSES, string="Class After")
    quadrant_from = fields.Selection(QUADRANTS, string="Quadrant Before")
    quadrant_to = fields.Selection(QUADRANTS, string="Quadrant After")
    potential_score = fields.Float(string="Potential", digits=(5, 1))
    position_score = fields.Float(string="Position", digits=(5, 1))
    revenue = fields.Float(digits=(16, 2))
    nominated = fields.Boolean(help="The move into class A made it a key account.")
