import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("kam_management_account_plan_tour", {
    url: "/odoo/action-kam_management.action_kam_account_my",
    steps: () => [
        {
            content: "The KAM opens one of their key accounts",
            trigger: ".o_kanban_record:contains('Iberia Retail Group')",
            run: "click",
        },
        {
            content: "Open the buying centre",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Buying Centre')",
            run: "click",
        },
        {
            content: "Add a contact to the buying centre",
            trigger: "div[name=buying_role_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "A new person of the customer",
            trigger: "div[name=buying_role_ids] .o_selected_row div[name=partner_id] input",
            run: "edit Elena Ruiz",
        },
        {
            content: "Created on the fly as a contact of the customer",
            trigger: ".o-autocomplete--dropdown-menu .o_m2o_dropdown_option_create a",
            run: "click",
        },
        {
            content: "Our relationship with her is good",
            trigger: "div[name=buying_role_ids] .o_selected_row div[name=relationship_strength] input",
            run: "edit 4",
        },
        {
            content: "Save the account",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "She is in the buying centre",
            trigger: "div[name=buying_role_ids] .o_data_row:contains('Elena Ruiz')",
        },
        {
            content: "Start a new account plan",
            trigger: "button[name=action_new_plan]",
            run: "click",
        },
        {
            content: "The plan belongs to the account",
            trigger: ".o_form_view div[name=account_id]:contains('Iberia Retail Group')",
        },
        {
            content: "Open the action plan",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Action Plan')",
            run: "click",
        },
        {
            content: "Add an action",
            trigger: "div[name=action_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "What to do",
            trigger: "div[name=action_ids] .o_selected_row div[name=name] input",
            run: "edit Joint business review",
        },
        {
            content: "Who does it",
            trigger: "div[name=action_ids] .o_selected_row div[name=owner_id] input",
            run: "edit Marc",
        },
        {
            content: "The KAM",
            trigger: ".o-autocomplete--dropdown-menu a:contains('Marc Demo')",
            run: "click",
        },
        {
            content: "Save the plan",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The action is in the plan",
            trigger: "div[name=action_ids] .o_data_row:contains('Joint business review')",
        },
        {
            content: "And its activity is scheduled for its owner",
            trigger: ".o-mail-Activity:contains('Joint business review')",
        },
    ],
});
