"""Flask extensions, created once and bound per app in create_app()."""
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
csrf = CSRFProtect()
migrate = Migrate()
