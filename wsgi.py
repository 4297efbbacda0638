"""What a WSGI server serves: ``gunicorn wsgi:app`` (or ``waitress-serve wsgi:app``)."""
from webapp import create_app

app = create_app()
