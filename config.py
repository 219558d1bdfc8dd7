"""Configuration: one base, one per environment, secrets from the environment.

Why a class per environment: tests must be cheap (fast hashing, no rate limit), production
must be strict (a real SECRET_KEY, Secure cookies). Everything else is shared.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # SQLAlchemy 2 maps a bare postgresql:// to psycopg2, which we do not ship.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    return url


MIN_SECRET_LENGTH = 32
# Keys that were ever written in this repository: never accepted in production.
PUBLISHED_KEYS = frozenset({"dev-only-not-secret", "test-secret-key"})


def instance_secret_key(folder: Path | None = None) -> str:
    """A random key generated once per machine and kept in instance/ (not in git), so a
    development server never signs cookies with a key anyone can read."""
    import secrets

    path = (folder or BASE_DIR / "instance") / "secret_key"
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= MIN_SECRET_LENGTH and key not in PUBLISHED_KEYS:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


class BaseConfig:
    APP_NAME = "Property Service Desk"
    # Never a constant: production takes it from the environment (checked at start),
    # development generates one per machine and keeps it in instance/ (see secret_key()).
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{BASE_DIR / 'instance' / 'app.db'}")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Wall clock of the estates for workflow times and deadlines (Hong Kong: same offset).
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
    # Photos attached to work orders (R-WO-1): size and type limits.
    PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", 5 * 1024 * 1024))
    PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024

    # Flask-AppBuilder
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    FAB_ADD_SECURITY_VIEWS = True
    FAB_API_SWAGGER_UI = True
    FAB_UPDATE_PERMS = True
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.SecurityManager"
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    APP_THEME = ""

    # Password policy (NIST 800-63B style: length plus blocklist, no composition rules).
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = "app.security.passwords.validate_password"
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"
    FAB_PASSWORD_HASH_METHOD = "scrypt"

    # Login rate limit per client address (the form and the API alike).
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = "10 per minute"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Worker-local counters are only right with one worker process; production uses Redis
    # unless the deployment says it runs a single worker.
    RATELIMIT_SINGLE_WORKER = os.environ.get("RATELIMIT_SINGLE_WORKER", "") == "1"
    # Failed sign-ins: after this many from one address for one account, that address
    # waits before trying that account again, twice as long after each further failure.
    # Nobody else is affected, so a stranger cannot lock a colleague out.
    LOGIN_THROTTLE_AFTER = 5
    LOGIN_THROTTLE_FIRST_SECONDS = 30
    LOGIN_THROTTLE_MAX_SECONDS = 15 * 60
    # Lists and the REST API count matching rows up to this many and then say "1,000+":
    # an exact count over a million-row scope costs more than the page itself.
    LIST_COUNT_CAP = int(os.environ.get("LIST_COUNT_CAP", "1000"))
    # Clients behind this many reverse proxies: their address comes from X-Forwarded-For.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=60)
    SESSION_REFRESH_EACH_REQUEST = True
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds the token
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=30)

    # Locales: exactly these keys and catalog folders (see STACK.md on zh_TW / zh_HK).
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "en": {"flag": "gb", "name": "English"},
        "zh_Hans": {"flag": "cn", "name": "简体中文"},
        "zh_Hant": {"flag": "hk", "name": "繁體中文"},
    }

    # Phone numbers are shown in full only to roles holding this permission (R-RES-2).
    PHONE_MASK_KEEP = (3, 4)

    # Printed forms (R-PR): free text converted to the form's Chinese script with OpenCC;
    # fonts per script; the address QR codes point to (needed outside a request);
    # the most records in one PDF.
    PRINT_CONVERT_SCRIPT = True
    PRINT_FONTS: dict = {}
    PRINT_BASE_URL = os.environ.get("PRINT_BASE_URL") or None
    PRINT_MAX_BATCH = 100
    # The most rows one list export (xlsx / CSV) may hold; above it the person narrows the
    # filters instead of the server building a file it cannot hold in memory.
    EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", 50_000))
    # An export of more rows than this is written by a background worker while the person
    # watches its progress (Queues → Print jobs), never by a web worker.
    EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "2000"))
    # A document of this many sheets or more is laid out on several processes at once,
    # PRINT_PROCESSES of them (default: one per core; 1 lays everything out in one).
    PRINT_PARALLEL_SHEETS = int(os.environ.get("PRINT_PARALLEL_SHEETS", "40"))
    PRINT_PROCESSES = int(os.environ.get("PRINT_PROCESSES", "0")) or None
    # A batch of printed forms is a background job: at most this many records, laid out
    # in parts of this many sheets, each part on whichever worker process is free.
    PRINT_JOB_MAX_BATCH = int(os.environ.get("PRINT_JOB_MAX_BATCH", "5000"))
    PRINT_JOB_PART_SHEETS = int(os.environ.get("PRINT_JOB_PART_SHEETS", "20"))
    JOB_RETENTION_DAYS = int(os.environ.get("JOB_RETENTION_DAYS", "7"))

    # Celery: Redis shared by every host in production (CELERY_BROKER_URL=redis://…/1);
    # without it, a folder of this instance that the local worker of bin/start reads.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
    CELERY_BROKER_FOLDER = BASE_DIR / "instance" / "broker"
    CELERY_ALWAYS_EAGER = os.environ.get("CELERY_ALWAYS_EAGER", "0") == "1"
    # Only where a caller waits for a task's answer (the worker's integration test).
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
    CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600"))
    SLA_TICK_SECONDS = int(os.environ.get("SLA_TICK_SECONDS", "60"))


class DevelopmentConfig(BaseConfig):
    DEBUG = False

    @classmethod
    def check(cls) -> None:
        cls.SECRET_KEY = os.environ.get("SECRET_KEY") or instance_secret_key()


class TestConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    # In-memory SQLite unless DATABASE_URL names another database (CI runs PostgreSQL too).
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Hashing is the slowest part of a test run; the method itself is not under test.
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    AUTH_RATE_LIMITED = False
    RATELIMIT_ENABLED = False
    FAB_UPDATE_PERMS = True
    # Tasks run in the test's own process and transaction, but for the one test that
    # starts a real worker on Redis.
    CELERY_ALWAYS_EAGER = os.environ.get("CELERY_ALWAYS_EAGER", "1") == "1"


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret or with per-worker rate-limit counters."""
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < MIN_SECRET_LENGTH or key in PUBLISHED_KEYS:
            raise RuntimeError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                "characters in production, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'")
        cls.SECRET_KEY = key
        storage = os.environ.get("RATELIMIT_STORAGE_URI", cls.RATELIMIT_STORAGE_URI)
        if storage.startswith("memory://") and not cls.RATELIMIT_SINGLE_WORKER \
                and os.environ.get("RATELIMIT_SINGLE_WORKER", "") != "1":
            raise RuntimeError(
                "RATELIMIT_STORAGE_URI must name a shared store in production "
                "(redis://host:6379/0), or set RATELIMIT_SINGLE_WORKER=1 for one worker")
        cls.RATELIMIT_STORAGE_URI = storage


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
