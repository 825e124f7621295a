FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# IPAex Gothic: the Japanese font embedded in the terms PDF (取引条件明示書).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-ipaexfont-gothic && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
# Static files under content-hashed, compressed names for WhiteNoise (DEBUG off: the manifest
# storage). The key only lets settings load for this command; the container gets its own.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 app && mkdir -p /data/private && chown app /data/private
USER app
EXPOSE 8000
# gunicorn_conf.py: 3 gevent workers, so slow and idle clients never hold a
# worker (docs/adr/0010-serving-model.md); scale with more containers.
CMD ["gunicorn", "--config", "python:gunicorn_conf", "marketplace.wsgi:application", "--bind", "0.0.0.0:8000"]
