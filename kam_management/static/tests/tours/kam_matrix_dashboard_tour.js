import { registry } from "@web/core/registry";

/** The bubbles Chart.js drew on the dashboard's canvas. */
function chartPointCount() {
    const canvas = document.querySelector(".o_kam_matrix_chart canvas");
    const chart = canvas && window.Chart && window.Chart.getChart(canvas);
    if (!chart) {
        throw new Error("The matrix chart is not drawn");
    }
    return chart.data.datasets.reduce((total, dataset) => total + dataset.data.length, 0);
}

function checkPoints(expected) {
    const count = chartPointCount();
    if (count !== expected) {
        throw new Error(`The matrix shows ${count} accounts, not ${expected}`);
    }
}

/** Click the bubble of an account on the canvas, as a user does. */
function clickBubble(name) {
    const canvas = document.querySelector(".o_kam_matrix_chart canvas");
    const chart = window.Chart.getChart(canvas);
    const bubble = chart.data.datasets
        .flatMap((dataset) => dataset.data)
        .find((item) => item.point.name === name);
    if (!bubble) {
        throw new Error(`No bubble for ${name}`);
    }
    const rect = canvas.getBoundingClientRect();
    const options = {
        bubbles: true,
        clientX: rect.left + chart.scales.x.getPixelForValue(bubble.x),
        clientY: rect.top + chart.scales.y.getPixelForValue(bubble.y),
    };
    canvas.dispatchEvent(new MouseEvent("mousemove", options));
    canvas.dispatchEvent(new MouseEvent("click", options));
}

/**
 * Open the dashboard from the menu, read the chart and the counts, change a
 * filter, then open the account with the lowest health.
 */
function dashboardSteps({ total, points, milk, filter, filteredTotal, filteredPoints, bubble }) {
    return [
        {
            content: "Open the Key Accounts menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='kam_management.menu_kam_root']",
            run: "click",
        },
        {
            content: "Open the matrix dashboard",
            trigger: ".dropdown-item[data-menu-xmlid='kam_management.menu_kam_matrix_dashboard']",
            run: "click",
        },
        {
            content: "The portfolio counts the key accounts",
            trigger: `.o_kam_portfolio_total[data-total='${total}']`,
        },
        {
            content: "The matrix is drawn with one bubble per assessed account",
            trigger: ".o_kam_matrix_chart canvas",
            run: () => checkPoints(points),
        },
        {
            content: "The quadrants are counted",
            trigger: `.o_kam_quadrant_row[data-quadrant=invest] .o_kam_count:contains('1')`,
        },
        {
            content: "Milk is counted too",
            trigger: `.o_kam_quadrant_row[data-quadrant=milk] .o_kam_count:contains('${milk}')`,
        },
        {
            content: "So are the ABC classes",
            trigger: ".o_kam_class[data-class=a] .o_kam_count:contains('2')",
        },
        {
            content: "Change a filter",
            trigger: filter.trigger,
            run: filter.run,
        },
        {
            content: "The figures follow the filter",
            trigger: `.o_kam_portfolio_total[data-total='${filteredTotal}']`,
            run: () => checkPoints(filteredPoints),
        },
        {
            content: "The account with the lowest health comes first",
            trigger: ".o_kam_lowest_health_account:first:contains('Costa Industrial')",
            run: "click",
        },
        {
            content: "Its key-account form opens",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains('Costa Industrial')",
        },
        {
            content: "Back to the dashboard",
            trigger: ".breadcrumb-item.o_back_button a",
            run: "click",
        },
        {
            content: "The dashboard keeps its filter; click a bubble",
            trigger: `.o_kam_portfolio_total[data-total='${filteredTotal}']`,
            run: () => clickBubble(bubble),
        },
        {
            content: "The bubble opens its key account",
            trigger: `.o_form_view .o_field_widget[name=partner_id]:contains('${bubble}')`,
        },
    ];
}

registry.category("web_tour.tours").add("kam_management_matrix_dashboard_kam_tour", {
    url: "/odoo/crm",
    steps: () =>
        dashboardSteps({
            // The demo KAM's own accounts only: Meseta (Milk) is not theirs.
            total: 3,
            points: 3,
            milk: 0,
            filter: { trigger: "select.o_kam_filter_tier", run: "select key" },
            filteredTotal: 1,
            filteredPoints: 1,
            bubble: "Costa Industrial",
        }),
});

registry.category("web_tour.tours").add("kam_management_matrix_dashboard_director_tour", {
    url: "/odoo/crm",
    steps: () =>
        dashboardSteps({
            total: 4,
            points: 4,
            milk: 1,
            filter: { trigger: "select.o_kam_filter_kam", run: "selectByLabel Marc Demo" },
            filteredTotal: 3,
            filteredPoints: 3,
            bubble: "Iberia Retail Group",
        }),
});
