import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("kam_management_buying_centre_tour", {
    steps: () => [
        {
            content: "The key account opens its relationship map",
            trigger: ".o_form_view button[name=action_view_buying_centre]",
            run: "click",
        },
        {
            content: "The relationship map shows the champions in their column",
            trigger:
                ".o_kanban_view .o_kanban_group:has(.o_column_title:contains('Champion')) .o_kanban_record:contains('Javier Molina')",
        },
        {
            content: "With their reporting line",
            trigger: ".o_kanban_record:contains('Javier Molina'):contains('Reports to'):contains('Carmen Ortega')",
        },
        {
            content: "The strength of the relationship is shown as stars",
            trigger: ".o_kanban_record:contains('Carmen Ortega') .fa-star",
        },
        {
            content: "Influence and attitude are coloured badges",
            trigger: ".o_kanban_record:contains('Carmen Ortega') .badge.text-bg-danger:contains('High')",
        },
        {
            content: "Open the decision maker",
            trigger: ".o_kanban_record:contains('Carmen Ortega')",
            run: "click",
        },
        {
            content: "Her interests and motivations are on the form",
            trigger: ".o_form_view .o_field_widget[name=personal_interests]",
        },
        {
            content: "And how long ago we last spoke to her",
            trigger: ".o_form_view .o_field_widget[name=days_since_interaction]",
        },
    ],
});

registry.category("web_tour.tours").add("kam_management_coverage_tour", {
    steps: () => [
        {
            content: "The key account warns about its coverage gaps",
            trigger: ".o_form_view .alert-warning:contains('No decision maker')",
        },
        {
            content: "Open the buying centre page",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Buying Centre')",
            run: "click",
        },
        {
            content: "It lists the one contact we have",
            trigger: ".o_field_widget[name=buying_role_ids] .o_data_row:contains('Marta Iglesias')",
        },
        {
            content: "The smart button opens the relationship map",
            trigger: "button[name=action_view_buying_centre]",
            run: "click",
        },
        {
            content: "Of this account only",
            trigger: ".o_kanban_view .o_kanban_record:contains('Marta Iglesias')",
        },
    ],
});
