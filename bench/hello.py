"""The reference: a bare Flask app answering "Hello", served by gunicorn with the same settings as the
register, so that the benchmark can say how far the register is from what Flask and gunicorn give at all
on this machine."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello"
