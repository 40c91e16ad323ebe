"""Configuration from environment variables (and an optional `.env`), with embedded defaults.

Every default runs on a laptop with nothing else installed: SQLite, the embedded search engine,
memory rate-limit storage and the local Stripe stand-in. Production swaps each by setting a variable.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

from market import clock

ROOT = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_policy() -> object:
    """POLICY: the policy settings by section (docs/rules.md §1: every number is a default a deployment
    may change), a JSON object whose content `market.policy` checks; unset ⇒ the design's numbers,
    which live in each section's dataclass."""
    raw = os.environ.get("POLICY", "").strip()
    try:
        return json.loads(raw) if raw else {}
    except json.JSONDecodeError as exc:
        raise ValueError(f"POLICY: not valid JSON ({exc})") from None


def from_environment() -> dict:
    """Read the configuration; `.env` in the working directory is loaded first if present."""
    load_dotenv(ROOT / ".env", override=False)
    instance = ROOT / "instance"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-secret-change-me"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'market.db'}"),
        "MEILISEARCH_URL": os.environ.get("MEILISEARCH_URL", ""),
        "MEILISEARCH_KEY": os.environ.get("MEILISEARCH_KEY", ""),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", "http://127.0.0.1:8420"),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", "sk_test_local"),
        # Stripe's signing secret of the webhook endpoint (POST /stripe/webhook), the key the
        # browser's Stripe.js uses, and where Stripe.js is loaded from (localstripe's copy by
        # default; https://js.stripe.com/v3/ in production). README, "Card payments".
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_local"),
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", "pk_test_local"),
        "STRIPE_JS_URL": os.environ.get("STRIPE_JS_URL", ""),
        # Seconds a call to Stripe may take before it counts as "Stripe unreachable".
        "STRIPE_TIMEOUT": float(os.environ.get("STRIPE_TIMEOUT", "10")),
        # Escrow is a deployment's choice (holding funds can require a payment licence): on, the
        # `private`/`state_owned` contracts up to the card limit (fen) are paid by card into escrow;
        # off, and always for `budget` contracts and above the limit, payments are recorded.
        "ESCROW_ENABLED": _env_bool("ESCROW_ENABLED", True),
        "CARD_LIMIT_FEN": int(os.environ.get("CARD_LIMIT_FEN", "5000000")),
        # Draw seeds are encrypted with this key (kept outside the database).
        "DRAW_SEED_KEY": os.environ.get("DRAW_SEED_KEY", ""),
        "SIGNING_KEY_PATH": os.environ.get("SIGNING_KEY_PATH", str(instance / "signing_key.pem")),
        # Legal representatives' identity numbers are kept only as HMACs under this key (kept
        # outside the database); unset, one is generated in instance/ (market/identity.py).
        "IDENTITY_HASH_KEY": os.environ.get("IDENTITY_HASH_KEY", ""),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        # Mail (market/mail.py): an SMTP server, or, unset, .eml files written to MAIL_DIR.
        "MAIL_SMTP_HOST": os.environ.get("MAIL_SMTP_HOST", ""),
        "MAIL_SMTP_PORT": int(os.environ.get("MAIL_SMTP_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@zjm.localhost"),
        "MAIL_DIR": os.environ.get("MAIL_DIR", str(instance / "mail")),
        # The CJK font of PDF notices (bidding/notices/pdf.py); empty ⇒ Debian's fonts-noto-cjk.
        "PDF_FONT": os.environ.get("PDF_FONT", ""),
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", False),
        "PASSWORD_HASH_TIME_COST": int(os.environ.get("PASSWORD_HASH_TIME_COST", "3")),
        "PASSWORD_HASH_MEMORY_KIB": int(os.environ.get("PASSWORD_HASH_MEMORY_KIB", "65536")),
        "BABEL_DEFAULT_LOCALE": os.environ.get("BABEL_DEFAULT_LOCALE", "zh"),
        "POLICY": _env_policy(),
        # A production deployment: refuses the settings that exist for demonstrations only.
        "PRODUCTION": _env_bool("PRODUCTION", False),
        # The demo clock ("+3d", "-2h", "+1d12h"): the platform's time runs this far from the real
        # time (market/clock.py); refused when PRODUCTION is on.
        "DEMO_CLOCK_OFFSET": os.environ.get("DEMO_CLOCK_OFFSET", ""),
        # Seconds a web process answers anonymous visitors with the same rendering of a public
        # page (market/page_cache.py); 0 turns the cache off.
        "PUBLIC_PAGE_CACHE_SECONDS": float(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "2")),
    }


def demo_clock_offset(config) -> timedelta:
    """The configured demo clock offset; raises ValueError when it is malformed, or when it is
    set in production (a shifted clock would misdate bids, openings and the audit log)."""
    offset = clock.parse_offset(config.get("DEMO_CLOCK_OFFSET", ""))
    if offset and config.get("PRODUCTION"):
        raise ValueError(
            "DEMO_CLOCK_OFFSET is refused in production (PRODUCTION is on): "
            "the platform's clock must be the real time"
        )
    return offset


def defaults() -> dict:
    """Settings that do not come from the environment."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "market" / "translations"),
        "LANGUAGES": ["zh", "en"],
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "PAGE_SIZE": 20,
    }
