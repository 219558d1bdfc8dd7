"""Entry point: `flask --app run` for commands, `python run.py` for a local server,
`gunicorn 'run:app'` in production."""
import os

from app import create_app

app = create_app(os.environ.get("APP_ENV", "development"))

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8080")))
