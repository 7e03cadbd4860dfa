# 绩效自评: one image for the web app (gunicorn) and the task workers (manage.py db_worker, or
# celery -A config.celery worker).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango; HarfBuzz's subsetter keeps PDF font subsetting fast.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
# The project's dependencies (gunicorn among them), at the versions and hashes of the lock file;
# the app itself runs from /app.
RUN pip install --require-hashes -r requirements.lock
COPY . .
# Collected with the production storage, so the hashed names and manifest whitenoise serves exist.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --system --home /app app && mkdir -p /app/media /app/cache && chown app /app/media /app/cache
USER app
ENV DJANGO_MEDIA_ROOT=/app/media DJANGO_CACHE_DIR=/app/cache
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --timeout 120 --access-logfile -"]
