# Copyright 2026 Key Account Management contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Key Account Reports",
    "summary": "Management reports of key accounts: account plan, key-account "
    "one-pager and portfolio summary",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/kam-odoo/key-account-management",
    "author": "Key Account Management contributors",
    "maintainers": ["kam-odoo"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kam_management"],
    "data": [
        "report/kam_reports_pdf.xml",
        "report/kam_report_layout.xml",
        "report/kam_account_plan_report.xml",
        "report/kam_account_onepager_report.xml",
        "report/kam_portfolio_summary_report.xml",
    ],
    "assets": {
        "web.report_assets_common": [
            "kam_reports/static/src/scss/kam_reports.scss",
        ],
    },
}
