"""gunicorn's settings for the tracker's web service (deploy/tracker-web.service).

Read with `gunicorn --config deploy/gunicorn.conf.py tracker.wsgi`; options given on the
command line win (scripts/deploy-check binds to a free port that way).
"""

import multiprocessing

# Only nginx on the same machine talks to gunicorn.
bind = "127.0.0.1:8000"
# Sync workers: a request holds one until it ends, and a PDF of a large report takes seconds.
workers = min(2 * multiprocessing.cpu_count() + 1, 9)
timeout = 120
graceful_timeout = 30
# Logs go to standard output and error, where journald collects them.
accesslog = "-"
errorlog = "-"
# No runtime control socket in the service's (read-only) home.
control_socket_disable = True
# nginx on this machine sets X-Forwarded-For/-Proto; Django reads them (TRUSTED_PROXY_COUNT,
# SECURE_PROXY_SSL_HEADER), and gunicorn's access log shows the client's address.
forwarded_allow_ips = "127.0.0.1"
