from . import (
    kam_alert_dismiss,
    kam_assignment,
    kam_buying_role_succession,
    kam_settings,
    kam_time_allocation,
    survey_invite,
)
