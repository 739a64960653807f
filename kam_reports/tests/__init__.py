from . import test_portfolio_mailing, test_portfolio_xlsx
