"""The portfolio of each KAM against the recommended maximum (SQL view).

One row per company and KAM: the KAMs of the company (users of the Key
Account Manager group, directly or through a group implying it, who are not
directors) and anyone managing a key
account of it. "Overdue" is counted against today's date of the database.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..compat import GROUPS_FIELD


class KamWorkloadReport(models.Model):
    _name = "kam.workload.report"
    _description = "KAM Workload"
    _auto = False
    _order = "company_id, over_capacity desc, account_count desc, kam_user_id"
    _rec_name = "kam_user_id"
    # Flushed before the view is read.
    _depends = {
        "kam.account": [
            "company_id",
            "kam_user_id",
            "is_key_account",
            "active",
            "revenue",
            "health_score",
        ],
        "kam.account.plan": [
            "company_id",
            "kam_user_id",
            "state",
            "review_date",
            "last_review_date",
            "date_end",
        ],
        "kam.plan.action": ["plan_id", "state", "date_deadline"],
        "res.company": ["kam_max_accounts_per_kam"],
        "res.users": ["active", "share", GROUPS_FIELD, "company_ids"],
        "res.groups": ["implied_ids"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    kam_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", readonly=True
    )
    account_count = fields.Integer(string="Key Accounts", readonly=True)
    max_accounts = fields.Integer(
        string="Recommended Maximum", readonly=True, aggregator="max"
    )
    free_capacity = fields.Integer(
        string="Free Places",
        readonly=True,
        help="Key accounts the KAM can still take before the recommended "
        "maximum (negative: above it).",
    )
    over_capacity = fields.Boolean(string="Above the Maximum", readonly=True)
    revenue = fields.Monetary(
        string="Portfolio Revenue",
        readonly=True,
        help="Revenue of the KAM's key accounts over the classification window, "
        "as of the company's last classification (Classification Runs).",
    )
    health_avg = fields.Float(
        string="Average Health", readonly=True, digits=(5, 1), aggregator="avg"
    )
    health_min = fields.Float(
        string="Lowest Health", readonly=True, digits=(5, 1), aggregator="min"
    )
    health_count = fields.Integer(string="Accounts with a Scorecard", readonly=True)
    # The company's health bands, for the list's colours (the scorecard's).
    health_green_from = fields.Float(related="company_id.kam_health_green_from")
    health_amber_from = fields.Float(related="company_id.kam_health_amber_from")
    overdue_plan_count = fields.Integer(
        string="Overdue Plans",
        readonly=True,
        help="Plans not closed whose review date has passed without a review, "
        "or active plans past their end date.",
    )
    overdue_action_count = fields.Integer(
        string="Overdue Actions",
        readonly=True,
        help="Plan actions still to do after their deadline, in plans not closed.",
    )

    def _query(self):
        return SQL(
            """
            WITH RECURSIVE kam_group AS (
                -- The KAM group and every group that implies it, however
                -- indirectly: users have the KAM group through any of them.
                SELECT res_id AS id FROM ir_model_data
                 WHERE module = 'kam_management' AND model = 'res.groups'
                   AND name = 'group_kam_user'
                 UNION
                SELECT r.gid FROM res_groups_implied_rel r
                  JOIN kam_group g ON g.id = r.hid
            ), director_group AS (
                SELECT res_id AS id FROM ir_model_data
                 WHERE module = 'kam_management' AND model = 'res.groups'
                   AND name = 'group_kam_manager'
                 UNION
                SELECT r.gid FROM res_groups_implied_rel r
                  JOIN director_group g ON g.id = r.hid
            ), kams AS (
                SELECT a.company_id, a.kam_user_id AS user_id
                  FROM kam_account a
                 WHERE a.is_key_account AND a.active AND a.kam_user_id IS NOT NULL
                 UNION
                SELECT cu.cid, cu.user_id
                  FROM res_company_users_rel cu
                  JOIN res_users u ON u.id = cu.user_id AND u.active AND NOT u.share
                 WHERE EXISTS (
                        SELECT 1 FROM res_groups_users_rel gu
                         WHERE gu.uid = u.id
                           AND gu.gid IN (SELECT id FROM kam_group))
                   AND NOT EXISTS (
                        SELECT 1 FROM res_groups_users_rel gd
                         WHERE gd.uid = u.id
                           AND gd.gid IN (SELECT id FROM director_group))
            ), accounts AS (
                SELECT company_id, kam_user_id AS user_id, count(*) AS n,
                       sum(revenue) AS revenue, avg(health_score) AS health_avg,
                       min(health_score) AS health_min,
                       count(health_score) AS health_count
                  FROM kam_account
                 WHERE is_key_account AND active AND kam_user_id IS NOT NULL
                 GROUP BY company_id, kam_user_id
            ), plans AS (
                SELECT company_id, kam_user_id AS user_id, count(*) AS n
                  FROM kam_account_plan
                 WHERE kam_user_id IS NOT NULL AND state != 'closed'
                   AND ((review_date < CURRENT_DATE
                         AND (last_review_date IS NULL
                              OR last_review_date < review_date))
                        OR (state = 'active' AND date_end < CURRENT_DATE))
                 GROUP BY company_id, kam_user_id
            ), actions AS (
                SELECT p.company_id, p.kam_user_id AS user_id, count(*) AS n
                  FROM kam_plan_action act
                  JOIN kam_account_plan p ON p.id = act.plan_id
                 WHERE p.kam_user_id IS NOT NULL AND p.state != 'closed'
                   AND act.state = 'todo' AND act.date_deadline < CURRENT_DATE
                 GROUP BY p.company_id, p.kam_user_id
            )
            SELECT row_number() OVER (ORDER BY k.company_id, k.user_id) AS id,
                   k.company_id, k.user_id AS kam_user_id,
                   COALESCE(a.n, 0) AS account_count,
                   c.kam_max_accounts_per_kam AS max_accounts,
                   c.kam_max_accounts_per_kam - COALESCE(a.n, 0) AS free_capacity,
                   COALESCE(a.n, 0) > c.kam_max_accounts_per_kam AS over_capacity,
                   COALESCE(a.revenue, 0) AS revenue,
                   a.health_avg, a.health_min,
                   COALESCE(a.health_count, 0) AS health_count,
                   COALESCE(p.n, 0) AS overdue_plan_count,
                   COALESCE(x.n, 0) AS overdue_action_count
              FROM kams k
              JOIN res_company c ON c.id = k.company_id
              LEFT JOIN accounts a
                ON a.company_id = k.company_id AND a.user_id = k.user_id
              LEFT JOIN plans p
                ON p.company_id = k.company_id AND p.user_id = k.user_id
              LEFT JOIN actions x
                ON x.company_id = k.company_id AND x.user_id = k.user_id
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
