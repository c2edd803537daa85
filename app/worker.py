"""The worker's entry point: `huey_consumer app.worker.huey` (started by make run and make serve)."""

from app import create_app

flask_app = create_app()
huey = flask_app.extensions["huey"]
