"""Proposes who manages which key account, from competencies (directors).

The fit of a KAM with an account is the weighted mean of the KAM's ratings
(1-5) of the competencies the account needs (its own needs, or else its
quadrant's). The proposal maximises the total fit with each KAM below the
recommended number of key accounts (an exact optimiser of the scoring
package, which also sets the problem up: places, pairs never proposed,
today's fits); the director ticks the changes to make and applies them, and the
accounts' chatter records each new KAM.
"""

from collections import defaultdict

import numpy as np
import pandas as pd
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..kam_scoring import AssignmentError, assignment_problem, fit_matrix
from ..models.kam_guard import check_input_values, is_internal_user_of


def _names(records, limit=10):
    names = records.mapped("display_name")
    text = ", ".join(names[:limit])
    return text + (", …" if len(names) > limit else "")


class KamAssignmentWizard(models.TransientModel):
    _name = "kam.assignment.wizard"
    _inherit = ["kam.guard.mixin"]
    _description = "Assignment of Key Accounts by Competencies"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_ids = fields.Many2many(
        "kam.account",
        string="Key Accounts",
        default=lambda self: self._default_account_ids(),
        domain="[('is_key_account', '=', True), ('company_id', '=', company_id)]",
        help="The key accounts to assign; the others keep their KAM and use "
        "up their KAM's places.",
    )
    kam_ids = fields.Many2many(
        "res.users",
        string="Key Account Managers",
        default=lambda self: self._default_kam_ids(),
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="The KAMs who may take the accounts: by default those with "
        "competency ratings in the company and today's KAMs.",
    )
    max_accounts = fields.Integer(
        related="company_id.kam_max_accounts_per_kam", string="Most Accounts per KAM"
    )
    state = fields.Selection(
        [("draft", "Choose"), ("proposed", "Proposal")], default="draft"
    )
    line_ids = fields.One2many("kam.assignment.line", "wizard_id")
    total_current_fit = fields.Float(
        string="Total Fit Today", digits=(16, 2), readonly=True
    )
    total_proposed_fit = fields.Float(
        string="Total Fit Proposed", digits=(16, 2), readonly=True
    )
    fit_gain = fields.Float(string="Gain", digits=(16, 2), readonly=True)
    change_count = fields.Integer(string="Changes", readonly=True)
    unassigned_count = fields.Integer(string="Left Unassigned", readonly=True)
    capacity_total = fields.Integer(string="Places", readonly=True)
    message = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # Defaults and checks
    # ------------------------------------------------------------------
    def _check_director(self, company=None):
        company = company or self.company_id or self.env.company
        if self.env.su:
            return
        if (
            not self.env.user.has_group("kam_management.group_kam_manager")
            or company not in self.env.user.company_ids
        ):
            raise AccessError(
                self.env._(
                    "Only a Key Account Director can assign the key accounts of "
                    "%(company)s.",
                    company=company.name,
                )
            )

    @api.model
    def _default_account_ids(self):
        return self.env["kam.account"].search(
            [("is_key_account", "=", True), ("company_id", "=", self.env.company.id)]
        )

    @api.model
    def _default_kam_ids(self):
        company = self.env.company
        rated = self.env["kam.competency.rating"]._read_group(
            [("company_id", "=", company.id)], ["user_id"]
        )
        users = self.env["res.users"].union(*(user for (user,) in rated))
        current = self._default_account_ids().kam_user_id
        return (users | current).filtered(lambda u: u.active and not u.share)

    @api.model_create_multi
    def create(self, vals_list):
        Company = self.env["res.company"]
        for vals in vals_list:
            # The values' types first: the company is read to check the user.
            check_input_values(self, vals)
            self._check_director(Company.browse(vals.get("company_id")) or None)
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Reading the inputs (set-based)
    # ------------------------------------------------------------------
    def _read_ratings(self, users):
        """DataFrame users × competencies of the company's ratings."""
        rows = self.env["kam.competency.rating"].search_read(
            [
                ("company_id", "=", self.company_id.id),
                ("user_id", "in", users.ids),
                ("competency_id.active", "=", True),
            ],
            ["user_id", "competency_id", "rating"],
            load=None,
        )
        frame = pd.DataFrame(rows, columns=["user_id", "competency_id", "rating"])
        if frame.empty:
            return pd.DataFrame(dtype=float)
        table = frame.pivot_table(
            index="user_id", columns="competency_id", values="rating", aggfunc="max"
        )
        return table.astype(float)

    def _read_needs(self, accounts):
        """({account id: {competency id: weight}}, source by account id)."""
        own = self.env["kam.account.competency"].search_read(
            [("account_id", "in", accounts.ids), ("competency_id.active", "=", True)],
            ["account_id", "competency_id", "weight"],
            load=None,
        )
        by_quadrant = self.env["kam.quadrant.competency"].search_read(
            [
                ("company_id", "in", [False, self.company_id.id]),
                ("competency_id.active", "=", True),
            ],
            ["company_id", "quadrant", "competency_id", "weight"],
            load=None,
        )
        needs = defaultdict(dict)
        for row in own:
            needs[row["account_id"]][row["competency_id"]] = row["weight"]
        # The company's own lines for a quadrant replace the shared ones.
        own_quadrants = {row["quadrant"] for row in by_quadrant if row["company_id"]}
        quadrant_needs = defaultdict(dict)
        for row in by_quadrant:
            if bool(row["company_id"]) == (row["quadrant"] in own_quadrants):
                quadrant_needs[row["quadrant"]][row["competency_id"]] = row["weight"]
        sources = {}
        for account in accounts:
            if account.id in needs:
                sources[account.id] = "account"
            elif account.quadrant and account.quadrant in quadrant_needs:
                needs[account.id] = dict(quadrant_needs[account.quadrant])
                sources[account.id] = "quadrant"
        return needs, sources

    # ------------------------------------------------------------------
    # Proposal
    # ------------------------------------------------------------------
    def action_propose(self):
        self.ensure_one()
        self._check_director()
        company = self.company_id
        accounts = self.account_ids.filtered(
            lambda a: a.is_key_account and a.active and a.company_id == company
        )
        if not accounts:
            raise UserError(
                self.env._(
                    "There are no key accounts of %(company)s to assign.",
                    company=company.name,
                )
            )
        kams = self.kam_ids.filtered(lambda u: u.active and not u.share)
        if not kams:
            raise UserError(self.env._("Choose the Key Account Managers to assign."))
        outsiders = kams.filtered(lambda u: not is_internal_user_of(u, company))
        if outsiders:
            raise UserError(
                self.env._(
                    "%(users)s cannot manage key accounts of %(company)s: only its "
                    "internal users can.",
                    users=_names(outsiders),
                    company=company.name,
                )
            )
        ratings = self._read_ratings(kams | accounts.kam_user_id)
        unrated = kams.filtered(lambda u: u.id not in ratings.index)
        if unrated:
            raise UserError(
                self.env._(
                    "%(kams)s: no competency ratings in %(company)s. Rate their "
                    "competencies (Key Account Analysis → Competency Ratings) or leave "
                    "them out of the assignment.",
                    kams=_names(unrated),
                    company=company.name,
                )
            )
        needs, sources = self._read_needs(accounts)
        notes = []
        no_needs = accounts.filtered(lambda a: a.id not in sources)
        zero = accounts.filtered(
            lambda a: a.id in sources and not any(w > 0 for w in needs[a.id].values())
        )
        if no_needs:
            notes.append(
                self.env._(
                    "Left out, no competencies needed (no quadrant yet, or nothing "
                    "stated for their quadrant): %(accounts)s.",
                    accounts=_names(no_needs),
                )
            )
        if zero:
            notes.append(
                self.env._(
                    "Left out, the weights of the competencies they need are all "
                    "zero: %(accounts)s.",
                    accounts=_names(zero),
                )
            )
        todo = accounts - no_needs - zero
        if not todo:
            raise UserError(
                "\n".join(
                    [
                        self.env._(
                            "No account states the competencies it needs: give "
                            "the quadrants their competencies (Configuration → "
                            "Competencies by Quadrant) or the accounts their own."
                        ),
                        *notes,
                    ]
                )
            )

        needs_frame = pd.DataFrame.from_dict(
            {account.id: needs[account.id] for account in todo}, orient="index"
        ).reindex(todo.ids)
        try:
            fits = fit_matrix(needs_frame, ratings)
        except AssignmentError as err:
            raise UserError(self._assignment_message(err)) from None
        # Places: the recommended maximum less the key accounts each KAM
        # keeps outside this assignment.
        limit = company.kam_max_accounts_per_kam
        kept = (
            self.env["kam.account"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("is_key_account", "=", True),
                    ("kam_user_id", "in", kams.ids),
                    ("id", "not in", todo.ids),
                ],
                ["kam_user_id"],
                ["__count"],
            )
        )
        # A KAM cannot also be in the account's team.
        team = (
            self.env["kam.team.member"]
            .sudo()
            .search_read(
                [("account_id", "in", todo.ids)], ["account_id", "user_id"], load=None
            )
        )
        problem = assignment_problem(
            fits,
            kams.ids,
            limit,
            kept={user.id: count for user, count in kept},
            team=[(member["account_id"], member["user_id"]) for member in team],
            current={account.id: account.kam_user_id.id or None for account in todo},
        )
        try:
            result = problem.solve()
        except AssignmentError as err:
            raise UserError(self._assignment_message(err)) from None

        lines = []
        for i, account in enumerate(todo):
            current_kam = account.kam_user_id
            current_fit = problem.current_fit[i]
            rated = not np.isnan(current_fit)
            proposed = kams[result.kam[i]] if result.kam[i] >= 0 else kams.browse()
            is_change = bool(proposed) and proposed != current_kam
            lines.append(
                {
                    "wizard_id": self.id,
                    "account_id": account.id,
                    "needs_source": sources[account.id],
                    "current_kam_id": current_kam.id,
                    "current_fit": float(current_fit) if rated else 0.0,
                    "current_rated": rated,
                    "proposed_kam_id": proposed.id,
                    "proposed_fit": 0.0 if np.isnan(result.fit[i]) else result.fit[i],
                    "is_change": is_change,
                    "selected": is_change,
                }
            )
        places = problem.places
        unassigned = todo.browse([todo.ids[i] for i in result.unassigned])
        if unassigned:
            notes.insert(
                0,
                self.env._(
                    "%(accounts)s accounts for %(places)s places (%(kams)s KAMs, at "
                    "most %(max)s key accounts each, less those they keep outside "
                    "this assignment): the best partial assignment leaves "
                    "%(count)s without a proposed KAM: %(names)s.",
                    accounts=len(todo),
                    places=places,
                    kams=len(kams),
                    max=limit,
                    count=len(unassigned),
                    names=_names(unassigned),
                ),
            )
        not_rated_today = todo.filtered(
            lambda a: a.kam_user_id and a.kam_user_id.id not in ratings.index
        )
        if not_rated_today:
            notes.append(
                self.env._(
                    "Today's KAM has no competency ratings, their fit counts as 0: "
                    "%(accounts)s.",
                    accounts=_names(not_rated_today),
                )
            )
        self.line_ids.unlink()
        # sudo: the proposal's lines are the proposal's, never typed in by
        # users (see KamAssignmentLine.create); the wizard is the user's own.
        self.env["kam.assignment.line"].sudo().create(lines)
        self.write(
            {
                "state": "proposed",
                "total_current_fit": problem.current_total,
                "total_proposed_fit": result.total_fit,
                "fit_gain": result.total_fit - problem.current_total,
                "change_count": sum(1 for line in lines if line["is_change"]),
                "unassigned_count": len(unassigned),
                "capacity_total": places,
                "message": "\n".join(notes) or False,
            }
        )
        return self._reopen()

    def _assignment_message(self, err):
        messages = {
            "weights_all_zero": self.env._(
                "The weights of the competencies needed are all zero."
            ),
            "negative_weight": self.env._("A competency weight cannot be negative."),
            "rating_out_of_range": self.env._(
                "Competency ratings must be between 1 and 5."
            ),
        }
        return messages.get(
            err.code,
            self.env._("The assignment cannot be computed (%(code)s).", code=err.code),
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Assign Key Accounts"),
        }

    def action_back(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.write({"state": "draft", "message": False})
        return self._reopen()

    # ------------------------------------------------------------------
    # Apply
    # ------------------------------------------------------------------
    def action_apply(self):
        self.ensure_one()
        self._check_director()
        lines = self.line_ids.filtered(
            lambda line: line.selected and line.is_change and line.proposed_kam_id
        )
        if not lines:
            raise UserError(self.env._("Tick the changes to apply."))
        moved = lines.filtered(
            lambda line: line.account_id.kam_user_id != line.current_kam_id
        )
        if moved:
            raise UserError(
                self.env._(
                    "The KAM of %(accounts)s changed since the proposal: propose "
                    "again. Nothing was changed.",
                    accounts=_names(moved.account_id),
                )
            )
        by_kam = defaultdict(lambda: self.env["kam.account"])
        for line in lines:
            by_kam[line.proposed_kam_id] |= line.account_id
        # One write per new KAM; tracking records each change in the
        # account's chatter. A failing write rolls everything back.
        for kam, accounts in by_kam.items():
            accounts.write({"kam_user_id": kam.id})
        over = self.env["kam.workload.report"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("kam_user_id", "in", lines.proposed_kam_id.ids),
                ("over_capacity", "=", True),
            ]
        )
        message = (
            self.env._(
                "%(account)s has a new KAM.", account=lines.account_id.display_name
            )
            if len(lines) == 1
            else self.env._("%(count)s key accounts have a new KAM.", count=len(lines))
        )
        if over:
            message += " " + self.env._(
                "Above the recommended %(max)s key accounts: %(kams)s.",
                max=self.company_id.kam_max_accounts_per_kam,
                kams=_names(over.kam_user_id),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if over else "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
