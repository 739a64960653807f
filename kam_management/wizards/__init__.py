from . import (
    kam_alert_dismiss,
    kam_assignment_line,
    kam_assignment_wizard,
    kam_buying_role_succession,
    kam_settings,
    kam_time_allocation,
    kam_time_allocation_line,
    survey_invite,
)
