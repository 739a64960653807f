from . import kam_portfolio_xlsx
