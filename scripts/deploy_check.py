"""Starts the tracker the way deploy/ runs it in production, then uses it as a person would.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app scripts/deploy-check

- Environment: deploy/tracker.env.example, read as systemd reads an EnvironmentFile, with
  three values replaced: DATABASE_URL (a fresh database beside the one given, named
  "<name>_deploy" and dropped at the end; the role needs CREATEDB), SECRET_KEY (random) and
  TRACKER_VAR_DIR (a temporary folder). Everything else, DEBUG=0 and the proxy settings
  included, is the file's.
- As docs/deployment.md says, through deploy/manage (which reads the environment file with
  the shell): `check --deploy --fail-level WARNING`, `migrate`, `collectstatic`, and one user
  with a role.
- gunicorn: the ExecStart line of deploy/tracker-web.service, with /srv/tracker replaced by
  this checkout, plus `--bind` on a free loopback port (the config file stays the unit's).
- First straight to gunicorn, with the headers nginx would set (Host, X-Forwarded-Proto:
  https, X-Forwarded-For): /healthz answers 200 with an empty body; a plain-HTTP page is
  redirected to https; the log-in page, the log-in itself (CSRF token and all), the dashboard
  with the user's name, a hashed static file from WhiteNoise, and the milestone list answer.
- Then, with --nginx (as .ci/run does; nginx must be installed), the same through a real
  nginx running deploy/nginx-tracker.conf: its listen ports moved to free loopback ports, its
  certificate replaced by a self-signed one made here for the site's host name, its
  proxy_pass pointed at this gunicorn; nothing else changed. On top: plain HTTP is
  redirected by nginx, a body over client_max_body_size is refused (413), and the media
  prefix is not served.

Exit status 0 when all of it holds; 1 with what failed. gunicorn and nginx are always stopped.
"""

from __future__ import annotations

import argparse
import getpass
import http.client
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
USERNAME = "deploy-check"
PASSWORD = "deploy-check-" + secrets.token_urlsafe(12)


def log(message: str) -> None:
    print(f"[deploy-check] {message}", flush=True)


def environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (comments and blanks skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def exec_start(unit: Path) -> list[str]:
    line = next(line for line in unit.read_text().splitlines() if line.startswith("ExecStart="))
    return [part.replace("/srv/tracker", str(ROOT)) for part in shlex.split(line[10:])]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres(url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement)


class Client:
    """A browser: cookies; straight to gunicorn with nginx's headers, or through nginx (TLS)."""

    def __init__(
        self, port: int, host: str, https_port: int | None = None, ca: Path | None = None
    ) -> None:
        self.port, self.host, self.https_port = port, host, https_port
        self.cookies: dict[str, str] = {}
        self.context = None
        if ca is not None:
            # The certificate is checked against the one made here; the host name is that of
            # the site, not of the loopback address connected to.
            self.context = ssl.create_default_context(cafile=str(ca))
            self.context.check_hostname = False

    @property
    def through_nginx(self) -> bool:
        return self.https_port is not None

    def connection(self, https: bool) -> http.client.HTTPConnection:
        if self.through_nginx and https:
            return http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, timeout=60, context=self.context
            )
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(
        self, method: str, path: str, form: dict | None = None, https: bool = True, body=None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = self.connection(https)
        headers = {"Host": self.host}
        if not self.through_nginx:
            headers["X-Forwarded-For"] = "203.0.113.7"
            if https:
                headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def wait_for_health(client: Client, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            status, _headers, body = client.request("GET", "/healthz", https=False)
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200 and body == b"":
            return
        raise RuntimeError(f"/healthz answered {status} {body[:200]!r}")
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def check_pages(client: Client, failures: list[str]) -> None:
    where = "nginx" if client.through_nginx else "gunicorn"

    def expect(condition: bool, message: str) -> None:
        log(("ok   " if condition else "FAIL ") + f"[{where}] {message}")
        if not condition:
            failures.append(f"[{where}] {message}")

    status, _headers, body = client.request("GET", "/healthz")
    expect(status == 200 and body == b"", f"/healthz answers 200 with an empty body ({status})")

    status, headers, _ = client.request("GET", "/accounts/login/", https=False)
    expect(
        status == 301 and headers.get("Location", "").startswith(f"https://{client.host}/"),
        f"plain HTTP is redirected to https ({status} {headers.get('Location')})",
    )
    status, headers, page = client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    expect(status == 200 and token is not None, f"the log-in page answers ({status})")
    expect("Strict-Transport-Security" in headers, "HSTS is on")
    if token is None:
        return
    status, headers, _ = client.request(
        "POST",
        "/accounts/login/",
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token[1].decode()},
    )
    expect(status == 302 and "sessionid" in client.cookies, f"logging in works ({status})")
    status, _headers, page = client.request("GET", "/")
    expect(status == 200 and b"Deploy Check" in page, f"the dashboard shows the user ({status})")
    stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    expect(stylesheet is not None, "the page links a hashed stylesheet")
    if stylesheet:
        status, headers, css = client.request("GET", stylesheet[1].decode())
        expect(
            status == 200 and css and "max-age=315360000" in headers.get("Cache-Control", ""),
            f"WhiteNoise serves it with a long cache ({status}, {len(css)} bytes)",
        )
    status, _headers, page = client.request("GET", "/milestones/")
    expect(status == 200 and b"<html" in page, f"the milestone list answers ({status})")
    if client.through_nginx:
        status, _headers, _ = client.request("GET", "/unserved-media/evidence/x.pdf")
        expect(status == 404, f"nothing is served under the media prefix ({status})")
        too_big = b"x" * (64 * 1024 * 1024 + 1)
        status, _headers, _ = client.request("POST", "/accounts/login/", body=too_big)
        expect(status == 413, f"a body over client_max_body_size is refused ({status})")


def start_nginx(
    work: Path, host: str, gunicorn_port: int
) -> tuple[subprocess.Popen, int, int, Path]:
    """deploy/nginx-tracker.conf with free ports, a self-signed certificate and our gunicorn."""
    folder = work / "nginx"
    folder.mkdir()
    certificate, key = folder / "site.crt", folder / "site.key"
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    subprocess.run(  # noqa: S603
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx-tracker.conf").read_text()
    replacements = [
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen \[::\]:80;", ""),
        (r"listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
        (r"listen \[::\]:443 ssl http2;", ""),
        (r"ssl_certificate +\S+;", f"ssl_certificate {certificate};"),
        (r"ssl_certificate_key +\S+;", f"ssl_certificate_key {key};"),
        (r"proxy_pass http://127\.0\.0\.1:8000;", f"proxy_pass http://127.0.0.1:{gunicorn_port};"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        if count != 1:
            raise RuntimeError(f"deploy/nginx-tracker.conf: {pattern!r} matched {count} times")
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"""
        daemon off;
        worker_processes 1;
        pid {folder}/nginx.pid;
        error_log {folder}/error.log warn;
        events {{ worker_connections 64; }}
        http {{
            access_log {folder}/access.log;
            client_body_temp_path {folder}/body;
            proxy_temp_path {folder}/proxy;
            fastcgi_temp_path {folder}/fastcgi;
            uwsgi_temp_path {folder}/uwsgi;
            scgi_temp_path {folder}/scgi;
            include {folder}/site.conf;
        }}
        """
    )
    # Worker processes run as nobody when started by root: let them into the folder.
    work.chmod(0o755)
    folder.chmod(0o755)
    config = [shutil.which("nginx") or "nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
    test = subprocess.run([*config, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t refused the site: {test.stderr.strip()}")
    log(f"nginx on 127.0.0.1:{http_port} (HTTP) and :{https_port} (HTTPS)")
    server = subprocess.Popen(config, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", https_port)) == 0:
                return server, http_port, https_port, certificate
        if server.poll() is not None:
            raise RuntimeError(f"nginx exited with status {server.returncode}")
        time.sleep(0.1)
    raise RuntimeError("nginx did not listen within 20 s")


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nginx", action="store_true", help="also check through nginx")
    arguments = parser.parse_args()
    if arguments.nginx and not shutil.which("nginx"):
        log("--nginx: nginx is not installed (apt-get install nginx)")
        return 1
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        log("DATABASE_URL must point at PostgreSQL (the database of a production server).")
        return 1
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") + "_deploy"
    database_url = urlunsplit(parts._replace(path="/" + name))
    work = Path(tempfile.mkdtemp(prefix="deploy-check-"))
    # The example file with the three values replaced (later lines win, for systemd and sh).
    overrides = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TRACKER_VAR_DIR": str(work / "var"),
    }
    env_path = work / "tracker.env"
    env_path.write_text(
        (DEPLOY / "tracker.env.example").read_text()
        + "".join(f"{key}={value}\n" for key, value in overrides.items())
    )
    env_file = environment_file(env_path)
    host = env_file["ALLOWED_HOSTS"].split(",")[0]
    base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work)}
    # manage.py through deploy/manage, as docs/deployment.md runs it; gunicorn with the file as
    # systemd's EnvironmentFile= gives it.
    manage_env = {**base_env, "TRACKER_ENV_FILE": str(env_path), "TRACKER_USER": getpass.getuser()}
    env = {**base_env, **env_file}
    postgres(base_url, f'DROP DATABASE IF EXISTS "{name}"')
    postgres(base_url, f'CREATE DATABASE "{name}"')
    server = nginx = None
    failures: list[str] = []
    try:

        def manage(*args: str) -> None:
            log("deploy/manage " + " ".join(args[:2] if args[0] == "shell" else args))
            subprocess.run([DEPLOY / "manage", *args], env=manage_env, check=True)  # noqa: S603

        manage("check", "--deploy", "--fail-level", "WARNING")
        manage("migrate", "--noinput", "-v0")
        manage("collectstatic", "--noinput", "-v0")
        manage(
            "shell",
            "-c",
            "from tracker.accounts.models import Role, User; "
            f"User.objects.create_user({USERNAME!r}, password={PASSWORD!r}, role=Role.OBSERVER,"
            " party='IND', first_name='Deploy', last_name='Check')",
        )
        port = free_port()
        command = [*exec_start(DEPLOY / "tracker-web.service"), "--bind", f"127.0.0.1:{port}"]
        log(" ".join(command))
        server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        wait_for_health(Client(port, host), server, time.monotonic() + 60)
        check_pages(Client(port, host), failures)
        if arguments.nginx:
            nginx, http_port, https_port, certificate = start_nginx(work, host, port)
            check_pages(Client(http_port, host, https_port, certificate), failures)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        failures.append(str(error))
        log(f"FAIL {error}")
    finally:
        stop(nginx)
        stop(server)
        postgres(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        log(f"{len(failures)} check(s) failed")
        return 1
    log("the deployment files run: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
