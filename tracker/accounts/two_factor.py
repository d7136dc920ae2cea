"""Two-factor sign-in: a TOTP authenticator app, and ten single-use recovery codes.

Built on django-otp (its TOTPDevice and StaticDevice models, `verify_token`, its
middleware's ``request.user.is_verified()``); the pages are the tracker's own
(tracker.accounts.views), so they follow its templates, translations and CSP.

How a log-in goes:

1. The log-in form checks the password (django-axes counts a wrong one). A person without a
   confirmed authenticator is logged in at once. For a person with one, nobody is logged in
   yet: the session only remembers, for `PENDING_SECONDS`, who passed the password
   (`start_pending`), and the browser goes to the code page.
2. The code page takes the app's 6-digit code or a recovery code. A wrong one is reported
   to django-axes as a failed log-in of that username, so wrong codes and wrong passwords
   add up to the same lock-out; while locked, even the right code is refused. The right
   one logs the person in, with the device that verified them (`django_otp.login`), and
   axes clears the failures as for any log-in.

Rules that hold the rest together:

- Adding or removing an authenticator changes the account's security stamp, which is part
  of the session hash (`User.get_session_auth_hash`), so every other session of the account
  ends: a session of a person who has an authenticator has always passed it. The session
  that enrols stays logged in (`update_session_auth_hash`), as after a password change.
- Roles named in ``settings.MFA_REQUIRED_ROLES`` must have an authenticator: until they do,
  their session reaches only the enrolment page, log-out and the language switch
  (tracker.accounts.middleware.TwoFactorMiddleware). The Django admin asks everyone for a
  verified session (tracker.accounts.admin_site).
- Recovery codes are django-otp static tokens: each works once, and a new set replaces the
  old one. django-otp stores them as they are (a database reader could use one, but would
  still need the password).
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

RECOVERY_CODE_COUNT = 10
# How long the code page waits for the code after the password was right.
PENDING_SECONDS = 5 * 60
# Session keys of a log-in that passed the password and owes the code.
PENDING_USER_KEY = "tracker_2fa_user"
PENDING_BACKEND_KEY = "tracker_2fa_backend"
PENDING_HASH_KEY = "tracker_2fa_hash"
PENDING_SINCE_KEY = "tracker_2fa_since"
PENDING_NEXT_KEY = "tracker_2fa_next"
# The secret being enrolled, kept in the session until the first code confirms it.
ENROL_KEY = "tracker_2fa_enrol_key"
# Recovery codes just made, shown once by the recovery-codes page.
NEW_CODES_KEY = "tracker_2fa_new_codes"


def is_required(user) -> bool:
    """Whether the person's role must sign in with a second factor."""
    return bool(user.role) and user.role in settings.MFA_REQUIRED_ROLES


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Enrolment ---------------------------------------------------------------------------


def enrolment_key(request: HttpRequest) -> str:
    """The secret on offer to this session: made on the first visit, kept until confirmed."""
    key = request.session.get(ENROL_KEY)
    if not key:
        key = random_hex(20)
        request.session[ENROL_KEY] = key
    return key


DEVICE_NAME = _("Authenticator app")


def unsaved_device(user, key: str) -> TOTPDevice:
    """The device the secret will become, unsaved: for its otpauth:// address."""
    return TOTPDevice(user=user, key=key, name=str(DEVICE_NAME))


def secret_for_manual_entry(key: str) -> str:
    """The base32 secret an app asks for when typed by hand, in groups of four."""
    secret = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG in a data: URI, made here (the
    CSP allows data: images; nothing is fetched from elsewhere)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def matching_step(key: str, code: str) -> tuple[int, int] | None:
    """(time step, drift) of a code the secret produces now, give or take one step."""
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=1):
        return totp.t(), totp.drift
    return None


def new_recovery_tokens() -> list[str]:
    return [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]


def show_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


# --- Log-in ------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def verify_code(user, code: str) -> Device | None:
    """The device that accepts the code: the app for six digits, else the recovery codes.

    Each code goes to one device, as django-otp advises, so an app code never counts as a
    wrong recovery code (or the reverse) in django-otp's own throttling.
    """
    code = normalise_code(code)
    model = TOTPDevice if is_app_code(code) else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def report_failure(request: HttpRequest, user) -> None:
    """A wrong code counts as a failed log-in of the username, as a wrong password does:
    django-axes receives the same signal Django sends for a password."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )


def start_pending(request: HttpRequest, user, next_url: str) -> None:
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_BACKEND_KEY] = user.backend
    request.session[PENDING_HASH_KEY] = user.get_session_auth_hash()
    request.session[PENDING_SINCE_KEY] = int(time.time())
    request.session[PENDING_NEXT_KEY] = next_url


def pending_user(request: HttpRequest):
    """Who passed the password in this session and owes the code; None once it is too late,
    or if the password (or the second factor) changed meanwhile."""
    user_id = request.session.get(PENDING_USER_KEY)
    since = request.session.get(PENDING_SINCE_KEY, 0)
    if user_id is None or time.time() - since > PENDING_SECONDS:
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or user.get_session_auth_hash() != request.session.get(PENDING_HASH_KEY):
        return None
    user.backend = request.session.get(PENDING_BACKEND_KEY, settings.AUTHENTICATION_BACKENDS[-1])
    return user


def pending_next(request: HttpRequest) -> str:
    return request.session.get(PENDING_NEXT_KEY, "")


def has_pending(request: HttpRequest) -> bool:
    return PENDING_USER_KEY in request.session


def end_pending(request: HttpRequest) -> None:
    for key in (
        PENDING_USER_KEY,
        PENDING_BACKEND_KEY,
        PENDING_HASH_KEY,
        PENDING_SINCE_KEY,
        PENDING_NEXT_KEY,
    ):
        request.session.pop(key, None)


# --- The security stamp ------------------------------------------------------------------


def _renew_stamp(user_id: int) -> None:
    # An update, not a save: no history row, and no need for the rest of the user.
    User = get_user_model()
    User._default_manager.filter(pk=user_id).update(security_stamp=User.new_security_stamp())


def device_saved(sender, instance: TOTPDevice, created: bool, **kwargs) -> None:
    """A confirmed authenticator appeared (enrolment, or added in the admin): the account's
    other sessions end. Saves of a known device (its last used step) change nothing."""
    if kwargs.get("raw") or not instance.confirmed:
        return
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and "confirmed" in update_fields):
        _renew_stamp(instance.user_id)


def device_deleted(sender, instance: TOTPDevice, **kwargs) -> None:
    if instance.confirmed:
        _renew_stamp(instance.user_id)
