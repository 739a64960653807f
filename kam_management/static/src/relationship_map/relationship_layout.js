/**
 * Deterministic layered layout of a relationship map.
 *
 * The customer's people are laid out as a tidy tree of their reporting
 * lines (managers above, each leaf its own slot, a manager centred over its
 * reports); our people sit in a band below, each as close as possible to
 * the contacts whose relationship they own. The same data always gives the
 * same picture: every order is fixed (decision makers first, then influence,
 * then name, then id).
 */

export const INFLUENCE_RADIUS = { high: 34, medium: 27, low: 21 };
const INFLUENCE_WEIGHT = { high: 3, medium: 2, low: 1 };

export const SLOT = 200; // horizontal room of one contact
export const LABEL_HEIGHT = 84; // name, function, role badges, strength under a contact
const LAYER = 196; // from one reporting level to the next
const MARGIN = 56;
const TOP = 64; // room for the customer's name above the first level
const PEOPLE_SLOT = 180;
const PEOPLE_GAP = 84; // between the last level of contacts and our band
export const PERSON_SIZE = 52;
const BADGE_CHAR = 6.1; // width of a character of a role badge, in px
const BADGE_PADDING = 14;
const BADGE_HEIGHT = 16;

function compareContacts(a, b) {
    return (
        Number(b.is_decision_maker) - Number(a.is_decision_maker) ||
        (INFLUENCE_WEIGHT[b.influence] || 0) - (INFLUENCE_WEIGHT[a.influence] || 0) ||
        a.name.localeCompare(b.name) ||
        a.res_id - b.res_id
    );
}

export function initials(name) {
    const words = (name || "").split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
    const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
    return letters.map((w) => Array.from(w)[0].toUpperCase()).join("") || "?";
}

export function truncate(text, size) {
    const chars = Array.from(text || "");
    return chars.length > size ? chars.slice(0, size - 1).join("") + "…" : chars.join("");
}

/** Role badges of a contact in rows that fit its slot, centred on 0. */
function layoutBadges(roles) {
    const maxWidth = SLOT - 24;
    const rows = [];
    let row = [];
    let width = 0;
    for (const role of roles) {
        const label = truncate(role.name, 22);
        const w = Math.round(Array.from(label).length * BADGE_CHAR + BADGE_PADDING);
        if (row.length && width + 4 + w > maxWidth) {
            rows.push({ items: row, width });
            row = [];
            width = 0;
        }
        width += (row.length ? 4 : 0) + w;
        row.push({ label, width: w, color: role.color || 0, name: role.name });
    }
    if (row.length) {
        rows.push({ items: row, width });
    }
    const badges = [];
    rows.slice(0, 2).forEach((r, index) => {
        let x = -r.width / 2;
        for (const item of r.items) {
            badges.push({ ...item, x, y: index * (BADGE_HEIGHT + 2) });
            x += item.width + 4;
        }
    });
    return { badges, rows: Math.min(rows.length, 2) };
}

/**
 * @param {Object} graph as returned by kam.account.get_relationship_graph
 * @returns {Object} positioned contacts, people and edges, and the size
 */
export function layoutGraph(graph) {
    const contacts = graph.nodes.filter((n) => n.kind === "contact");
    const people = graph.nodes.filter((n) => n.kind === "user");
    const byId = new Map(contacts.map((n) => [n.id, n]));
    const children = new Map(contacts.map((n) => [n.id, []]));
    const roots = [];
    for (const node of [...contacts].sort(compareContacts)) {
        if (node.manager_id && byId.has(node.manager_id) && node.manager_id !== node.id) {
            children.get(node.manager_id).push(node);
        } else {
            roots.push(node);
        }
    }
    // Trees first (the organisation), then the people with no reporting line.
    const alone = (n) => !children.get(n.id).length;
    roots.sort((a, b) => Number(alone(a)) - Number(alone(b)) || compareContacts(a, b));

    const slotOf = new Map();
    const depthOf = new Map();
    let nextSlot = 0;
    const place = (node, depth) => {
        slotOf.set(node.id, null); // visiting: a cycle stops here
        depthOf.set(node.id, depth);
        const kids = children.get(node.id).filter((k) => !slotOf.has(k.id));
        let slot;
        if (!kids.length) {
            slot = nextSlot++;
        } else {
            const slots = kids.map((k) => place(k, depth + 1));
            slot = (slots[0] + slots[slots.length - 1]) / 2;
        }
        slotOf.set(node.id, slot);
        return slot;
    };
    for (const root of roots) {
        place(root, 0);
    }
    // Whatever a cycle in the data left out, as roots.
    for (const node of contacts) {
        if (!slotOf.has(node.id)) {
            place(node, 0);
        }
    }

    const contactsWidth = nextSlot * SLOT;
    const peopleWidth = people.length * PEOPLE_SLOT;
    const innerWidth = Math.max(contactsWidth, peopleWidth, 3 * SLOT);
    const width = innerWidth + 2 * MARGIN;
    const offset = MARGIN + (innerWidth - contactsWidth) / 2;

    const placed = new Map();
    const positionedContacts = contacts.map((node) => {
        const radius = INFLUENCE_RADIUS[node.influence] || INFLUENCE_RADIUS.medium;
        const { badges, rows } = layoutBadges(node.roles || []);
        const positioned = {
            ...node,
            x: offset + slotOf.get(node.id) * SLOT + SLOT / 2,
            y: TOP + INFLUENCE_RADIUS.high + depthOf.get(node.id) * LAYER,
            radius,
            initials: initials(node.name),
            shortName: truncate(node.name, 24),
            shortFunction: truncate(node.function, 30),
            badges,
            strengthY: radius + 50 + rows * (BADGE_HEIGHT + 2),
        };
        placed.set(node.id, positioned);
        return positioned;
    });
    // Where the lowest card ends (each card ends under its strength dots).
    const cardsBottom = Math.max(
        TOP + INFLUENCE_RADIUS.high + LABEL_HEIGHT,
        ...positionedContacts.map((n) => n.y + n.strengthY + 14)
    );

    // Our people: under the contacts they own, in a fixed order.
    const owned = new Map(people.map((p) => [p.id, []]));
    for (const edge of graph.edges) {
        if (edge.type === "owner" && owned.has(edge.source) && placed.has(edge.target)) {
            owned.get(edge.source).push(placed.get(edge.target).x);
        }
    }
    const centre = MARGIN + innerWidth / 2;
    const wanted = people.map((p, index) => {
        const xs = owned.get(p.id);
        const x = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : centre;
        return { person: p, x, index };
    });
    wanted.sort((a, b) => a.x - b.x || a.index - b.index);
    const left = MARGIN + PEOPLE_SLOT / 2;
    const right = width - MARGIN - PEOPLE_SLOT / 2;
    for (let i = 0; i < wanted.length; i++) {
        const min = i ? wanted[i - 1].x + PEOPLE_SLOT : left;
        wanted[i].x = Math.max(wanted[i].x, min);
    }
    for (let i = wanted.length - 1; i >= 0; i--) {
        const max = i < wanted.length - 1 ? wanted[i + 1].x - PEOPLE_SLOT : right;
        wanted[i].x = Math.min(wanted[i].x, max);
    }
    const bandTop = cardsBottom + PEOPLE_GAP / 2;
    const peopleY = bandTop + PEOPLE_GAP / 2 + PERSON_SIZE / 2;
    const positionedPeople = wanted.map(({ person, x }) => {
        const positioned = {
            ...person,
            x,
            y: peopleY,
            initials: initials(person.name),
            shortName: truncate(person.name, 24),
            shortFunction: truncate(person.function, 28),
        };
        placed.set(person.id, positioned);
        return positioned;
    });
    const height = peopleY + PERSON_SIZE / 2 + 48;

    const edges = [];
    for (const edge of graph.edges) {
        const source = placed.get(edge.source);
        const target = placed.get(edge.target);
        if (!source || !target) {
            continue;
        }
        if (edge.type === "reports_to") {
            // From the manager's card down to the report: an org-chart elbow.
            const y1 = target.y + target.strengthY + 14;
            const y2 = source.y - source.radius - 10;
            // One bar per manager, whatever the size of each report.
            const mid = source.y - INFLUENCE_RADIUS.high - 22;
            edges.push({
                ...edge,
                key: `${edge.type}-${edge.source}-${edge.target}`,
                path: `M ${target.x} ${y1} V ${mid} H ${source.x} V ${y2}`,
            });
        } else if (edge.type === "owner") {
            // From our person up to the bottom of the contact's card.
            const y1 = source.y - PERSON_SIZE / 2 - 4;
            const y2 = target.y + target.strengthY + 12;
            const bend = (y1 - y2) / 2;
            // Ends a little aside of the card's centre, so that it never
            // runs on top of a reporting line; it passes behind the cards.
            const end = target.x + 12;
            edges.push({
                ...edge,
                key: `${edge.type}-${edge.source}-${edge.target}`,
                path: `M ${source.x} ${y1} C ${source.x} ${y1 - bend}, ${end} ${y2 + bend}, ${end} ${y2}`,
                width: 1.2 + 1.5 * (edge.strength || 1),
                weak: (edge.strength || 0) < (graph.legend?.strong || 3),
            });
        }
    }
    return {
        contacts: positionedContacts,
        people: positionedPeople,
        edges,
        width,
        height,
        bandTop,
        badgeHeight: BADGE_HEIGHT,
    };
}
