from . import kam_portfolio_report_wizard, kam_settings
