import { registry } from "@web/core/registry";

// A field's value is the cell next to its label's (18.0 wraps the two in a
// row, 19.0 lays the cells out in the group's grid).
registry.category("web_tour.tours").add("kam_management_survey_tour", {
    steps: () => [
        {
            content: "Open the scorecard of an account whose survey is not answered yet",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Scorecard')",
            run: "click",
        },
        {
            content: "The survey score says 'not enough data', not 0",
            trigger:
                ".o_wrap_label:has(label:contains('Survey Score (0-10)')) + .o_wrap_input div[name=scorecard_no_data]:contains('not enough data')",
        },
        {
            content: "So does the Satisfaction area",
            trigger:
                ".o_wrap_label:has(label:contains('Satisfaction (0-100)')) + .o_wrap_input div[name=scorecard_no_data]:contains('not enough data')",
        },
        {
            content: "One survey was sent in the period",
            trigger:
                ".o_wrap_label:has(label:contains('Surveys Sent in the Period')) + .o_wrap_input div[name=sc_survey_sent_count]:contains('1')",
        },
        {
            content: "Send the satisfaction survey again",
            trigger: ".o_form_view button[name=action_send_satisfaction_survey]",
            run: "click",
        },
        {
            content: "Odoo's invitation, prefilled with the account's contact",
            trigger: ".modal div[name=partner_ids]:contains('Elena Gil')",
        },
        {
            content: "For this key account",
            trigger: ".modal div[name=kam_account_id]:contains('Meseta Supplies')",
        },
        {
            content: "Send it",
            trigger: ".modal button[name=action_invite]",
            run: "click",
        },
        {
            content: "The invitation is sent",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
