import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { layoutGraph, PERSON_SIZE } from "./relationship_layout";

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
        this.state.graph = graph;
        this.state.layout = layoutGraph(graph);
    }

    get summaryCards() {
        const summary = this.state.graph.summary;
        return [
            { key: "contacts", label: _t("Contacts"), value: summary.contacts },
            {
                key: "decision_makers",
                label: _t("Decision makers"),
                value: summary.decision_makers,
            },
            {
                key: "strong",
                label: _t("Strong relationships (3-5)"),
                value: summary.strong,
            },
            {
                key: "weak_decision_makers",
                label: _t("Decision makers without a strong relationship"),
                value: summary.weak_decision_makers,
                alert: summary.weak_decision_makers > 0,
            },
            {
                key: "average_strength",
                label: _t("Average strength (1-5)"),
                value: summary.average_strength,
            },
        ];
    }

    get texts() {
        return {
            ourTeam: _t("Our team"),
            reportsTo: _t("Reports to"),
            owner: _t("Owns the relationship (thicker: stronger)"),
            weakLink: _t("Weak relationship (1-2)"),
            weakDm: _t("Decision maker without a strong relationship (strength below %s)", this.state.graph.legend.strong),
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
                strength: node.strength,
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
        const owned = _t("Owns %s relationship(s)", node.owned);
        return [node.name, node.function, owned].filter(Boolean).join("\n");
    }

    edgeTitle(edge) {
        if (edge.type === "owner") {
            return _t("Relationship strength: %s/5", edge.strength);
        }
        return this.texts.reportsTo;
    }

    isDimmed(edge) {
        const hovered = this.state.hovered;
        return Boolean(hovered) && edge.source !== hovered && edge.target !== hovered;
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
