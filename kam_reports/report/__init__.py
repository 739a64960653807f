from . import ir_actions_report, kam_portfolio_summary, kam_report_pdf
