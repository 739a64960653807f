/**
 * Deterministic layered layout of a relationship map, with its links routed
 * around the people.
 *
 * The customer's people are laid out as a tidy tree of their reporting
 * lines (managers above, each leaf its own slot, a manager centred over its
 * reports); our people sit in a band below, each as close as possible to
 * the contacts whose relationship they own.
 *
 * The links are orthogonal and never cross a person or a label. Between two
 * levels of the organisation (and between the last level and our band) runs
 * a horizontal channel; a link climbs from one channel to the next through
 * the gaps between the cards of the level in between. Each link chooses its
 * gaps (shortest way, avoiding crowded gaps), then gets its own lane in each
 * gap and in each channel (ordered so that links cross each other as little
 * as possible); the channels are as high as their lanes need, which sets the
 * height of the levels. Reporting lines are org-chart elbows: a bar per
 * manager in the channel just above the reports.
 *
 * No Odoo import: the module runs as it is under node (see
 * static/tests/relationship_layout.test.mjs). The same data always gives the
 * same picture: every order is fixed (decision makers first, then
 * influence, then name, then id; links by their ends).
 */

export const INFLUENCE_RADIUS = { high: 34, medium: 27, low: 21 };
const INFLUENCE_WEIGHT = { high: 3, medium: 2, low: 1 };

export const SLOT = 224; // horizontal room of one contact
export const CARD_WIDTH = 184; // the label card under a contact
export const PERSON_SIZE = 52;
export const PEOPLE_SLOT = 180;
// The label under one of our people (name, function), from its box's bottom.
export const PERSON_LABEL = { top: 4, height: 40, width: PEOPLE_SLOT };
export const TEAM_LABEL = { x: 24, top: 12, height: 20 }; // "Our team", from the band's top
export const TITLE = { x: 24, bottom: 40 }; // the customer's name, top left
export const BADGE_HEIGHT = 16;

const MARGIN = 56;
const BADGE_CHAR = 6.1; // width of a character of a role badge, in px
const BADGE_PADDING = 14;
const SIDE_LABEL_CHAR = 8.4; // width of a character of a side label (12px, capitals)
const PERSON_TOP = 42; // from the band's top to the boxes of our people

const CLEARANCE = 8; // from a card's side to the nearest link in a gap
const EDGE_CLEARANCE = 16; // from the picture's side to the outermost link
const LANE = 8; // between two links side by side in a gap
const LANE_Y = 9; // between two links one above the other in a channel
const ROW_PAD = 14; // from a channel's side to its first lane
const BAR_GAP = 6; // more room between the reporting bars and the other links
const ROW_MIN = 44; // height of a channel with few links
const OWNER_END = 14; // an ownership link ends aside of the card's centre
const PORT_SPACING = 9; // between the links leaving one of our people
const LINK_GAP = 3; // between a link's end and the node it ends at
const BEND = 12; // cost of a bend, in px of a longer way
const CROWD = 120; // cost of a full gap, in px of a longer way
const CORNER = 6; // radius of the rounded corners of the links
const SEPARATION = 10; // two links in one lane stay this far apart

function compareContacts(a, b) {
    return (
        Number(b.is_decision_maker) - Number(a.is_decision_maker) ||
        (INFLUENCE_WEIGHT[b.influence] || 0) - (INFLUENCE_WEIGHT[a.influence] || 0) ||
        a.name.localeCompare(b.name) ||
        a.res_id - b.res_id
    );
}

function compareText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
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

/** Role badges of a contact in rows that fit its card, centred on 0. */
function layoutBadges(roles) {
    const maxWidth = CARD_WIDTH - 8;
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

/** How far above its centre a contact's drawing goes (disc, alert ring). */
export function contactTop(node) {
    return node.radius + (node.weak_decision_maker ? 11 : 3);
}

/** How far below its centre a contact's drawing goes (the card). */
export function contactBottom(node) {
    return node.strengthY + 10;
}

/** Width of a side label ("Our team"), in px, estimated from its text. */
function sideLabelWidth(text) {
    return Array.from(text || "").length * SIDE_LABEL_CHAR + 8;
}

/**
 * Points at least `spacing` apart, each as close as possible to where it
 * wants to be, all within [lo, hi]; evenly spread when they do not fit.
 */
function spread(wanted, spacing, lo, hi) {
    const n = wanted.length;
    if (!n) {
        return [];
    }
    if (n > 1 && (n - 1) * spacing > hi - lo) {
        return wanted.map((_, i) => lo + (i * (hi - lo)) / (n - 1));
    }
    const xs = wanted.map((x) => Math.min(Math.max(x, lo), hi));
    for (let i = 1; i < n; i++) {
        xs[i] = Math.max(xs[i], xs[i - 1] + spacing);
    }
    xs[n - 1] = Math.min(xs[n - 1], hi);
    for (let i = n - 2; i >= 0; i--) {
        xs[i] = Math.min(xs[i], xs[i + 1] - spacing);
    }
    return xs;
}

/** The customer's people as a tidy tree: slot (column) and depth of each. */
function placeTree(contacts) {
    const byId = new Map(contacts.map((n) => [n.id, n]));
    const children = new Map(contacts.map((n) => [n.id, []]));
    const sorted = [...contacts].sort(compareContacts);
    const roots = [];
    for (const node of sorted) {
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
    const parentOf = new Map(); // as drawn: the manager the node hangs under
    let nextSlot = 0;
    const place = (node, depth) => {
        slotOf.set(node.id, null); // visiting: a cycle stops here
        depthOf.set(node.id, depth);
        const kids = children.get(node.id).filter((k) => !slotOf.has(k.id));
        let slot;
        if (!kids.length) {
            slot = nextSlot++;
        } else {
            const slots = kids.map((k) => {
                parentOf.set(k.id, node.id);
                return place(k, depth + 1);
            });
            slot = (slots[0] + slots[slots.length - 1]) / 2;
        }
        slotOf.set(node.id, slot);
        return slot;
    };
    for (const root of roots) {
        place(root, 0);
    }
    // Whatever a cycle in the data left out, as roots.
    for (const node of sorted) {
        if (!slotOf.has(node.id)) {
            place(node, 0);
        }
    }
    return { slotOf, depthOf, parentOf, slots: nextSlot, sorted };
}

/**
 * The gaps between the cards of a level, where links may pass: for each,
 * the interval [lo, hi] their lanes may use.
 */
function levelGaps(nodes, width) {
    const gaps = [];
    let left = EDGE_CLEARANCE;
    for (const node of nodes) {
        const hi = node.x - CARD_WIDTH / 2 - CLEARANCE;
        if (hi >= left) {
            gaps.push({ lo: left, hi, users: [] });
        }
        left = Math.max(left, node.x + CARD_WIDTH / 2 + CLEARANCE);
    }
    if (width - EDGE_CLEARANCE >= left) {
        gaps.push({ lo: left, hi: width - EDGE_CLEARANCE, users: [] });
    }
    return gaps;
}

/**
 * The gaps a link takes through the levels it crosses, from `fromX` to
 * `toX`: the shortest way (with bends and crowded gaps costing extra).
 * @returns {Array} one {gap, x} per crossed level, x being where the link
 *      would like to pass in the gap
 */
function chooseGaps(crossed, fromX, toX) {
    if (!crossed.length) {
        return [];
    }
    const all = [fromX, toX];
    for (const level of crossed) {
        for (const gap of level.gaps) {
            all.push(gap.lo, gap.hi, (gap.lo + gap.hi) / 2);
        }
    }
    const values = [...new Set(all)].sort((a, b) => a - b);
    // The values clamped into a gap: its ends, and the values inside it.
    const candidatesOf = (gap) => {
        let lo = 0;
        let hi = values.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (values[mid] <= gap.lo) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        const result = [gap.lo];
        for (let i = lo; i < values.length && values[i] < gap.hi; i++) {
            result.push(values[i]);
        }
        if (gap.hi > gap.lo) {
            result.push(gap.hi);
        }
        return result;
    };
    const crowd = (gap) => (CROWD * gap.users.length * LANE) / (gap.hi - gap.lo + LANE);
    // Dynamic programming over the levels; candidates are the interesting
    // abscissas of each gap (its ends, its middle, the link's ends, and the
    // other gaps' ends), in a fixed order. A step costs its length, plus a
    // bend unless it goes straight on: the best previous state is found by
    // sweeping the states in the order of their abscissa.
    let states = [{ x: fromX, cost: 0, back: null, gap: null }];
    const bestFrom = (x) => {
        // states are sorted by x; the cheapest way to reach x from them.
        let best = null;
        const offer = (state, cost) => {
            if (state && (!best || cost < best.cost - 1e-9)) {
                best = { state, cost };
            }
        };
        offer(states.exact.get(x), states.exact.get(x)?.cost);
        let lo = 0;
        let hi = states.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (states[mid].x <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        const left = lo ? states.left[lo - 1] : null;
        const right = lo < states.length ? states.right[lo] : null;
        offer(left, left && left.cost + x - left.x + BEND);
        offer(right, right && right.cost + right.x - x + BEND);
        return best;
    };
    const index = () => {
        states.sort((a, b) => a.x - b.x || a.cost - b.cost);
        states.exact = new Map();
        for (const state of states) {
            if (!states.exact.has(state.x)) {
                states.exact.set(state.x, state);
            }
        }
        // Cheapest cost - x up to each state, cost + x from each state on.
        states.left = [];
        states.right = [];
        states.forEach((state, i) => {
            const before = i ? states.left[i - 1] : null;
            states.left.push(
                before && before.cost - before.x <= state.cost - state.x + 1e-9 ? before : state
            );
        });
        for (let i = states.length - 1; i >= 0; i--) {
            const after = i < states.length - 1 ? states.right[i + 1] : null;
            const state = states[i];
            states.right[i] =
                after && after.cost + after.x < state.cost + state.x - 1e-9 ? after : state;
        }
    };
    for (const level of crossed) {
        index();
        const next = [];
        for (const gap of level.gaps) {
            for (const x of candidatesOf(gap)) {
                const best = bestFrom(x);
                next.push({ x, gap, cost: best.cost + crowd(gap), back: best.state });
            }
        }
        states = next;
    }
    index();
    let last = bestFrom(toX).state;
    const path = [];
    while (last && last.gap) {
        path.unshift({ gap: last.gap, x: last.x });
        last = last.back;
    }
    return path;
}

/** Crossings if segment `a` runs above segment `b` in a channel. */
function crossingsAbove(a, b) {
    let count = 0;
    for (const v of b.ends) {
        if (v.side === "top" && v.x > a.lo && v.x < a.hi) {
            count++;
        }
    }
    for (const v of a.ends) {
        if (v.side === "bottom" && v.x > b.lo && v.x < b.hi) {
            count++;
        }
    }
    return count;
}

/**
 * Lanes of the segments of one channel: ranked top to bottom so that they
 * cross as little as possible, segments that do not overlap sharing a lane.
 * Reporting bars take the lowest lane, next to the reports.
 * @returns {number} the number of lanes
 */
function assignLanes(segments) {
    const links = segments.filter((s) => !s.bar);
    const bars = segments.filter((s) => s.bar);
    const ranking = [];
    for (const segment of links) {
        // Inserted at `index`: the ones before run above it, the others below.
        let cost = ranking.reduce((sum, other) => sum + crossingsAbove(segment, other), 0);
        let bestIndex = 0;
        let bestCost = cost;
        ranking.forEach((other, position) => {
            cost += crossingsAbove(other, segment) - crossingsAbove(segment, other);
            if (cost < bestCost) {
                bestCost = cost;
                bestIndex = position + 1;
            }
        });
        ranking.splice(bestIndex, 0, segment);
    }
    const overlap = (a, b) => a.lo - SEPARATION < b.hi && b.lo - SEPARATION < a.hi;
    let lanes = 0;
    ranking.forEach((segment, position) => {
        segment.lane = 0;
        for (const other of ranking.slice(0, position)) {
            if (overlap(segment, other)) {
                segment.lane = Math.max(segment.lane, other.lane + 1);
            }
        }
        lanes = Math.max(lanes, segment.lane + 1);
    });
    for (const bar of bars) {
        bar.lane = lanes;
    }
    return lanes + (bars.length ? 1 : 0);
}

/** An SVG path along orthogonal points, with rounded corners. */
function roundedPath(points) {
    const fmt = (v) => String(Math.round(v * 10) / 10);
    let d = `M ${fmt(points[0].x)} ${fmt(points[0].y)}`;
    for (let i = 1; i < points.length - 1; i++) {
        const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
        const r = Math.min(
            CORNER,
            Math.hypot(b.x - a.x, b.y - a.y) / 2,
            Math.hypot(c.x - b.x, c.y - b.y) / 2
        );
        const towards = (p, q, len) => {
            const dist = Math.hypot(q.x - p.x, q.y - p.y) || 1;
            return { x: p.x + ((q.x - p.x) * len) / dist, y: p.y + ((q.y - p.y) * len) / dist };
        };
        const before = towards(b, a, r);
        const after = towards(b, c, r);
        d += ` L ${fmt(before.x)} ${fmt(before.y)} Q ${fmt(b.x)} ${fmt(b.y)} ${fmt(after.x)} ${fmt(after.y)}`;
    }
    const last = points[points.length - 1];
    return `${d} L ${fmt(last.x)} ${fmt(last.y)}`;
}

/**
 * Drops the points that do not turn (a straight run is one segment), on
 * coordinates rounded to a hundredth of a pixel, a point within a twentieth
 * of a pixel of the previous one snapping to it: what is meant to be the
 * same abscissa (sums of lanes can differ in the last bits) is the same.
 */
function simplify(points) {
    const result = [];
    for (const point of points) {
        const p = { x: Math.round(point.x * 100) / 100, y: Math.round(point.y * 100) / 100 };
        const last = result[result.length - 1];
        if (last && Math.abs(last.x - p.x) < 0.05) {
            p.x = last.x;
        }
        if (last && Math.abs(last.y - p.y) < 0.05) {
            p.y = last.y;
        }
        if (last && last.x === p.x && last.y === p.y) {
            continue;
        }
        const prev = result[result.length - 2];
        if (
            prev &&
            ((prev.x === last.x && last.x === p.x) || (prev.y === last.y && last.y === p.y))
        ) {
            result[result.length - 1] = p;
            continue;
        }
        result.push(p);
    }
    return result;
}

/**
 * @param {Object} graph as returned by kam.account.get_relationship_graph
 * @param {Object} [options]
 * @param {string} [options.teamLabel] the band's title ("Our team"), kept
 *      clear of the links leaving our people
 * @returns {Object} positioned contacts, people and edges (each with its
 *      `path` and the `points` of its route), and the size
 */
export function layoutGraph(graph, options = {}) {
    const contactNodes = graph.nodes.filter((n) => n.kind === "contact");
    const people = graph.nodes.filter((n) => n.kind === "user");
    const { slotOf, depthOf, parentOf, slots, sorted } = placeTree(contactNodes);

    // Widths: the contacts' slots, or our people, whichever is wider.
    // The links leave our people upwards, across the band's title: the
    // first of them stands right of it.
    const teamLabelWidth = sideLabelWidth(options.teamLabel);
    const teamReserve = Math.max(
        0,
        TEAM_LABEL.x +
            teamLabelWidth +
            PERSON_SIZE / 2 +
            CLEARANCE -
            (MARGIN + PEOPLE_SLOT / 2)
    );
    const contactsWidth = slots * SLOT;
    const peopleWidth = people.length * PEOPLE_SLOT + teamReserve;
    const innerWidth = Math.max(contactsWidth, peopleWidth, 3 * SLOT);
    const width = innerWidth + 2 * MARGIN;
    const offset = MARGIN + (innerWidth - contactsWidth) / 2;

    const placed = new Map();
    const contacts = sorted.map((node) => {
        const radius = INFLUENCE_RADIUS[node.influence] || INFLUENCE_RADIUS.medium;
        const { badges, rows } = layoutBadges(node.roles || []);
        const positioned = {
            ...node,
            x: offset + slotOf.get(node.id) * SLOT + SLOT / 2,
            y: 0, // once the channels are known
            depth: depthOf.get(node.id),
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
    const depth = contacts.length ? Math.max(...contacts.map((n) => n.depth)) : 0;
    const levels = [];
    for (let k = 0; k <= depth; k++) {
        const nodes = contacts.filter((n) => n.depth === k).sort((a, b) => a.x - b.x);
        levels.push({
            index: k,
            nodes,
            gaps: levelGaps(nodes, width),
            top: Math.max(0, ...nodes.map(contactTop)),
            bottom: Math.max(0, ...nodes.map(contactBottom)),
        });
    }

    // Our people: under the contacts they own, in a fixed order.
    const edgesIn = [...graph.edges]
        .filter((e) => placed.has(e.target) && (placed.has(e.source) || e.type === "owner"))
        .sort(
            (a, b) =>
                compareText(a.type, b.type) ||
                compareText(a.source, b.source) ||
                compareText(a.target, b.target)
        );
    const owned = new Map(people.map((p) => [p.id, []]));
    for (const edge of edgesIn) {
        if (edge.type === "owner" && owned.has(edge.source)) {
            owned.get(edge.source).push(edge);
        }
    }
    const centre = MARGIN + innerWidth / 2;
    const wanted = people.map((p, index) => {
        const xs = owned.get(p.id).map((e) => placed.get(e.target).x);
        const x = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : centre;
        return { person: p, x, index };
    });
    wanted.sort((a, b) => a.x - b.x || a.index - b.index);
    const peopleX = spread(
        wanted.map((w) => w.x),
        PEOPLE_SLOT,
        MARGIN + teamReserve + PEOPLE_SLOT / 2,
        width - MARGIN - PEOPLE_SLOT / 2
    );
    const positionedPeople = wanted.map(({ person }, i) => {
        const positioned = {
            ...person,
            x: peopleX[i],
            y: 0, // once the channels are known
            initials: initials(person.name),
            shortName: truncate(person.name, 24),
            shortFunction: truncate(person.function, 28),
        };
        placed.set(person.id, positioned);
        return positioned;
    });

    // Channel k runs above level k; channel depth + 1 above our band.
    const channels = [];
    for (let k = 0; k <= depth + 1; k++) {
        channels.push({ index: k, segments: [] });
    }

    // Where the ownership links leave our people: side by side on the top
    // of the box, in the order of the contacts they go to.
    const ports = new Map();
    for (const person of positionedPeople) {
        const list = owned
            .get(person.id)
            .slice()
            .sort(
                (a, b) =>
                    placed.get(a.target).x - placed.get(b.target).x ||
                    placed.get(a.target).depth - placed.get(b.target).depth ||
                    compareText(a.target, b.target)
            );
        const n = list.length;
        const spacing = n > 1 ? Math.min(PORT_SPACING, (PERSON_SIZE - 16) / (n - 1)) : 0;
        list.forEach((edge, i) => ports.set(edge, person.x + (i - (n - 1) / 2) * spacing));
    }

    // 1. Which gaps each link takes.
    const routes = [];
    for (const edge of edgesIn) {
        const target = placed.get(edge.target);
        const source = placed.get(edge.source);
        if (!source || !target) {
            continue;
        }
        const key = `${edge.type}-${edge.source}-${edge.target}`;
        if (edge.type === "reports_to") {
            // From the manager (target) down to the report (source).
            if (parentOf.get(source.id) === target.id) {
                // The org chart's elbow: one bar per manager, over the reports.
                routes.push({ edge, key, bar: true, manager: target, report: source });
                continue;
            }
            routes.push({
                edge,
                key,
                from: { channel: target.depth + 1, x: target.x, side: "top", node: target },
                to: { channel: source.depth, x: source.x, side: "bottom", node: source },
            });
        } else if (edge.type === "owner") {
            routes.push({
                edge,
                key,
                from: { channel: depth + 1, x: ports.get(edge), side: "bottom", node: source },
                to: {
                    channel: target.depth + 1,
                    x: target.x + OWNER_END,
                    side: "top",
                    node: target,
                },
            });
        }
    }
    for (const route of routes) {
        if (route.bar) {
            continue;
        }
        const { from, to } = route;
        const up = to.channel < from.channel;
        const crossed = [];
        if (up) {
            for (let k = from.channel - 1; k >= to.channel; k--) {
                crossed.push(levels[k]);
            }
        } else {
            for (let k = from.channel; k < to.channel; k++) {
                crossed.push(levels[k]);
            }
        }
        route.up = up;
        route.passes = chooseGaps(crossed, from.x, to.x).map(({ gap, x }, i) => {
            const pass = { route, gap, wanted: x, level: crossed[i].index };
            gap.users.push(pass);
            return pass;
        });
    }

    // 2. The lanes in the gaps: side by side, in the order of where the
    // links come from and go to.
    const passX = (route, i) => {
        if (i < 0) {
            return route.from.x;
        }
        if (i >= route.passes.length) {
            return route.to.x;
        }
        return route.passes[i].wanted;
    };
    for (const level of levels) {
        for (const gap of level.gaps) {
            const users = gap.users
                .map((pass) => {
                    const i = pass.route.passes.indexOf(pass);
                    return {
                        pass,
                        key: passX(pass.route, i - 1) + passX(pass.route, i + 1),
                    };
                })
                .sort(
                    (a, b) =>
                        a.pass.wanted - b.pass.wanted ||
                        a.key - b.key ||
                        compareText(a.pass.route.key, b.pass.route.key)
                );
            const xs = spread(
                users.map((u) => u.pass.wanted),
                LANE,
                gap.lo,
                gap.hi
            );
            users.forEach((u, i) => (u.pass.x = xs[i]));
        }
    }

    // 3. The segments in the channels, and their lanes.
    for (const route of routes) {
        if (route.bar) {
            continue;
        }
        const { from, to, passes, up } = route;
        const xs = [from.x, ...passes.map((p) => p.x), to.x];
        route.legs = [];
        for (let i = 0; i < xs.length - 1; i++) {
            const channel = from.channel + (up ? -i : i);
            const startSide = i === 0 ? from.side : up ? "bottom" : "top";
            const endSide = i === xs.length - 2 ? to.side : up ? "top" : "bottom";
            const leg = {
                route,
                lo: Math.min(xs[i], xs[i + 1]),
                hi: Math.max(xs[i], xs[i + 1]),
                x1: xs[i],
                x2: xs[i + 1],
                ends: [
                    { x: xs[i], side: startSide },
                    { x: xs[i + 1], side: endSide },
                ],
                channel,
            };
            route.legs.push(leg);
            // Straight through the channel: no lane needed.
            if (Math.abs(leg.x1 - leg.x2) > 0.5 || startSide === endSide) {
                channels[channel].segments.push(leg);
            }
        }
    }
    const bars = new Map();
    for (const route of routes) {
        if (!route.bar) {
            continue;
        }
        const { manager, report } = route;
        let bar = bars.get(manager.id);
        if (!bar) {
            bar = {
                bar: true,
                lo: manager.x,
                hi: manager.x,
                ends: [{ x: manager.x, side: "top" }],
            };
            bars.set(manager.id, bar);
            channels[manager.depth + 1].segments.push(bar);
        }
        bar.lo = Math.min(bar.lo, report.x);
        bar.hi = Math.max(bar.hi, report.x);
        bar.ends.push({ x: report.x, side: "bottom" });
        route.segment = bar;
    }
    for (const channel of channels) {
        channel.lanes = assignLanes(channel.segments);
        channel.barGap =
            channel.lanes > 1 && channel.segments.some((s) => s.bar) ? BAR_GAP : 0;
    }

    // 4. Heights: each channel as high as its lanes, then the level below.
    let y = TITLE.bottom;
    const laneY = (channel, lane) =>
        channel.top +
        channel.pad +
        lane * LANE_Y +
        (lane === channel.lanes - 1 ? channel.barGap : 0);
    const openChannel = (channel, minHeight) => {
        const content = channel.lanes ? (channel.lanes - 1) * LANE_Y + channel.barGap : 0;
        const height = Math.max(minHeight, content + 2 * ROW_PAD);
        channel.top = y;
        channel.pad = (height - content) / 2;
        channel.bottom = y + height;
        y = channel.bottom;
    };
    levels.forEach((level, k) => {
        // Nothing to route above the first level but what a cycle sends there.
        openChannel(channels[k], k ? ROW_MIN : channels[k].lanes ? ROW_MIN : 24);
        level.y = y + level.top;
        for (const node of level.nodes) {
            node.y = level.y;
        }
        y = level.y + level.bottom;
    });
    openChannel(channels[depth + 1], ROW_MIN);
    const bandTop = y;
    const peopleY = bandTop + PERSON_TOP + PERSON_SIZE / 2;
    for (const person of positionedPeople) {
        person.y = peopleY;
    }
    const height = peopleY + PERSON_SIZE / 2 + PERSON_LABEL.top + PERSON_LABEL.height + 8;

    // 5. The paths.
    const ends = (end) => {
        const node = end.node;
        if (node.kind === "user") {
            return node.y - PERSON_SIZE / 2 - LINK_GAP - 1;
        }
        return end.side === "top"
            ? node.y + contactBottom(node) + LINK_GAP
            : node.y - contactTop(node) - LINK_GAP;
    };
    const edges = [];
    for (const route of routes) {
        const { edge, key } = route;
        let points;
        if (route.bar) {
            const { manager, report, segment } = route;
            const channel = channels[manager.depth + 1];
            const barY = laneY(channel, segment.lane);
            points = [
                { x: manager.x, y: manager.y + contactBottom(manager) + LINK_GAP },
                { x: manager.x, y: barY },
                { x: report.x, y: barY },
                { x: report.x, y: report.y - contactTop(report) - LINK_GAP },
            ];
        } else {
            points = [{ x: route.from.x, y: ends(route.from) }];
            for (const leg of route.legs) {
                const channel = channels[leg.channel];
                const inLane = channel.segments.includes(leg);
                const legY = inLane
                    ? laneY(channel, leg.lane)
                    : (channel.top + channel.bottom) / 2;
                points.push({ x: leg.x1, y: legY }, { x: leg.x2, y: legY });
            }
            points.push({ x: route.to.x, y: ends(route.to) });
        }
        points = simplify(points);
        const result = {
            ...edge,
            key,
            points,
            path: roundedPath(points),
        };
        if (edge.type === "owner") {
            result.width = 1 + 0.9 * (edge.strength || 1);
            result.weak = (edge.strength || 0) < (graph.legend?.strong || 3);
        }
        edges.push(result);
    }
    edges.sort((a, b) => compareText(a.key, b.key));
    return {
        contacts,
        people: positionedPeople,
        edges,
        width,
        height,
        bandTop,
        teamLabelWidth,
        badgeHeight: BADGE_HEIGHT,
        cardWidth: CARD_WIDTH,
        personSize: PERSON_SIZE,
    };
}
