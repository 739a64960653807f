# Copyright 2026 Key Account Management contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Key Account Management",
    "summary": "Key accounts, KAMs and account teams, with nightly Pareto/ABC, "
    "RFM and potential-vs-position classification",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/kam-odoo/key-account-management",
    "author": "Key Account Management contributors",
    "maintainers": ["kam-odoo"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "application": True,
    "depends": ["crm", "sale", "account"],
    "external_dependencies": {"python": ["pandas", "numpy"]},
    "data": [
        "security/kam_management_security.xml",
        "security/ir.model.access.csv",
        "security/kam_plan_security.xml",
        "security/kam_buying_centre_security.xml",
        "data/ir_cron_data.xml",
        "data/kam_position_criterion_data.xml",
        "data/kam_decision_role_data.xml",
        "data/kam_plan_cron_data.xml",
        "views/kam_account_views.xml",
        "views/kam_classification_run_views.xml",
        "views/kam_classification_history_views.xml",
        "views/kam_position_criterion_views.xml",
        "views/kam_position_assessment_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/kam_menus.xml",
        "views/kam_account_plan_views.xml",
        "views/kam_agreement_views.xml",
        "views/kam_competitor_views.xml",
        "views/crm_lead_views.xml",
        "views/kam_buying_role_views.xml",
        "wizard/kam_buying_role_succession_views.xml",
    ],
    "demo": [
        "demo/kam_demo.xml",
        "demo/kam_plan_demo.xml",
        "demo/kam_buying_centre_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "kam_management/static/src/scss/kam_management.scss",
        ],
        "web.assets_tests": [
            "kam_management/static/tests/tours/*.js",
        ],
    },
}
