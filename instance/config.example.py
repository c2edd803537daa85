# Copy to instance/config.py (`make run` creates one with a fresh secret key).
# Settings here override the defaults in app/config.py; environment variables override both.
# Required outside debug: at least 32 random bytes, e.g. the output of
#   python3 -c 'import secrets; print(secrets.token_hex(32))'
SECRET_KEY = ""
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://user:password@localhost/styrregister"
# MAIL_SERVER = "smtp.example.org"
