# The mixin first: the other models inherit it.
from . import kam_guard

# isort: split
from . import (
    crm_lead,
    kam_account,
    kam_account_alert,
    kam_account_coverage,
    kam_account_plan,
    kam_agreement,
    kam_alert,
    kam_alert_rule,
    kam_buying_role,
    kam_classification_engine,
    kam_classification_history,
    kam_classification_run,
    kam_competitor,
    kam_decision_role,
    kam_demo,
    kam_plan_action,
    kam_plan_objective,
    kam_position_assessment,
    kam_position_assessment_age,
    kam_position_criterion,
    kam_scorecard,
    kam_team_member,
    mail_activity,
    res_company,
    res_company_coverage,
    res_company_plan,
    res_config_settings,
    res_partner,
)
