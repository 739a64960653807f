from . import (
    test_account_plan,
    test_alerts,
    test_buying_centre,
    test_classification,
    test_classification_display,
    test_classify_now,
    test_config,
    test_scorecard,
    test_security,
    test_security_attacks,
    test_tour,
    test_ui_first_use,
)
