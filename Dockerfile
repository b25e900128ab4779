# Partnerpay: one image for the web server (default CMD), the Huey worker and one-shot commands.
#   docker build -t partnerpay .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... -e ALLOWED_HOSTS=... -p 8000:8000 partnerpay
#   docker run ... partnerpay python manage.py migrate --noinput
#   docker run ... partnerpay python manage.py run_queues   (one consumer + pool per queue; docs/production.md)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app/src:/app \
    DJANGO_SETTINGS_MODULE=settings.main \
    PARTNERPAY_DATA_DIR=/app/var \
    PRODUCTION=true \
    PORT=8000

WORKDIR /app

RUN groupadd --system --gid 10001 partnerpay \
    && useradd --system --uid 10001 --gid partnerpay --home-dir /app --no-create-home --shell /usr/sbin/nologin partnerpay

# Dependencies pinned by constraints.txt; every wheel (psycopg[binary], granian, argon2) is prebuilt.
COPY pyproject.toml constraints.txt ./
COPY src ./src
RUN pip install -c constraints.txt .

COPY manage.py ./
COPY settings ./settings
COPY scripts ./scripts

# Admin assets, served by granian from /app/var/static. Throwaway build-time values: collectstatic
# touches neither the database nor Redis, and no development key file is written into the image.
RUN SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput -v0 \
    && chown -R partnerpay:partnerpay /app/var

USER partnerpay
EXPOSE 8000

# serve_prod.py runs `check --deploy`, then execs granian, which becomes PID 1 and stops cleanly on SIGTERM.
CMD ["python", "scripts/serve_prod.py"]
