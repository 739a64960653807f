import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { layoutGraph, PERSON_SIZE } from "./relationship_layout";

/**
 * A number as the user's language writes it (decimal point, thousands):
 * `digits` decimals, or as many as it has (up to 2) when not given.
 */
export function formatNumber(value, digits) {
    return formatFloat(Number(value) || 0, {
        digits: [false, digits ?? 2],
        trailingZeros: digits !== undefined,
    });
}

/**
 * The relationship map of a key account: the customer's people (colour by
 * attitude, size by influence, role badges), our people, who reports to whom
 * and who owns each relationship (thicker is stronger). Decision makers
 * without a strong relationship wear a red ring.
 */
export class RelationshipMap extends Component {
    static template = "kam_management.RelationshipMap";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.personSize = PERSON_SIZE;
        this.state = useState({ graph: null, layout: null, hovered: null });
        this.names = {};
        const { action } = this.props;
        this.accountId = action.params?.account_id || action.context?.active_id || false;
        onWillStart(() => this.load());
    }

    async load() {
        if (!this.accountId) {
            return;
        }
        const graph = await this.orm.call("kam.account", "get_relationship_graph", [
            [this.accountId],
        ]);
        this.names = Object.fromEntries(graph.nodes.map((n) => [n.id, n.name]));
        this.state.graph = graph;
        this.state.layout = layoutGraph(graph, { teamLabel: this.texts.ourTeam });
    }

    get summaryCards() {
        const summary = this.state.graph.summary;
        return [
            { key: "contacts", label: _t("Contacts"), value: formatNumber(summary.contacts) },
            {
                key: "decision_makers",
                label: _t("Decision makers"),
                value: formatNumber(summary.decision_makers),
            },
            {
                key: "strong",
                label: _t("Strong relationships (3-5)"),
                value: formatNumber(summary.strong),
            },
            {
                key: "weak_decision_makers",
                label: _t("Decision makers without a strong relationship"),
                value: formatNumber(summary.weak_decision_makers),
                alert: summary.weak_decision_makers > 0,
            },
            {
                key: "average_strength",
                label: _t("Average strength (1-5)"),
                value: formatNumber(summary.average_strength, 1),
            },
        ];
    }

    get texts() {
        const strong = this.state.graph ? formatNumber(this.state.graph.legend.strong) : "";
        return {
            ourTeam: _t("Our team"),
            reportsTo: _t("Reports to"),
            owner: _t("Owns the relationship (thicker: stronger)"),
            weakLink: _t("Weak relationship (1-2)"),
            weakDm: _t("Decision maker without a strong relationship (strength below %s)", strong),
            empty: _t("No contact in this buying centre yet."),
        };
    }

    contactTitle(node) {
        // Not nested in the other _t call: the exporter would miss it.
        const nobody = _t("nobody");
        const lines = [
            node.function ? `${node.name} · ${node.function}` : node.name,
            _t("Influence: %(influence)s · Attitude: %(attitude)s", {
                influence: node.influence_label,
                attitude: node.attitude_label,
            }),
            _t("Relationship strength: %(strength)s/5 · Owner: %(owner)s", {
                strength: formatNumber(node.strength),
                owner: node.owner || nobody,
            }),
        ];
        if (node.roles.length) {
            lines.push(node.roles.map((r) => r.name).join(", "));
        }
        if (node.weak_decision_maker) {
            lines.push(this.texts.weakDm);
        }
        if (node.interaction_overdue) {
            lines.push(_t("No recent interaction"));
        }
        return lines.join("\n");
    }

    personTitle(node) {
        const owned = _t("Owns %s relationship(s)", formatNumber(node.owned));
        return [node.name, node.function, owned].filter(Boolean).join("\n");
    }

    /** Who owns which relationship, who reports to whom: said in words. */
    edgeTitle(edge) {
        const names = this.names;
        if (edge.type === "owner") {
            return _t("%(owner)s owns the relationship with %(contact)s (strength %(strength)s/5)", {
                owner: names[edge.source] || "",
                contact: names[edge.target] || "",
                strength: formatNumber(edge.strength),
            });
        }
        return _t("%(contact)s reports to %(manager)s", {
            contact: names[edge.source] || "",
            manager: names[edge.target] || "",
        });
    }

    isDimmed(edge) {
        const hovered = this.state.hovered;
        return Boolean(hovered) && edge.source !== hovered && edge.target !== hovered;
    }

    isHighlighted(edge) {
        const hovered = this.state.hovered;
        return Boolean(hovered) && (edge.source === hovered || edge.target === hovered);
    }

    strengthDots(node) {
        return [1, 2, 3, 4, 5].map((value) => ({ value, on: value <= node.strength }));
    }

    onHover(nodeId) {
        this.state.hovered = nodeId;
    }

    openContact(node) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "kam.buying.role",
            res_id: node.res_id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    onContactKeydown(ev, node) {
        if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            this.openContact(node);
        }
    }

    async openOrgChart() {
        const action = await this.orm.call("kam.account", "action_view_org_chart", [
            [this.accountId],
        ]);
        this.actionService.doAction(action);
    }

    async openBuyingCentre() {
        const action = await this.orm.call("kam.account", "action_view_buying_centre", [
            [this.accountId],
        ]);
        this.actionService.doAction(action);
    }
}

registry.category("actions").add("kam_relationship_map", RelationshipMap);
