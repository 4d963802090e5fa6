# Flyte Launch: gunicorn serving the app; the embedded sandbox unless FLYTE_LAUNCH_ADMIN_ENDPOINT is set.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    FLYTE_LAUNCH_DATA_DIR=/home/flyte/data
RUN useradd --create-home --uid 10001 flyte
WORKDIR /app
COPY pyproject.toml README.md ./
COPY webapp ./webapp
COPY templates ./templates
COPY static ./static
RUN pip install -e .
USER flyte
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"
CMD ["flyte-launch", "serve", "--host", "0.0.0.0", "--port", "8080"]
