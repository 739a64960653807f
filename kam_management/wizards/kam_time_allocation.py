"""Each KAM's actual share of time per activity against the reference profile.

Time measure (documented in the addon's readme/USAGE.md):

* a done activity counts the *KAM hours per activity* of its type (0.5 by
  default, set on the activity type), for the user who marked it done (the
  author of the "activity done" message), on the day it was done; activities
  of the *Meeting* kind are left out, their meeting is counted instead;
* a meeting counts its duration (an all-day meeting 8 hours a day), on the
  day it starts, for its organiser (unless they declined it) and for each
  attendee who accepted it: an invitation left unanswered, tentative or
  declined counts for nobody (anyone can invite a KAM to anything);
* only activity types and meetings with a KAM activity count; days run from
  midnight to midnight UTC.

The share of a category is its hours over all the KAM's counted hours.
"""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..models.kam_format import format_number
from ..models.kam_guard import is_internal_user_of
from ..models.mail_activity_type import TIME_CATEGORIES

ALLDAY_HOURS = 8.0
MAX_PERIOD_DAYS = 3 * 366


def _is_director(env):
    return env.su or env.user.has_group("kam_management.group_kam_manager")


class KamTimeAllocation(models.TransientModel):
    _name = "kam.time.allocation"
    _inherit = ["kam.guard.mixin"]
    _description = "KAM Time Allocation"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="Its reference time profile is the one compared with.",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(months=3),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Key Account Managers",
        default=lambda self: self._default_user_ids(),
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Directors choose any KAM of the company; a KAM sees their own time.",
    )
    tolerance = fields.Float(
        string="Tolerance (points)",
        default=5.0,
        help="Differences from the reference up to this many points of "
        "percentage are not highlighted.",
    )
    is_director = fields.Boolean(compute="_compute_is_director")
    line_ids = fields.One2many("kam.time.allocation.line", "wizard_id")

    @api.model
    def _default_user_ids(self):
        if not _is_director(self.env):
            return self.env.user
        company = self.env.company
        workload = self.env["kam.workload.report"].search(
            [("company_id", "=", company.id)]
        )
        return workload.kam_user_id

    @api.depends_context("uid")
    def _compute_is_director(self):
        self.is_director = _is_director(self.env)

    def _check_input(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period must start before it ends."))
        if (self.date_to - self.date_from).days > MAX_PERIOD_DAYS:
            raise UserError(
                self.env._(
                    "The period can be at most %(days)s days long.",
                    days=MAX_PERIOD_DAYS,
                )
            )
        if not 0 <= self.tolerance <= 100:
            raise UserError(
                self.env._(
                    "The tolerance must be between 0 and 100 points (got %(value)s).",
                    value=format_number(self.env, self.tolerance),
                )
            )
        if not self.user_ids:
            raise UserError(self.env._("Choose at least one Key Account Manager."))
        if not _is_director(self.env) and self.user_ids != self.env.user:
            raise AccessError(
                self.env._("A Key Account Manager sees only their own time allocation.")
            )
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("Choose one of your companies."))
        outsiders = self.user_ids.filtered(
            lambda u: not is_internal_user_of(u, self.company_id)
        )
        if outsiders:
            raise AccessError(
                self.env._(
                    "%(users)s: not internal users of %(company)s.",
                    users=", ".join(outsiders.mapped("name")),
                    company=self.company_id.name,
                )
            )

    def _read_hours(self):
        """{(user id, category): [hours, activities, meeting hours]}, two queries."""
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min)
        subtype = self.env.ref("mail.mt_activities")
        self.env.flush_all()
        activities = self.env.execute_query(
            SQL(
                """
                SELECT u.id, t.kam_time_category, count(*),
                       sum(COALESCE(t.kam_duration_hours, 0))
                  FROM mail_message m
                  JOIN res_users u ON u.partner_id = m.author_id
                  JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
                 WHERE u.id = ANY(%(users)s)
                   AND m.subtype_id = %(subtype)s
                   AND m.date >= %(start)s AND m.date < %(end)s
                   AND t.kam_time_category IS NOT NULL
                   AND COALESCE(t.category, '') != 'meeting'
                 GROUP BY u.id, t.kam_time_category
                """,
                users=self.user_ids.ids,
                subtype=subtype.id,
                start=start,
                end=end,
            )
        )
        in_period = SQL(
            "e.active AND e.kam_time_category IS NOT NULL"
            " AND e.start >= %s AND e.start < %s",
            start,
            end,
        )
        # The meetings each user organised (and did not decline) or accepted;
        # UNION: a meeting counts once for its organiser who also accepted it.
        meetings = self.env.execute_query(
            SQL(
                """
                WITH counted AS (
                    SELECT e.id AS event_id, e.user_id AS user_id
                      FROM calendar_event e
                      JOIN res_users u ON u.id = e.user_id
                     WHERE e.user_id = ANY(%(users)s)
                       AND %(in_period)s
                       AND NOT EXISTS (
                           SELECT 1 FROM calendar_attendee d
                            WHERE d.event_id = e.id
                              AND d.partner_id = u.partner_id
                              AND d.state = 'declined')
                    UNION
                    SELECT e.id, u.id
                      FROM calendar_event e
                      JOIN calendar_attendee a
                        ON a.event_id = e.id AND a.state = 'accepted'
                      JOIN res_users u ON u.partner_id = a.partner_id
                     WHERE u.id = ANY(%(users)s)
                       AND %(in_period)s
                )
                SELECT c.user_id, e.kam_time_category,
                       sum(CASE WHEN e.allday
                                THEN %(allday)s * (e.stop_date - e.start_date + 1)
                                ELSE COALESCE(e.duration, 0) END)
                  FROM counted c
                  JOIN calendar_event e ON e.id = c.event_id
                 GROUP BY c.user_id, e.kam_time_category
                """,
                users=self.user_ids.ids,
                allday=ALLDAY_HOURS,
                in_period=in_period,
            )
        )
        hours = {}
        for user_id, category, count, total in activities:
            entry = hours.setdefault((user_id, category), [0.0, 0, 0.0])
            entry[0] += float(total or 0.0)
            entry[1] += count
        for user_id, category, total in meetings:
            entry = hours.setdefault((user_id, category), [0.0, 0, 0.0])
            entry[0] += float(total or 0.0)
            entry[2] += float(total or 0.0)
        return hours

    def action_compute(self):
        self.ensure_one()
        self._check_input()
        hours = self._read_hours()
        profile = self.company_id.sudo()._kam_time_profile()
        totals = {}
        for (user_id, _category), values in hours.items():
            totals[user_id] = totals.get(user_id, 0.0) + values[0]
        vals_list = []
        for user in self.user_ids:
            total = totals.get(user.id, 0.0)
            for category, _label in TIME_CATEGORIES:
                spent, count, meeting = hours.get((user.id, category), (0.0, 0, 0.0))
                actual = 100.0 * spent / total if total else 0.0
                reference = profile[category]
                difference = actual - reference
                if not total:
                    deviation = "none"
                elif difference > self.tolerance:
                    deviation = "over"
                elif difference < -self.tolerance:
                    deviation = "under"
                else:
                    deviation = "ok"
                vals_list.append(
                    {
                        "wizard_id": self.id,
                        "user_id": user.id,
                        "category": category,
                        "hours": spent,
                        "activity_count": count,
                        "meeting_hours": meeting,
                        "actual_pct": actual,
                        "reference_pct": reference,
                        "difference": difference,
                        "deviation": deviation,
                    }
                )
        self.line_ids.unlink()
        self.env["kam.time.allocation.line"].create(vals_list)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Time Allocation %(start)s - %(end)s",
                start=format_date(self.env, self.date_from),
                end=format_date(self.env, self.date_to),
            ),
            "res_model": "kam.time.allocation.line",
            "view_mode": "list,pivot,graph",
            "domain": [("wizard_id", "=", self.id)],
        }
