from . import (
    test_demo_figures,
    test_pdf_reports,
    test_portfolio_mailing,
    test_portfolio_xlsx,
    test_revenue_consistency,
    test_security_reports,
)
