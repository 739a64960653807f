from . import (
    kam_alert_dismiss,
    kam_buying_role_succession,
    kam_settings,
    kam_settings_clv,
)
