from . import test_classification, test_config, test_security, test_tour
