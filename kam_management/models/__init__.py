from . import (
    kam_account,
    kam_classification_engine,
    kam_classification_history,
    kam_classification_run,
    kam_demo,
    kam_position_assessment,
    kam_position_criterion,
    kam_team_member,
    res_company,
    res_config_settings,
    res_partner,
)
