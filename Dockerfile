FROM python:3.12-slim

# DJANGO_ENV_FILE empty: a laptop's .env (its secret and host names) is never read in the image, even if one
# slipped into the build context (.dockerignore leaves it out).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_STATIC_MANIFEST=true \
    DJANGO_ENV_FILE=""

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build-only \
    DJANGO_SITE_URL=https://build.invalid DATABASE_URL=postgresql://unused/unused \
    python manage.py collectstatic --noinput

RUN useradd --system --home /app app && chown -R app /app
USER app
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn rust_tracker.wsgi:application --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
