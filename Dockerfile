# The monitor in a container. Config and data are volumes, so edits and the database
# survive rebuilds:  docker compose up -d   (see docker-compose.yml)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .

COPY config /app/config
VOLUME ["/app/config", "/app/data"]
ENV MONITOR_CONFIG=/app/config

# Exec form, so `docker stop` reaches the monitor itself.
ENTRYPOINT ["monitor"]
CMD ["poll"]
