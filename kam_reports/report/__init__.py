from . import kam_portfolio_summary, kam_report_pdf
