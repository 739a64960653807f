import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { hexToRGBA } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { formatMonetary } from "@web/views/fields/formatters";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * Quadrant colours: the theme's colours of the quadrant badges on the form
 * (CSS variable, fallback); Milk's light grey badge becomes a darker grey,
 * which stays visible on a white chart.
 */
const QUADRANT_COLORS = {
    invest: ["--success", "#28a745"],
    selective: ["--warning", "#ffac00"],
    maintain: ["--info", "#17a2b8"],
    milk: [null, "#7c8591"],
};
// Bubble radius (px) of the smallest and the largest revenue.
const MIN_RADIUS = 6;
const MAX_RADIUS = 26;

export function quadrantColor(quadrant) {
    const [cssVar, fallback] = QUADRANT_COLORS[quadrant];
    const value = cssVar
        ? getComputedStyle(document.documentElement).getPropertyValue(cssVar).trim()
        : "";
    return /^#[0-9a-f]{6}$/i.test(value) ? value : fallback;
}

/**
 * Chart.js plugin drawing the four quadrants of the matrix: behind the points
 * a light tint per quadrant and the company's thresholds as dashed lines; over
 * them each quadrant's name in its outer corner.
 */
const quadrantsPlugin = {
    id: "kamQuadrants",
    beforeDatasetsDraw(chart, args, options) {
        const { ctx, chartArea: area } = chart;
        const { xLine, yLine } = thresholdPixels(chart, options);
        ctx.save();
        for (const [key, left, top, right, bottom] of quadrantRegions(area, xLine, yLine)) {
            ctx.fillStyle = hexToRGBA(quadrantColor(key), 0.07);
            ctx.fillRect(left, top, right - left, bottom - top);
        }
        ctx.strokeStyle = options.lineColor;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(xLine, area.top);
        ctx.lineTo(xLine, area.bottom);
        ctx.moveTo(area.left, yLine);
        ctx.lineTo(area.right, yLine);
        ctx.stroke();
        ctx.restore();
    },
    // The names go over the bubbles, with a halo, to stay readable in a
    // crowded portfolio.
    afterDatasetsDraw(chart, args, options) {
        const { ctx, chartArea: area } = chart;
        const { xLine, yLine } = thresholdPixels(chart, options);
        ctx.save();
        ctx.font = "600 13px sans-serif";
        ctx.lineJoin = "round";
        ctx.lineWidth = 4;
        ctx.strokeStyle = options.haloColor;
        for (const [key, left, top, right, bottom, align, baseline] of quadrantRegions(
            area,
            xLine,
            yLine
        )) {
            const label = options.labels[key] || "";
            if (ctx.measureText(label).width + 16 > right - left || bottom - top < 24) {
                continue; // no room for the name on a narrow screen
            }
            ctx.textAlign = align;
            ctx.textBaseline = baseline;
            const x = align === "left" ? left + 8 : right - 8;
            const y = baseline === "top" ? top + 8 : bottom - 8;
            ctx.strokeText(label, x, y);
            ctx.fillStyle = quadrantColor(key);
            ctx.fillText(label, x, y);
        }
        ctx.restore();
    },
};

function thresholdPixels(chart, options) {
    return {
        xLine: chart.scales.x.getPixelForValue(options.position),
        yLine: chart.scales.y.getPixelForValue(options.potential),
    };
}

/** The four quadrants: key, box, and where their name goes. */
function quadrantRegions(area, xLine, yLine) {
    return [
        ["selective", area.left, area.top, xLine, yLine, "left", "top"],
        ["invest", xLine, area.top, area.right, yLine, "right", "top"],
        ["milk", area.left, yLine, xLine, area.bottom, "left", "bottom"],
        ["maintain", xLine, yLine, area.right, area.bottom, "right", "bottom"],
    ];
}

export class KamMatrixDashboard extends Component {
    static template = "kam_management.MatrixDashboard";
    static components = { ControlPanel };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.canvasRef = useRef("canvas");
        this.chart = null;
        this.state = useState({
            data: null,
            filters: { ...(this.props.state?.filters || {}) },
            loading: true,
        });
        useSetupAction({
            getLocalState: () => ({ filters: { ...this.state.filters } }),
        });
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        useEffect(
            () => {
                this.renderChart();
            },
            () => [this.state.data]
        );
        onWillUnmount(() => this.chart?.destroy());
    }

    /** Read the dashboard for the current filters; only the latest answer counts. */
    async load() {
        const sequence = (this.loadSequence = (this.loadSequence || 0) + 1);
        this.state.loading = true;
        try {
            const data = await this.orm.call("kam.account", "kam_matrix_dashboard_data", [
                this.state.filters,
            ]);
            if (sequence === this.loadSequence) {
                this.state.filters = { ...data.filters };
                this.state.data = data;
            }
        } finally {
            if (sequence === this.loadSequence) {
                this.state.loading = false;
            }
        }
    }

    // ------------------------------------------------------------------
    // Filters
    // ------------------------------------------------------------------

    async onFilterChange(name, ev) {
        const raw = ev.target.value;
        let value = raw || false;
        if (value && name !== "tier") {
            value = parseInt(raw, 10);
        }
        const filters = { ...this.state.filters, [name]: value };
        if (name === "company_id") {
            // Another company has other KAMs.
            filters.kam_user_id = false;
        }
        const previous = this.state.filters;
        this.state.filters = filters;
        try {
            await this.load();
        } catch (error) {
            // Refused (the server says why): keep showing what was shown.
            this.state.filters = previous;
            throw error;
        }
    }

    get hasNarrowingFilter() {
        const { kam_user_id, tier } = this.state.filters;
        return Boolean(kam_user_id || tier);
    }

    async clearFilters() {
        this.state.filters = { company_id: this.state.filters.company_id };
        await this.load();
    }

    // ------------------------------------------------------------------
    // Formatting
    // ------------------------------------------------------------------

    formatMoney(value) {
        return formatMonetary(value, { currencyId: this.state.data.currency_id, digits: [16, 0] });
    }

    formatScore(value) {
        return formatFloat(value, { digits: [16, 1] });
    }

    quadrantStyle(quadrant) {
        return `background-color: ${quadrantColor(quadrant)};`;
    }

    lightClass(light) {
        return {
            green: "text-bg-success",
            amber: "text-bg-warning",
            red: "text-bg-danger",
        }[light];
    }

    get subtitle() {
        const { thresholds } = this.state.data;
        return _t(
            "Supplier position across, account potential up; high potential from %(potential)s, strong position from %(position)s (the company's settings); bubble size: revenue.",
            {
                potential: this.formatScore(thresholds.potential),
                position: this.formatScore(thresholds.position),
            }
        );
    }

    get emptyTitle() {
        return this.hasNarrowingFilter
            ? _t("No key account matches these filters.")
            : _t("No key account to show in %(company)s.", {
                  company: this.state.data.company.name,
              });
    }

    get emptyHelp() {
        return this.hasNarrowingFilter
            ? _t("Choose another KAM or tier, or clear the filters.")
            : _t(
                  "A Key Account Director nominates key accounts and assigns their KAM; they appear here once classified."
              );
    }

    // ------------------------------------------------------------------
    // Navigation
    // ------------------------------------------------------------------

    openAccount(accountId) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "kam.account",
            res_id: accountId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    /** The key accounts behind a count of the portfolio table. */
    openAccounts(field, value, name) {
        const { company_id, kam_user_id, tier } = this.state.filters;
        const domain = [
            ["company_id", "=", company_id],
            ["is_key_account", "=", true],
            [field, "=", value],
        ];
        if (kam_user_id) {
            domain.push(["kam_user_id", "=", kam_user_id]);
        }
        if (tier) {
            domain.push(["tier", "=", tier]);
        }
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: "kam.account",
            domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }

    // ------------------------------------------------------------------
    // Chart
    // ------------------------------------------------------------------

    renderChart() {
        this.chart?.destroy();
        this.chart = null;
        const data = this.state.data;
        if (!this.canvasRef.el || !data || !data.points.length) {
            return;
        }
        const maxRevenue = Math.max(0, ...data.points.map((p) => p.revenue));
        // Smaller bubbles on a narrow screen.
        const maxRadius = Math.max(
            MIN_RADIUS + 4,
            Math.min(MAX_RADIUS, this.canvasRef.el.parentElement.clientWidth / 30)
        );
        const radius = (revenue) =>
            maxRevenue > 0 && revenue > 0
                ? MIN_RADIUS + (maxRadius - MIN_RADIUS) * Math.sqrt(revenue / maxRevenue)
                : MIN_RADIUS;
        const labels = Object.fromEntries(data.quadrants.map((q) => [q.key, q.label]));
        const datasets = data.quadrants.map((quadrant) => {
            const color = quadrantColor(quadrant.key);
            return {
                label: quadrant.label,
                data: data.points
                    .filter((p) => p.quadrant === quadrant.key)
                    .map((p) => ({ x: p.position, y: p.potential, r: radius(p.revenue), point: p })),
                backgroundColor: hexToRGBA(color, 0.6),
                borderColor: color,
                hoverBackgroundColor: hexToRGBA(color, 0.85),
                borderWidth: 1.5,
                hoverBorderWidth: 3,
                clip: false,
            };
        });
        const styles = getComputedStyle(this.canvasRef.el);
        const textColor = styles.color || "#374151";
        const axis = (title) => ({
            min: 0,
            max: 100,
            ticks: { stepSize: 10, color: textColor, maxRotation: 0 },
            grid: { color: hexToRGBA("#9ca3af", 0.2) },
            title: { display: true, text: title, color: textColor, font: { weight: "bold" } },
        });
        this.chart = new Chart(this.canvasRef.el, {
            type: "bubble",
            data: { datasets },
            options: {
                responsive: true,
                maintainAspectRatio: false,
                // Bubbles appear where they are: no flight in from the axis.
                animation: false,
                layout: { padding: { top: 12, right: 20, left: 4 } },
                scales: {
                    x: axis(_t("Supplier position (0-100)")),
                    y: axis(_t("Account potential (0-100)")),
                },
                plugins: {
                    legend: {
                        position: "bottom",
                        labels: { usePointStyle: true, color: textColor },
                    },
                    tooltip: {
                        callbacks: {
                            title: (items) => items[0].raw.point.name,
                            label: (item) => this.tooltipLines(item.raw.point),
                        },
                    },
                    kamQuadrants: {
                        potential: data.thresholds.potential,
                        position: data.thresholds.position,
                        labels,
                        lineColor: hexToRGBA("#6b7280", 0.9),
                        haloColor:
                            getComputedStyle(this.canvasRef.el.closest(".card")).backgroundColor ||
                            "#ffffff",
                    },
                },
                onClick: (event, elements) => {
                    if (elements.length) {
                        const { datasetIndex, index } = elements[0];
                        this.openAccount(datasets[datasetIndex].data[index].point.id);
                    }
                },
                onHover: (event, elements) => {
                    event.native.target.style.cursor = elements.length ? "pointer" : "default";
                },
            },
            plugins: [quadrantsPlugin],
        });
    }

    tooltipLines(point) {
        const quadrant = this.state.data.quadrants.find((q) => q.key === point.quadrant);
        const lines = [
            _t("Potential: %(potential)s, position: %(position)s", {
                potential: this.formatScore(point.potential),
                position: this.formatScore(point.position),
            }),
            _t("Revenue: %(revenue)s", { revenue: this.formatMoney(point.revenue) }),
            point.locked
                ? _t("Quadrant: %(quadrant)s (locked)", { quadrant: quadrant.label })
                : _t("Quadrant: %(quadrant)s", { quadrant: quadrant.label }),
        ];
        if (point.kam) {
            lines.push(_t("KAM: %(kam)s", { kam: point.kam }));
        }
        return lines;
    }

    get portfolioTotal() {
        const data = this.state.data;
        return _t("%(count)s key accounts, %(revenue)s", {
            count: data.total,
            revenue: this.formatMoney(data.total_revenue),
        });
    }

    get notAssessedLabel() {
        return _t("Not assessed");
    }

    get unclassifiedText() {
        return _t("%(count)s not classified", { count: this.state.data.unclassified });
    }

    get noHealthText() {
        return _t("%(count)s without a scorecard yet.", { count: this.state.data.no_health });
    }

    get chartSummary() {
        const data = this.state.data;
        return _t("%(count)s key accounts on the matrix of %(company)s", {
            count: data.points.length,
            company: data.company.name,
        });
    }
}

registry.category("actions").add("kam_management.matrix_dashboard", KamMatrixDashboard);
