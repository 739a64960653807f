import { registry } from "@web/core/registry";

const MAP = ".o_kam_rmap_svg";

/**
 * Where the links of the map, as drawn, run over a person or a label that is
 * not at one of their ends (every 3px along each link, in screen pixels).
 */
function linksOverNodes() {
    const inside = (p, r) =>
        p.x > r.left + 1 && p.x < r.right - 1 && p.y > r.top + 1 && p.y < r.bottom - 1;
    const obstacles = [];
    for (const node of document.querySelectorAll(`${MAP} .o_kam_rmap_node`)) {
        const parts = node.querySelectorAll(
            ".o_kam_rmap_disc, .o_kam_rmap_card_bg, .o_kam_rmap_person_box, text"
        );
        for (const part of parts) {
            obstacles.push({ id: node.dataset.nodeId, name: node.dataset.name, rect: part.getBoundingClientRect() });
        }
    }
    for (const label of document.querySelectorAll(`${MAP} .o_kam_rmap_side_label`)) {
        obstacles.push({ id: null, name: label.textContent, rect: label.getBoundingClientRect() });
    }
    const found = [];
    for (const path of document.querySelectorAll(`${MAP} .o_kam_rmap_edge`)) {
        const ends = [path.dataset.source, path.dataset.target];
        const matrix = path.getScreenCTM();
        const length = path.getTotalLength();
        for (let at = 0; at <= length; at += 3) {
            const p = path.getPointAtLength(at).matrixTransform(matrix);
            const hit = obstacles.find((o) => !ends.includes(o.id) && inside(p, o.rect));
            if (hit) {
                found.push(`${ends.join(" → ")} over ${hit.name}`);
                break;
            }
        }
    }
    return found;
}

registry.category("web_tour.tours").add("kam_management_relationship_graph_tour", {
    steps: () => [
        {
            content: "The key account opens its relationship map",
            trigger: ".o_form_view .o-form-buttonbox button[name=action_open_relationship_map]",
            run: "click",
        },
        {
            content: "The customer's people are drawn, with the reporting lines",
            trigger: `${MAP} .o_kam_rmap_contact[data-name='Carmen Ortega']`,
            run() {
                const contacts = document.querySelectorAll(`${MAP} .o_kam_rmap_contact`);
                const shown = document.querySelector(".o_kam_rmap_card_contacts .o_kam_rmap_card_value");
                if (contacts.length < 8 || String(contacts.length) !== shown.textContent.trim()) {
                    throw new Error(`${contacts.length} contacts drawn, ${shown.textContent} counted`);
                }
                for (const type of ["reports_to", "owner"]) {
                    if (!document.querySelector(`${MAP} .o_kam_rmap_edge_${type}`)) {
                        throw new Error(`No ${type} link on the map`);
                    }
                }
            },
        },
        {
            content: "Our people are on the map too",
            trigger: `${MAP} .o_kam_rmap_person[data-name='Marc Demo']`,
        },
        {
            content: "The links go round the people and their labels",
            trigger: `${MAP} .o_kam_rmap_edge_owner[data-source^='user-'][data-target]`,
            run() {
                const found = linksOverNodes();
                if (found.length) {
                    throw new Error(`Links drawn over people: ${found.join("; ")}`);
                }
                const title = document.querySelector(
                    `${MAP} .o_kam_rmap_edge_owner[data-target] title`
                );
                if (!/ owns the relationship with /.test(title.textContent)) {
                    throw new Error(`An ownership link says "${title.textContent}"`);
                }
            },
        },
        {
            content: "The decision maker without a strong relationship wears the red ring",
            trigger: `${MAP} .o_kam_rmap_weak_dm[data-name='Álvaro Castillo'] .o_kam_rmap_alert_ring`,
            run() {
                const weak = document.querySelectorAll(`${MAP} .o_kam_rmap_weak_dm`);
                if (weak.length !== 1) {
                    throw new Error(`${weak.length} decision makers highlighted instead of 1`);
                }
            },
        },
        {
            content: "The well covered decision maker does not",
            trigger: `${MAP} .o_kam_rmap_dm[data-name='Carmen Ortega']:not(.o_kam_rmap_weak_dm)`,
        },
        {
            content: "The legend explains the ring",
            trigger: ".o_kam_rmap_legend .o_kam_rmap_legend_weak_dm:contains('without a strong relationship')",
        },
        {
            content: "Click the general manager",
            trigger: `${MAP} .o_kam_rmap_contact[data-name='Álvaro Castillo']`,
            // Focused first, as the pointer would: the test helper of 19.0
            // cannot focus an SVG element itself (it calls the HTML one's).
            run(helpers) {
                this.anchor.focus();
                return helpers.click();
            },
        },
        {
            content: "His buying role opens",
            trigger: ".o_form_view .o_breadcrumb:contains('Álvaro Castillo')",
        },
        {
            content: "Back to the map",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Relationship Map')",
            run: "click",
        },
        {
            content: "Open the org chart",
            trigger: ".o_kam_rmap_org_chart",
            run: "click",
        },
        {
            content: "The org chart starts at the top of the organisation",
            trigger: ".o_hierarchy_view .o_hierarchy_node:contains('Álvaro Castillo') .o_kam_org_weak_dm",
        },
        {
            content: "With his direct reports",
            trigger: ".o_hierarchy_view .o_hierarchy_node:contains('Carmen Ortega') .o_kam_attitude_supporter",
        },
        {
            content: "Unfold Carmen's team",
            trigger: ".o_hierarchy_node_container:contains('Carmen Ortega') button[name=hierarchy_search_subsidiaries]",
            run: "click",
        },
        {
            content: "Her reports appear",
            trigger: ".o_hierarchy_view .o_hierarchy_node:contains('Javier Molina')",
        },
        {
            content: "Drag Carmen onto Javier, who reports to her",
            trigger: ".o_hierarchy_node_container:contains('Carmen Ortega') .o_hierarchy_node",
            run: "drag_and_drop .o_hierarchy_node_container:contains('Javier Molina') .o_hierarchy_node",
        },
        {
            content: "Refused with the form's message",
            trigger: ".modal .modal-body:contains('go round in a circle')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button",
            run: "click",
        },
        {
            content: "Drag Lucía onto Diego",
            trigger: ".o_hierarchy_node_container:contains('Lucía Fernández') .o_hierarchy_node",
            run: "drag_and_drop .o_hierarchy_node_container:contains('Diego Romero') .o_hierarchy_node",
        },
        {
            content: "Diego's team is shown, Lucía in it",
            trigger: ".o_hierarchy_view .o_hierarchy_node:contains('Sofía Herrera')",
        },
    ],
});
