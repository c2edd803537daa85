# Copy to instance/config.py (`make run` creates one with a fresh secret key).
# Settings here override the defaults in app/config.py; environment variables override both.
SECRET_KEY = "change-me-to-a-long-random-string"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://user:password@localhost/styrregister"
# MAIL_SERVER = "smtp.example.org"
