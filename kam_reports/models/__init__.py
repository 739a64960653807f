from . import (
    kam_portfolio_data,
    kam_portfolio_delivery,
    kam_portfolio_mailing,
    res_company,
    res_users,
)
