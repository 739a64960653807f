from . import (
    ir_actions_report,
    kam_portfolio_xlsx,
    report_kam_account_onepager,
    report_kam_account_plan,
    report_kam_portfolio_summary,
)
