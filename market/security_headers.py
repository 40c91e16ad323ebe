"""The security headers of every response — pages, the API, downloads, errors, static files — set
by Flask-Talisman (docs/security.md, "Security headers").

The pages run only the platform's own script files (`market/static/`, loaded with `<script src>`)
and its own style sheet: no template holds an inline script, event handler or style attribute
(`tests/market/test_security_headers.py` scans them), so the policy needs no `'unsafe-inline'`
and an injected `<script>` or `onclick=` does not run.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask_talisman import Talisman

#: The pages' Content-Security-Policy. The card payment page alone (docs/rules.md §7) loads
#: Stripe.js: `allow_stripe` adds its origin to script-src and frame-src, and Stripe's API origin
#: to connect-src, for that page's response only.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    # No style attribute or <style> block anywhere: the one style sheet is a file.
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",  # suggest.js asks /api/v1/search/suggest
    "object-src": "'none'",
    # A <base> injected into a page would redirect every relative script and form to another site.
    "base-uri": "'none'",
    # An injected form must not post a login or a bid to another site.
    "form-action": "'self'",
    # Clickjacking: no other site may frame a page (X-Frame-Options says it to older browsers).
    "frame-ancestors": "'none'",
}

#: A download's own policy (`market.web.send_attachment`): an uploaded file is never a page of the
#: platform, so whatever a browser makes of it may load nothing, run nothing and be framed nowhere.
DOWNLOAD_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"

#: Same-origin requests keep their Referer, which Flask-WTF checks on HTTPS form posts
#: (WTF_CSRF_SSL_STRICT); other sites get none, so a task's address or a search query typed in
#: /search?q= never leaves the platform with a click on an outside link.
REFERRER_POLICY = "same-origin"

#: Browser features no page uses. (Stripe's payment page will want `payment`, with the page.)
PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "browsing-topics": "()",
}

#: HSTS for a year, for this host only: the platform may run on a subdomain of a department's
#: domain whose other hosts it does not control.
HSTS_MAX_AGE = 365 * 24 * 3600


def is_download(response: Response) -> bool:
    return response.headers.get("Content-Disposition", "").startswith("attachment")


def keep_download_policy(response: Response) -> Response:
    """Talisman writes the pages' policy over every response; a download gets its own back."""
    if is_download(response):
        response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


def origin(url: str) -> str:
    """The scheme, host and port of `url`: what a policy names."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def allow_stripe(script_origin: str, api_origin: str) -> None:
    """Open this response's policy for Stripe.js (docs/rules.md §7), on the card payment page
    only: its script and frames from `script_origin`, its requests to `api_origin`."""
    g.stripe_origins = (script_origin, api_origin)


def stripe_policy(response: Response) -> Response:
    """Talisman wrote the pages' policy; the card page's gets Stripe's origins added."""
    origins = g.get("stripe_origins")
    if origins is None or is_download(response):
        return response
    script_origin, api_origin = origins
    policy = {**CONTENT_SECURITY_POLICY}
    policy["script-src"] += f" {script_origin}"
    policy["frame-src"] = f"'self' {script_origin}"
    policy["connect-src"] += f" {api_origin}"
    response.headers["Content-Security-Policy"] = "; ".join(
        f"{name} {value}" for name, value in policy.items()
    )
    return response


def init_app(app: Flask) -> None:
    """Set the headers of every response. HTTPS is forced (a redirect, HSTS) only where the
    deployment says it runs on HTTPS, by SESSION_COOKIE_SECURE: development and tests run on
    plain HTTP, and HSTS sent from http://localhost would pin a developer's browser to HTTPS."""
    secure = bool(app.config["SESSION_COOKIE_SECURE"])
    # Registered before Talisman's hook, so it runs after it (Flask runs after_request hooks in
    # the reverse order of registration).
    app.after_request(keep_download_policy)
    app.after_request(stripe_policy)
    # One Talisman per app, never a shared one: it keeps its settings on itself, so the last app
    # made (a test's HTTPS app) would set every app's headers and redirects.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=secure,
        strict_transport_security=secure,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        strict_transport_security_include_subdomains=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy=REFERRER_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        x_content_type_options=True,
        # Talisman also sets the session cookie's flags: keep the app's own (market.config).
        session_cookie_secure=secure,
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    fix_headers_once(app, app.extensions["talisman"], secure)


def fix_headers_once(app: Flask, talisman: Talisman, secure: bool) -> None:
    """Talisman works out every header again for each response (the policies joined into
    strings, each view's options looked up four times) and runs two hooks before each request
    that do nothing here: no page has options of its own (`talisman(...)` on a view) and no
    policy takes a nonce. So its headers are worked out once, by Talisman itself on a blank
    response, and each response gets them as they are; HSTS still depends on the request
    (HTTPS only), and the HTTPS redirect stays Talisman's own, where the deployment forces it."""
    assert not talisman.content_security_policy_nonce_in, "a nonce differs per request"
    with app.test_request_context("/"):
        blank = Response()
        talisman._set_response_headers(blank)
    fixed = [
        (name, value)
        for name, value in blank.headers.items()
        if name not in ("Content-Type", "Content-Length", "Strict-Transport-Security")
    ]
    hsts = None
    if talisman.strict_transport_security:
        hsts = f"max-age={talisman.strict_transport_security_max_age}"
        if talisman.strict_transport_security_include_subdomains:
            hsts += "; includeSubDomains"
        if talisman.strict_transport_security_preload:
            hsts += "; preload"

    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in fixed:
            headers[name] = value
        if hsts and (
            request.is_secure or request.headers.get("X-Forwarded-Proto", "http") == "https"
        ):
            headers["Strict-Transport-Security"] = hsts
        return response

    after = app.after_request_funcs[None]
    after[after.index(talisman._set_response_headers)] = set_security_headers
    before = app.before_request_funcs[None]
    before.remove(talisman._make_nonce)
    if not secure:
        before.remove(talisman._force_https)
