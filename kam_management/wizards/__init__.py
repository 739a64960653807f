from . import kam_buying_role_succession, kam_settings
