from . import (
    ir_actions_report,
    kam_portfolio_summary,
    kam_portfolio_xlsx,
    kam_report_pdf,
)
