"""The data of the matrix dashboard (an OWL client action), in one call.

The dashboard plots the key accounts of one company on the account analysis
matrix (supplier position across, account potential up), with the company's
quadrant thresholds, and lists the portfolio per quadrant and ABC class and
the accounts with the lowest health. Everything is read with the user's own
rights (a KAM sees their accounts only) in a few set-based reads whose number
does not depend on the number of accounts.
"""

from odoo import api, models
from odoo.exceptions import UserError

# The filters the dashboard understands.
DASHBOARD_FILTERS = ("company_id", "kam_user_id", "tier")
# How many accounts the "lowest health" list shows.
LOWEST_HEALTH_LIMIT = 5
# Quadrants in the matrix's reading order, and the ABC classes.
QUADRANT_ORDER = ("invest", "selective", "maintain", "milk")
CLASS_ORDER = ("a", "b", "c")
POINT_FIELDS = (
    "partner_id",
    "kam_user_id",
    "tier",
    "pareto_class",
    "quadrant",
    "quadrant_locked",
    "potential_score",
    "position_score",
    "revenue",
    "health_score",
    "health_light",
)


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class KamAccount(models.Model):
    _inherit = "kam.account"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------
    @api.model
    def _kam_dashboard_filters(self, filters):
        """Check the dashboard's filters; return (company, domain, applied).

        :raise UserError: on an unknown filter, a value of the wrong type, a
            company the user may not work for or an unknown tier
        """
        filters = filters or {}
        if not isinstance(filters, dict):
            raise UserError(self.env._("The dashboard filters must be a mapping."))
        unknown = sorted(str(key) for key in set(filters) - set(DASHBOARD_FILTERS))
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown dashboard filter: %(names)s.", names=", ".join(unknown)
                )
            )
        company_id = filters.get("company_id") or self.env.company.id
        if not _is_id(company_id):
            raise UserError(
                self.env._(
                    "The company of the dashboard must be given by its id (got "
                    "%(value)s).",
                    value=repr(company_id),
                )
            )
        company = self.env.user.company_ids.filtered(lambda c: c.id == company_id)
        if not company:
            raise UserError(
                self.env._(
                    "You cannot see the key accounts of this company: it is not "
                    "one of your companies."
                )
            )
        kam_user_id = filters.get("kam_user_id") or False
        if kam_user_id and not _is_id(kam_user_id):
            raise UserError(
                self.env._(
                    "The KAM of the dashboard must be given by its id (got %(value)s).",
                    value=repr(kam_user_id),
                )
            )
        tier = filters.get("tier") or False
        tiers = dict(self._fields["tier"]._description_selection(self.env))
        if tier and (not isinstance(tier, str) or tier not in tiers):
            raise UserError(
                self.env._(
                    "Unknown tier %(value)s: use one of %(tiers)s.",
                    value=repr(tier),
                    tiers=", ".join(tiers.values()),
                )
            )
        domain = [("company_id", "=", company.id), ("is_key_account", "=", True)]
        if kam_user_id:
            domain.append(("kam_user_id", "=", kam_user_id))
        if tier:
            domain.append(("tier", "=", tier))
        applied = {"company_id": company.id, "kam_user_id": kam_user_id, "tier": tier}
        return company, domain, applied

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    @api.model
    def kam_matrix_dashboard_data(self, filters=None):
        """Everything the matrix dashboard shows, as JSON-ready values.

        ``filters``: ``{"company_id": id, "kam_user_id": id or False,
        "tier": key or False}``; the company defaults to the current one.
        Read with the caller's rights: record rules decide which key accounts
        appear.
        """
        company, domain, applied = self._kam_dashboard_filters(filters)
        # The company was checked above against the user's companies; the
        # record rules then apply to it like to any company in the switcher.
        accounts = self.with_company(company)
        # Many2ones as ids (load=None): the display name of 1,000 partners
        # costs far more than their names.
        rows = accounts.search_read(
            domain, list(POINT_FIELDS), order="revenue desc", load=None
        )
        # sudo: names of the customers and KAMs of the accounts read above
        # with the user's rights, as Odoo's own read gives a many2one's name.
        partner_names = {
            partner.id: partner.name
            for partner in self.env["res.partner"]
            .sudo()
            .browse(list({row["partner_id"] for row in rows}))
        }
        kam_names = {
            user.id: user.name
            for user in self.env["res.users"]
            .sudo()
            .browse(list({row["kam_user_id"] for row in rows if row["kam_user_id"]}))
        }

        selection = self._fields["quadrant"]._description_selection(self.env)
        quadrant_labels = dict(selection)
        class_labels = dict(
            self._fields["pareto_class"]._description_selection(self.env)
        )
        light_labels = dict(
            self._fields["health_light"]._description_selection(self.env)
        )
        tier_labels = dict(self._fields["tier"]._description_selection(self.env))
        strategies = self._strategy_texts()

        points = []
        for row in rows:
            if not row["quadrant"]:
                continue  # not assessed: no position, no place on the matrix
            points.append(
                {
                    "id": row["id"],
                    "name": partner_names[row["partner_id"]],
                    "potential": row["potential_score"],
                    "position": row["position_score"],
                    "revenue": row["revenue"],
                    "quadrant": row["quadrant"],
                    "locked": row["quadrant_locked"],
                    "pareto_class": row["pareto_class"] or False,
                    "kam": kam_names.get(row["kam_user_id"], False),
                    "tier": tier_labels.get(row["tier"], False),
                }
            )
        healthy = [row for row in rows if row["health_light"]]
        healthy.sort(key=lambda row: (row["health_score"], row["id"]))
        lowest = [
            {
                "id": row["id"],
                "name": partner_names[row["partner_id"]],
                "health": row["health_score"],
                "light": row["health_light"],
                "light_label": light_labels.get(row["health_light"], ""),
                "kam": kam_names.get(row["kam_user_id"], False),
            }
            for row in healthy[:LOWEST_HEALTH_LIMIT]
        ]

        by_quadrant = dict.fromkeys((*QUADRANT_ORDER, False), (0, 0.0))
        for quadrant, count, revenue in accounts._read_group(
            domain, ["quadrant"], ["__count", "revenue:sum"]
        ):
            by_quadrant[quadrant] = (count, revenue or 0.0)
        by_class = dict.fromkeys((*CLASS_ORDER, False), (0, 0.0))
        for pareto_class, count, revenue in accounts._read_group(
            domain, ["pareto_class"], ["__count", "revenue:sum"]
        ):
            by_class[pareto_class] = (count, revenue or 0.0)

        # The KAMs of the company's key accounts the user can see, for the
        # KAM filter (whatever the KAM and tier chosen).
        kams = accounts._read_group(
            [("company_id", "=", company.id), ("is_key_account", "=", True)],
            ["kam_user_id"],
        )
        return {
            "filters": applied,
            "options": {
                "companies": [
                    {"id": c.id, "name": c.name}
                    for c in self.env.user.company_ids.sorted("name")
                ],
                "kams": sorted(
                    ({"id": user.id, "name": user.name} for (user,) in kams if user),
                    key=lambda kam: kam["name"].lower(),
                ),
                "tiers": [
                    {"id": key, "name": label} for key, label in tier_labels.items()
                ],
            },
            "company": {"id": company.id, "name": company.name},
            "currency_id": company.currency_id.id,
            "thresholds": {
                "potential": company.kam_potential_threshold,
                "position": company.kam_position_threshold,
            },
            "points": points,
            "quadrants": [
                {
                    "key": key,
                    "label": quadrant_labels[key],
                    "strategy": strategies[key],
                    "count": by_quadrant[key][0],
                    "revenue": by_quadrant[key][1],
                }
                for key in QUADRANT_ORDER
            ],
            "not_assessed": by_quadrant[False][0],
            "classes": [
                {
                    "key": key,
                    "label": class_labels[key],
                    "count": by_class[key][0],
                    "revenue": by_class[key][1],
                }
                for key in CLASS_ORDER
            ],
            "unclassified": by_class[False][0],
            "total": len(rows),
            "total_revenue": sum(row["revenue"] for row in rows),
            "lowest_health": lowest,
            "no_health": len(rows) - len(healthy),
        }
