# eloket: one image for the web server, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# WeasyPrint's libraries (PDF letters) and gettext (compilemessages at build time).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 eloket \
    && useradd --system --uid 1000 --gid eloket --home-dir /app --no-create-home --shell /usr/sbin/nologin eloket

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files (hashed names, compressed, served by whitenoise) and translations are built into
# the image. The SECRET_KEY here exists only for this step and is not kept in the image.
RUN SECRET_KEY=build-time-only-not-a-secret python manage.py collectstatic --noinput -v 0 \
    && if find locale -name '*.po' | grep -q .; then \
        SECRET_KEY=build-time-only-not-a-secret python manage.py compilemessages -v 0; \
    fi \
    && mkdir -p /app/media \
    && chown eloket:eloket /app/media \
    && chmod 0755 docker/entrypoint.sh

USER eloket

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "eloket.asgi:application", "-k", "uvicorn_worker.UvicornWorker", \
     "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--graceful-timeout", "30"]
