/**
 * Geometry of the relationship map's layout (static/src/relationship_map/
 * relationship_layout.js, a module without Odoo imports): no link crosses a
 * person or a label other than its own two ends, and the same data always
 * gives the same picture.
 *
 *     node --test kam_management/static/tests/
 *
 * (run by tests/test_relationship_layout_js.py in the Python suite).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
    CARD_WIDTH,
    PERSON_LABEL,
    PERSON_SIZE,
    TEAM_LABEL,
    layoutGraph,
} from "../src/relationship_map/relationship_layout.js";

const ROLES = {
    dm: { name: "Decision Maker", color: 1 },
    buyer: { name: "Buyer", color: 2 },
    influencer: { name: "Influencer", color: 3 },
    initiator: { name: "Initiator", color: 4 },
    gatekeeper: { name: "Gatekeeper", color: 5 },
    user: { name: "User", color: 6 },
};

function contact(resId, name, values = {}) {
    const roles = (values.roles || ["user"]).map((r) => ROLES[r]);
    return {
        id: `role-${resId}`,
        kind: "contact",
        res_id: resId,
        name,
        function: values.function || "",
        attitude: values.attitude || "neutral",
        influence: values.influence || "medium",
        strength: values.strength || 1,
        roles,
        is_decision_maker: roles.includes(ROLES.dm),
        weak_decision_maker: roles.includes(ROLES.dm) && (values.strength || 1) < 3,
        manager_id: values.manager ? `role-${values.manager}` : false,
        owner: values.owner ? `user-${values.owner}` : "",
    };
}

function graphOf(contacts, users) {
    const edges = [];
    for (const c of contacts) {
        if (c.manager_id) {
            edges.push({ type: "reports_to", source: c.id, target: c.manager_id });
        }
        if (c.owner) {
            edges.push({ type: "owner", source: c.owner, target: c.id, strength: c.strength });
        }
    }
    const people = users.map(([resId, name, fn]) => ({
        id: `user-${resId}`,
        kind: "user",
        res_id: resId,
        name,
        function: fn,
        owned: contacts.filter((c) => c.owner === `user-${resId}`).length,
    }));
    return { nodes: [...contacts, ...people], edges, legend: { strong: 3 } };
}

/** The demo's Iberia buying centre: Marc owns people on every level. */
function demoGraph() {
    const contacts = [
        contact(1, "Carmen Ortega", {
            roles: ["dm", "buyer"],
            influence: "high",
            strength: 4,
            owner: 6,
            manager: 5,
            function: "Purchasing Director",
        }),
        contact(2, "Javier Molina", {
            roles: ["influencer", "initiator"],
            influence: "high",
            strength: 5,
            owner: 2,
            manager: 1,
            function: "Category Manager",
        }),
        contact(3, "Lucía Fernández", {
            roles: ["gatekeeper"],
            influence: "low",
            strength: 3,
            owner: 6,
            manager: 1,
            function: "Assistant to the Purchasing Director",
        }),
        contact(4, "Pablo Sanz", { strength: 2, owner: 6, manager: 2 }),
        contact(5, "Álvaro Castillo", {
            roles: ["dm"],
            influence: "high",
            strength: 2,
            owner: 6,
            function: "General Manager",
        }),
        contact(6, "Isabel Navarro", {
            roles: ["influencer"],
            influence: "high",
            strength: 2,
            owner: 2,
            manager: 5,
        }),
        contact(7, "Diego Romero", { strength: 4, owner: 9, manager: 5 }),
        contact(8, "Sofía Herrera", { influence: "low", strength: 1, owner: 9, manager: 7 }),
    ];
    return graphOf(contacts, [
        [6, "Marc Demo", "Key Account Manager"],
        [9, "Laura Vidal", "Logistics"],
        [2, "Mitchell Admin", "Relationship owner"],
    ]);
}

/** A reproducible pseudo-random buying centre (no Math.random). */
function randomGraph(seed, size, peopleCount) {
    let state = seed;
    const next = () => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
    };
    const pick = (list) => list[Math.floor(next() * list.length)];
    const contacts = [];
    for (let i = 1; i <= size; i++) {
        const roles = [pick(Object.keys(ROLES))];
        if (next() < 0.4) {
            roles.push(pick(Object.keys(ROLES).filter((r) => r !== roles[0])));
        }
        contacts.push(
            contact(i, `Contact ${String.fromCharCode(64 + (i % 26) + 1)} ${i}`, {
                roles,
                influence: pick(["high", "medium", "low"]),
                strength: 1 + Math.floor(next() * 5),
                owner: next() < 0.9 ? 100 + Math.floor(next() * peopleCount) : false,
                // Mostly a tree, with a few people on their own.
                manager: i > 1 && next() < 0.85 ? 1 + Math.floor(next() * (i - 1)) : false,
            })
        );
    }
    const users = [];
    for (let u = 0; u < peopleCount; u++) {
        users.push([100 + u, `Colleague ${u}`, "Relationship owner"]);
    }
    return graphOf(contacts, users);
}

/** What is drawn of each node, as the template draws it. */
function obstacles(layout) {
    const result = [];
    for (const n of layout.contacts) {
        const ring = n.weak_decision_maker ? n.radius + 8 + 1.5 : n.radius + 1.5;
        result.push({ node: n.id, what: "circle", cx: n.x, cy: n.y, r: ring });
        result.push({
            node: n.id,
            what: "label",
            x1: n.x - CARD_WIDTH / 2,
            y1: n.y + n.radius + 4,
            x2: n.x + CARD_WIDTH / 2,
            y2: n.y + n.strengthY + 10,
        });
    }
    for (const p of layout.people) {
        const half = PERSON_SIZE / 2;
        result.push({ node: p.id, what: "box", x1: p.x - half, y1: p.y - half, x2: p.x + half, y2: p.y + half });
        result.push({
            node: p.id,
            what: "label",
            x1: p.x - PERSON_LABEL.width / 2,
            y1: p.y + half + PERSON_LABEL.top,
            x2: p.x + PERSON_LABEL.width / 2,
            y2: p.y + half + PERSON_LABEL.top + PERSON_LABEL.height,
        });
    }
    return result;
}

function segmentHitsRect(a, b, r, margin) {
    // Liang-Barsky clipping against the rectangle grown by the margin.
    const [x1, y1, x2, y2] = [r.x1 - margin, r.y1 - margin, r.x2 + margin, r.y2 + margin];
    let t0 = 0;
    let t1 = 1;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    for (const [p, q] of [
        [-dx, a.x - x1],
        [dx, x2 - a.x],
        [-dy, a.y - y1],
        [dy, y2 - a.y],
    ]) {
        if (p === 0) {
            if (q < 0) {
                return false;
            }
        } else {
            const t = q / p;
            if (p < 0) {
                t0 = Math.max(t0, t);
            } else {
                t1 = Math.min(t1, t);
            }
            if (t0 > t1) {
                return false;
            }
        }
    }
    return true;
}

function segmentHitsCircle(a, b, c, margin) {
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = dx * dx + dy * dy;
    const t = len ? Math.max(0, Math.min(1, ((c.cx - a.x) * dx + (c.cy - a.y) * dy) / len)) : 0;
    return Math.hypot(a.x + t * dx - c.cx, a.y + t * dy - c.cy) < c.r + margin;
}

/** Every crossing of a link with a node or label not at one of its ends. */
function collisions(layout, margin = 2) {
    const found = [];
    const things = obstacles(layout);
    // The band's title, which the links leaving our people climb past.
    things.push({
        node: "team-label",
        what: "label",
        x1: TEAM_LABEL.x,
        y1: layout.bandTop + TEAM_LABEL.top,
        x2: TEAM_LABEL.x + layout.teamLabelWidth,
        y2: layout.bandTop + TEAM_LABEL.top + TEAM_LABEL.height,
    });
    for (const edge of layout.edges) {
        const own = new Set([edge.source, edge.target]);
        for (let i = 0; i < edge.points.length - 1; i++) {
            const [a, b] = [edge.points[i], edge.points[i + 1]];
            for (const thing of things) {
                if (own.has(thing.node)) {
                    continue;
                }
                const hit =
                    thing.what === "circle"
                        ? segmentHitsCircle(a, b, thing, margin)
                        : segmentHitsRect(a, b, thing, margin);
                if (hit) {
                    found.push(`${edge.key} segment ${i} crosses the ${thing.what} of ${thing.node}`);
                }
            }
        }
    }
    return found;
}

function checkShape(layout, graph) {
    const drawn = graph.edges.filter((e) => e.type === "owner" || e.type === "reports_to");
    assert.equal(layout.edges.length, drawn.length, "every link is drawn");
    const byId = new Map([...layout.contacts, ...layout.people].map((n) => [n.id, n]));
    for (const edge of layout.edges) {
        assert.ok(edge.points.length >= 2, edge.key);
        for (let i = 0; i < edge.points.length - 1; i++) {
            const [a, b] = [edge.points[i], edge.points[i + 1]];
            assert.ok(a.x === b.x || a.y === b.y, `${edge.key}: orthogonal`);
            for (const p of [a, b]) {
                assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y), `${edge.key}: finite`);
                assert.ok(p.x >= 0 && p.x <= layout.width, `${edge.key}: inside the width`);
                assert.ok(p.y >= 0 && p.y <= layout.height, `${edge.key}: inside the height`);
            }
        }
        // The link ends at its two nodes: under the contact's card for an
        // ownership, on top of our person's box.
        const first = edge.points[0];
        const last = edge.points[edge.points.length - 1];
        if (edge.type === "owner") {
            const person = byId.get(edge.source);
            const target = byId.get(edge.target);
            assert.ok(Math.abs(first.x - person.x) <= PERSON_SIZE / 2, `${edge.key} leaves its person`);
            assert.ok(Math.abs(first.y - (person.y - PERSON_SIZE / 2)) <= 6, edge.key);
            assert.ok(Math.abs(last.x - target.x) <= CARD_WIDTH / 2, `${edge.key} reaches its contact`);
            assert.ok(Math.abs(last.y - (target.y + target.strengthY + 10)) <= 6, edge.key);
        } else {
            const manager = byId.get(edge.target);
            const report = byId.get(edge.source);
            assert.ok(Math.abs(first.x - manager.x) < 0.05, `${edge.key} leaves the manager`);
            assert.ok(Math.abs(last.x - report.x) < 0.05, `${edge.key} reaches the report`);
        }
    }
}

describe("relationship map layout", () => {
    it("routes the demo's links around people and labels", () => {
        const graph = demoGraph();
        const layout = layoutGraph(graph, { teamLabel: "Our team" });
        checkShape(layout, graph);
        assert.deepEqual(collisions(layout), []);
        // Our people below every contact.
        const lowest = Math.max(...layout.contacts.map((n) => n.y + n.strengthY + 10));
        for (const person of layout.people) {
            assert.ok(person.y - PERSON_SIZE / 2 > lowest, person.name);
        }
        // Four levels: Álvaro, his three reports, Carmen's and Diego's, Pablo.
        const levels = new Set(layout.contacts.map((n) => n.y));
        assert.equal(levels.size, 4);
    });

    it("keeps the links clear with a long title of our band", () => {
        const graph = demoGraph();
        const layout = layoutGraph(graph, { teamLabel: "Nuestro equipo de cuenta clave" });
        assert.deepEqual(collisions(layout), []);
    });

    it("routes the old layout's bad cases: links to far contacts", () => {
        // The old curves went straight from Marc to Carmen through Javier's
        // circle: a link's straight line crosses other nodes here.
        const layout = layoutGraph(demoGraph(), { teamLabel: "Our team" });
        const marc = layout.people.find((p) => p.name === "Marc Demo");
        const carmen = layout.contacts.find((n) => n.name === "Carmen Ortega");
        const straight = {
            key: "straight",
            source: marc.id,
            target: carmen.id,
            points: [
                { x: marc.x, y: marc.y - PERSON_SIZE / 2 },
                { x: carmen.x, y: carmen.y + carmen.strengthY + 10 },
            ],
        };
        // The check itself sees what the old drawing did wrong.
        assert.notDeepEqual(collisions({ ...layout, edges: [straight] }), []);
        const routed = layout.edges.find((e) => e.key === `owner-${marc.id}-${carmen.id}`);
        assert.ok(routed);
        assert.deepEqual(collisions({ ...layout, edges: [routed] }), []);
    });

    it("routes larger buying centres without a crossing", () => {
        for (const [seed, size, people] of [
            [1, 12, 3],
            [7, 20, 4],
            [42, 30, 6],
            [2024, 45, 8],
            [5, 8, 1],
            [99, 3, 5],
        ]) {
            const graph = randomGraph(seed, size, people);
            const layout = layoutGraph(graph, { teamLabel: "Our team" });
            checkShape(layout, graph);
            assert.deepEqual(collisions(layout), [], `seed ${seed}`);
        }
    });

    it("routes a sweep of buying centres of every size", () => {
        for (let seed = 1; seed <= 150; seed++) {
            const graph = randomGraph(seed, 2 + (seed % 40), 1 + (seed % 9));
            const layout = layoutGraph(graph, {
                teamLabel: seed % 2 ? "Our team" : "Nuestro equipo",
            });
            checkShape(layout, graph);
            assert.deepEqual(collisions(layout), [], `seed ${seed}`);
        }
    });

    it("draws the map again after a change of the org chart", () => {
        // Lucía moves under Diego (as the tour does with a drag).
        const graph = demoGraph();
        const lucia = graph.nodes.find((n) => n.name === "Lucía Fernández");
        lucia.manager_id = "role-7";
        const edge = graph.edges.find((e) => e.type === "reports_to" && e.source === lucia.id);
        edge.target = "role-7";
        const layout = layoutGraph(graph, { teamLabel: "Our team" });
        checkShape(layout, graph);
        assert.deepEqual(collisions(layout), []);
    });

    it("routes reporting lines of data the tree cannot hold", () => {
        // A cycle (the model refuses them, the layout copes) and a manager
        // missing from the map.
        const graph = graphOf(
            [
                contact(1, "Ana", { manager: 2, owner: 10 }),
                contact(2, "Bea", { manager: 1, owner: 10 }),
                contact(3, "Cris", { manager: 2, owner: 11, roles: ["dm"] }),
                contact(4, "Dani", { manager: 99, owner: 11 }),
            ],
            [
                [10, "Our One", "Key Account Manager"],
                [11, "Our Two", "Logistics"],
            ]
        );
        graph.edges = graph.edges.filter((e) => e.target !== "role-99");
        const layout = layoutGraph(graph, { teamLabel: "Our team" });
        checkShape(layout, graph);
        assert.deepEqual(collisions(layout), []);
    });

    it("gives the same picture for the same data", () => {
        for (const make of [demoGraph, () => randomGraph(42, 30, 6)]) {
            const first = layoutGraph(make(), { teamLabel: "Our team" });
            const second = layoutGraph(make(), { teamLabel: "Our team" });
            assert.deepEqual(second, first);
            // Whatever order the server sends the contacts and links in.
            const shuffled = make();
            const contacts = shuffled.nodes.filter((n) => n.kind === "contact").reverse();
            const people = shuffled.nodes.filter((n) => n.kind === "user");
            shuffled.nodes = [...people, ...contacts];
            shuffled.edges.reverse();
            const third = layoutGraph(shuffled, { teamLabel: "Our team" });
            assert.deepEqual(third.edges, first.edges);
            assert.deepEqual(third.contacts, first.contacts);
        }
    });

    it("lays out an empty buying centre", () => {
        const graph = graphOf([], [[1, "Our One", "Key Account Manager"]]);
        const layout = layoutGraph(graph, { teamLabel: "Our team" });
        assert.equal(layout.edges.length, 0);
        assert.equal(layout.people.length, 1);
        assert.ok(layout.height > layout.bandTop);
    });
});
