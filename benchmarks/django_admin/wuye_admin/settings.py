"""Settings of the Django admin the work-order list is measured against.

Django's own tables (auth, sessions, content types, admin log) live in their own database
(DJANGO_OWN_URL, `scale_django`); the application's tables are read from the scale
database (DJANGO_SCALE_URL) over a read-only connection, so nothing here can write to them.
Everything else is what `django-admin startproject` gives, with DEBUG off and persistent
database connections, as a team would deploy it.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def database(url: str, **extra) -> dict:
    """A DATABASES entry from a postgresql:// URL (psycopg 3)."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Kept open between requests (Django's production advice), like the app's pool.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        **extra,
    }


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-only-for-manage-py-checks")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "workorders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wuye_admin.urls"
WSGI_APPLICATION = "wuye_admin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database(os.environ.get(
        "DJANGO_OWN_URL", "postgresql://postgres@127.0.0.1:5432/scale_django")),
    "scale": database(
        os.environ.get("DJANGO_SCALE_URL", "postgresql://postgres@127.0.0.1:5432/scale"),
        OPTIONS={"options": "-c default_transaction_read_only=on"}),
}
DATABASE_ROUTERS = ["wuye_admin.routers.ScaleRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The app's pages are in Chinese; its times are the estates' wall-clock times (naive).
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = False

STATIC_URL = "static/"
