"""The buying centre of a key account as a picture: org chart and map.

The org chart is Odoo's own ``hierarchy`` view on the buying roles (reporting
lines); the relationship map is a client action drawing the graph returned by
``get_relationship_graph``: the customer's people, our people, who reports to
whom and who on our side owns each relationship.
"""

from odoo import models

from .kam_account_coverage import STRONG_RELATIONSHIP

# Client action drawing the map (static/src/relationship_map).
MAP_ACTION_TAG = "kam_relationship_map"


def _role_node_id(role_id):
    return f"role-{role_id}"


def _user_node_id(user_id):
    return f"user-{user_id}"


class KamAccount(models.Model):
    # Kept apart from the other extensions on purpose (one file per feature).
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.account"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_relationship_map(self):
        """The relationship map of the account (client action)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.client",
            "tag": MAP_ACTION_TAG,
            "name": self.env._(
                "Relationship Map of %(account)s", account=self.display_name
            ),
            "context": {"active_id": self.id, "active_model": self._name},
            "params": {"account_id": self.id},
        }

    def action_view_org_chart(self):
        """The reporting lines of the account's buying centre, as an org chart."""
        self.ensure_one()
        action = self.action_view_buying_centre()
        hierarchy = self.env.ref("kam_management.view_kam_buying_role_hierarchy")
        action["name"] = self.env._("Org Chart")
        action["display_name"] = self.env._(
            "Org Chart of %(account)s", account=self.display_name
        )
        action["view_mode"] = "hierarchy,kanban,list,form"
        action["views"] = [
            (hierarchy.id, "hierarchy"),
            (False, "kanban"),
            (False, "list"),
            (False, "form"),
        ]
        return action

    # ------------------------------------------------------------------
    # The graph
    # ------------------------------------------------------------------
    def get_relationship_graph(self):
        """Nodes and edges of the account's relationship map.

        Read with the user's rights: an account the user may not read raises
        an ``AccessError``, and the buying roles are the ones their record
        rules let them see. A handful of queries whatever the size of the
        buying centre.

        :return: ``{"account", "warnings", "nodes", "edges", "legend",
            "summary"}``;
            nodes are the contacts (``kind`` ``contact``) and our people
            (``kind`` ``user``: the KAM, the account team and the owners of
            the relationships); edges are ``reports_to`` (contact to their
            manager) and ``owner`` (our person to the contact, with the
            relationship's strength). The model records no "influences whom"
            links: the reporting lines and the ownership are the links.
        """
        self.ensure_one()
        self.check_access("read")
        Role = self.env["kam.buying.role"]
        roles = Role.search([("account_id", "=", self.id)])
        attitudes = dict(Role._fields["attitude"]._description_selection(self.env))
        influences = dict(Role._fields["influence"]._description_selection(self.env))
        functions = dict(
            self.env["kam.team.member"]
            ._fields["function"]
            ._description_selection(self.env)
        )
        role_ids = set(roles.ids)
        nodes, edges = [], []
        for role in roles:
            weak_dm = (
                role.is_decision_maker
                and role.relationship_strength < STRONG_RELATIONSHIP
            )
            nodes.append(
                {
                    "id": _role_node_id(role.id),
                    "kind": "contact",
                    "res_id": role.id,
                    "name": role.partner_id.name or "",
                    "function": role.function or "",
                    "attitude": role.attitude,
                    "attitude_label": attitudes.get(role.attitude, ""),
                    "influence": role.influence,
                    "influence_label": influences.get(role.influence, ""),
                    "strength": role.relationship_strength,
                    "roles": [
                        {"name": dr.name, "color": dr.color or 0}
                        for dr in role.role_ids
                    ],
                    "is_decision_maker": role.is_decision_maker,
                    "is_key_contact": role.is_key_contact,
                    "weak_decision_maker": weak_dm,
                    "interaction_overdue": role.is_key_contact
                    and role.interaction_overdue,
                    "owner": role.owner_id.name or "",
                    "manager_id": (
                        _role_node_id(role.reports_to_id.id)
                        if role.reports_to_id.id in role_ids
                        else False
                    ),
                }
            )
            if role.reports_to_id.id in role_ids:
                edges.append(
                    {
                        "type": "reports_to",
                        "source": _role_node_id(role.id),
                        "target": _role_node_id(role.reports_to_id.id),
                    }
                )
            if role.owner_id:
                edges.append(
                    {
                        "type": "owner",
                        "source": _user_node_id(role.owner_id.id),
                        "target": _role_node_id(role.id),
                        "strength": role.relationship_strength,
                    }
                )
        nodes.extend(self._relationship_graph_people(roles, functions))
        decision_makers = roles.filtered("is_decision_maker")
        strengths = roles.mapped("relationship_strength")
        return {
            "account": {"id": self.id, "name": self.display_name},
            # The gaps the account form warns about, one per line.
            "warnings": (self.coverage_warning or "").splitlines(),
            "nodes": nodes,
            "edges": edges,
            "legend": {
                "attitudes": list(attitudes.items()),
                "influences": list(influences.items()),
                "strong": STRONG_RELATIONSHIP,
            },
            "summary": {
                "contacts": len(roles),
                "decision_makers": len(decision_makers),
                "weak_decision_makers": len(
                    decision_makers.filtered(
                        lambda r: r.relationship_strength < STRONG_RELATIONSHIP
                    )
                ),
                "strong": sum(1 for s in strengths if s >= STRONG_RELATIONSHIP),
                "average_strength": (
                    round(sum(strengths) / len(strengths), 1) if strengths else 0
                ),
            },
        }

    def _relationship_graph_people(self, roles, functions):
        """Our people on the map: the KAM, the account team, the owners."""
        self.ensure_one()
        people = {}

        def add(user, subtitle, rank):
            if not user:
                return
            node = people.get(user.id)
            if node is None or rank < node["rank"]:
                people[user.id] = {
                    "id": _user_node_id(user.id),
                    "kind": "user",
                    "res_id": user.id,
                    "name": user.name or "",
                    "function": subtitle,
                    "rank": rank,
                }

        add(self.kam_user_id, self.env._("Key Account Manager"), 0)
        for member in self.team_member_ids:
            add(member.user_id, functions.get(member.function, ""), 1)
        for owner in roles.owner_id:
            add(owner, self.env._("Relationship owner"), 2)
        owned = {}
        for role in roles:
            owned[role.owner_id.id] = owned.get(role.owner_id.id, 0) + 1
        for node in people.values():
            node["owned"] = owned.get(node["res_id"], 0)
        return sorted(
            people.values(), key=lambda n: (n["rank"], n["name"], n["res_id"])
        )


class KamAccountPlan(models.Model):
    _inherit = "kam.account.plan"

    def action_open_relationship_map(self):
        """The relationship map of the plan's account."""
        self.ensure_one()
        return self.account_id.action_open_relationship_map()

    def action_view_org_chart(self):
        """The org chart of the plan's account."""
        self.ensure_one()
        return self.account_id.action_view_org_chart()
