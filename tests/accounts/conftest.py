import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast is created with passwords; the real hasher would make every test slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
