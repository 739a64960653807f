from . import kam_portfolio_data, kam_portfolio_mailing
