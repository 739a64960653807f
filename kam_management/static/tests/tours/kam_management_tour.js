import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("kam_management_classification_tour", {
    url: "/odoo/action-kam_management.action_kam_account_all",
    steps: () => [
        {
            content: "The classified customers are listed",
            trigger: ".o_list_view .o_data_row td:contains('Iberia Retail Group')",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep class A customers only",
            trigger: ".o_filter_menu .o-dropdown-item:contains('Class A')",
            run: "click",
        },
        {
            content: "A class C customer is filtered out",
            trigger: ".o_list_view:not(:has(td:contains('Rioja Wines Cooperative')))",
        },
        {
            content: "Open the key account",
            trigger: ".o_data_row td.o_data_cell:contains('Iberia Retail Group')",
            run: "click",
        },
        {
            content: "Its quadrant is shown on the matrix",
            trigger: ".o_form_view .o_kam_matrix .o_kam_matrix_current:contains('Invest')",
        },
        {
            content: "The recommended strategy is explained",
            trigger: ".o_field_widget[name=strategy]:contains('mine of future growth')",
        },
        {
            content: "So are the scores behind it",
            trigger: ".o_field_widget[name=score_explanation]:contains('Account potential')",
        },
        {
            content: "Open the run that classified it",
            trigger: ".o_field_widget[name=last_run_id] a",
            run: "click",
        },
        {
            // How many customers are A depends on the demo invoices of the
            // installed apps (test_tour checks the count against the accounts).
            content: "The run reads its counts",
            trigger: ".o_form_view .o_field_widget[name=count_a]",
            run() {
                const shown = this.anchor.textContent.trim();
                if (!/^[1-9][0-9]*$/.test(shown)) {
                    throw new Error(`The run shows ${shown} class A customers`);
                }
            },
        },
        {
            content: "And its moves",
            trigger: ".o_form_view .o_field_widget[name=history_ids] .o_data_row",
        },
    ],
});

registry.category("web_tour.tours").add("kam_management_partner_tour", {
    steps: () => [
        {
            content: "The customer form has a Key Account tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Key Account')",
            run: "click",
        },
        {
            content: "It shows the classification of the current company",
            trigger: ".o_field_widget[name=kam_account_ids] .o_data_row:contains('Invest')",
        },
        {
            content: "The smart button opens the key account",
            trigger: "button[name=action_open_kam_account]",
            run: "click",
        },
        {
            content: "The key account form opens",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains('Iberia Retail Group')",
        },
    ],
});
