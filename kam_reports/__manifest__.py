# Copyright 2026 Key Account Management contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Key Account Management Reports",
    "summary": "Excel portfolio workbook and printable reports of key accounts: "
    "account plan, key-account one-pager, portfolio summary",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/kam-odoo/key-account-management",
    "author": "Key Account Management contributors",
    "maintainers": ["kam-odoo"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["kam_management", "report_xlsx", "mail"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/kam_reports_security.xml",
        "report/kam_portfolio_xlsx_report.xml",
        "report/kam_reports_pdf.xml",
        "report/kam_report_layout.xml",
        "report/kam_account_plan_report.xml",
        "report/kam_account_onepager_report.xml",
        "report/kam_portfolio_summary_report.xml",
        "wizards/kam_portfolio_report_wizard_views.xml",
        "data/kam_portfolio_mail_data.xml",
        "data/kam_portfolio_cron_data.xml",
        "views/kam_reports_settings_views.xml",
        "views/kam_portfolio_delivery_views.xml",
        "views/kam_reports_menus.xml",
    ],
    "assets": {
        "web.report_assets_common": [
            "kam_reports/static/src/scss/kam_reports.scss",
        ],
    },
}
