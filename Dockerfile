# The production image: gunicorn for the web, the same image for Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
# collectstatic needs settings to load; the key used here never reaches a running container.
RUN SECRET_KEY=build-only-collectstatic-key python manage.py collectstatic --noinput \
    && useradd --create-home --uid 10001 qi && chown -R qi /app
USER qi

EXPOSE 8000
CMD ["gunicorn", "qi_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
