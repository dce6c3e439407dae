"""Container health check for the web service: `python -m qi_portal.healthcheck`.

Asks the local gunicorn for /healthz under the first allowed host name, so that it passes
Django's host validation whatever ALLOWED_HOSTS the installation uses.
"""

import os
import sys
import urllib.request


def main() -> int:
    host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost"
    if host.startswith("."):
        host = "health" + host
    request = urllib.request.Request("http://127.0.0.1:8000/healthz", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed URL)
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
