import { registry } from "@web/core/registry";

function columnTitles() {
    return [...document.querySelectorAll(".o_kanban_group .o_column_title")].map((el) =>
        el.textContent.trim()
    );
}

registry.category("web_tour.tours").add("kam_management_first_use_tour", {
    url: "/odoo/action-kam_management.action_kam_account_all",
    steps: () => [
        {
            content: "Switch the key accounts to the kanban view",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The columns follow the matrix: Invest, Selective Investment, Maintain, Milk",
            trigger: ".o_kanban_view .o_kanban_group .o_kanban_record:contains('Iberia Retail Group')",
            run() {
                const titles = columnTitles();
                const expected = ["Invest", "Selective Investment", "Maintain", "Milk"];
                expected.forEach((title, index) => {
                    if (!(titles[index] || "").startsWith(title)) {
                        throw new Error(`Column ${index + 1} is ${titles[index]}, not ${title}`);
                    }
                });
            },
        },
        {
            content: "No quick create in the quadrant columns",
            trigger: ".o_kanban_view:not(:has(.o_kanban_quick_add))",
        },
        {
            content: "A new key account opens the form",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "It picks a customer; not archived and nothing to lock yet",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run() {
                const form = document.querySelector(".o_form_view");
                if (form.querySelector(".ribbon")) {
                    throw new Error("A new key account shows a ribbon");
                }
                if (form.querySelector("button[name=action_lock_quadrant]")) {
                    throw new Error("A new key account can be locked");
                }
            },
        },
        {
            content: "Discard the new record",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "Open a key account",
            trigger: ".o_kanban_record:contains('Iberia Retail Group')",
            run: "click",
        },
        {
            content: "Its place on the matrix is highlighted",
            trigger: ".o_form_view .o_kam_matrix .o_kam_matrix_current:contains('Invest')",
        },
        {
            content: "Open its relationship map",
            trigger: ".o_form_view button[name=action_view_buying_centre]",
            run: "click",
        },
        {
            content: "The cards show the people's own names; the five columns fit the screen",
            trigger: ".o_kanban_view .o_kanban_record .o_kam_contact_name:contains('Carmen Ortega')",
            run() {
                for (const el of document.querySelectorAll(".o_kanban_record .o_kam_contact_name")) {
                    if (el.textContent.includes(",")) {
                        throw new Error(`Card title ${el.textContent} names the company`);
                    }
                }
                const groups = document.querySelectorAll(".o_kanban_group");
                if (groups.length !== 5) {
                    throw new Error(`${groups.length} attitude columns instead of 5`);
                }
                const right = groups[groups.length - 1].getBoundingClientRect().right;
                if (right > window.innerWidth) {
                    throw new Error(
                        `The last column ends at ${right}px, beyond the ${window.innerWidth}px window`
                    );
                }
            },
        },
        {
            content: "Lucía left the customer: open her card",
            trigger: ".o_kanban_record:contains('Lucía Fernández')",
            run: "click",
        },
        {
            content: "Mark her as left",
            trigger: ".o_form_view button[name=action_contact_left]",
            run: "click",
        },
        {
            content: "Name who replaced her",
            trigger: ".modal div[name=successor_partner_id] input",
            run: "edit Nuria Gómez",
        },
        {
            content: "A new contact of the customer",
            trigger: ".o-autocomplete--dropdown-menu .o_m2o_dropdown_option_create a",
            run: "click",
        },
        {
            content: "Confirm the succession",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The successor's role says whom she replaces",
            trigger: ".o_form_view div[name=predecessor_ids]:contains('Lucía Fernández')",
        },
        {
            content: "She took over Lucía's decision role",
            trigger: ".o_form_view div[name=role_ids]:contains('Gatekeeper')",
        },
        {
            content: "Back to the buying centre",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Buying Centre')",
            run: "click",
        },
        {
            content: "The map shows the change",
            trigger: ".o_kanban_record:contains('Nuria Gómez'):contains('Replaces'):contains('Lucía Fernández')",
        },
        {
            content: "Lucía is no longer on the map",
            trigger: ".o_kanban_view:not(:has(.o_kam_contact_name:contains('Lucía')))",
        },
    ],
});
