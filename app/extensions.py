"""Extension objects, created unbound and bound to the app in create_app.

CSRF is checked by each FlaskForm rather than globally, so that an expired token re-renders
the form with what the user typed instead of answering 400.
"""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.core.db import Base
from app.core.i18n import Babel

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
babel = Babel()
# Only the API is rate-limited here (per token, app.api); sign-in has its own throttle counted in the
# database (app.auth.security_log). Storage: RATELIMIT_STORAGE_URI, memory:// or redis://.
limiter = Limiter(get_remote_address, default_limits=[])
