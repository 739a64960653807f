import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("kam_management_assignment_tour", {
    steps: () => [
        {
            content: "The director asks for a proposal",
            trigger: ".modal button[name=action_propose]",
            run: "click",
        },
        {
            content: "Atlántica Foods would go to Marta Ruiz",
            trigger:
                ".modal div[name=line_ids] .o_data_row:contains('Atlántica Foods'):contains('Marta Ruiz')",
        },
        {
            content: "Meseta Supplies stays with its KAM: untick it",
            trigger:
                ".modal div[name=line_ids] .o_data_row:contains('Meseta Supplies') td[name=selected] input",
            run: "click",
        },
        {
            content: "Unticked",
            trigger:
                ".modal div[name=line_ids] .o_data_row:contains('Meseta Supplies') td[name=selected] input:not(:checked)",
        },
        {
            content: "Apply the ticked change",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "One key account has a new KAM",
            trigger: ".o_notification:contains('has a new KAM')",
        },
    ],
});

registry.category("web_tour.tours").add("kam_management_time_allocation_tour", {
    steps: () => [
        {
            content: "The KAM shows their time of the last three months",
            trigger: ".modal button[name=action_compute]",
            run: "click",
        },
        {
            content: "Their time per activity against the reference",
            trigger: ".o_list_view .o_data_row:contains('Solving Day-to-Day Internal Problems')",
        },
        {
            content: "Above the reference is highlighted",
            trigger: ".o_list_view .o_data_row.text-warning:contains('More than the Reference')",
        },
    ],
});
