"""Extension objects, created unbound and bound to the app in create_app.

CSRF is checked by each FlaskForm rather than globally, so that an expired token re-renders
the form with what the user typed instead of answering 400.
"""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
babel = Babel()
