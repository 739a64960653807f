from . import kam_settings
