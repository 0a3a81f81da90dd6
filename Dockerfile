# The monitor as a service in a container: `docker compose up -d` (docker-compose.yml).
# Config and data are volumes, so edits and the database survive rebuilds; the image holds
# only the runtime dependencies (no test tools, no compiler).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MONITOR_CONFIG=/app/config
WORKDIR /app

# config/ comes first: the package's demo reads the default watchlists through it.
COPY config ./config
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --upgrade pip && pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin monitor \
    && mkdir -p /app/data && chown monitor /app/data

USER monitor
VOLUME ["/app/config", "/app/data"]

# Healthy while the service's last cycle is recent (it cycles at least once a minute).
HEALTHCHECK --interval=1m --timeout=15s --start-period=2m --retries=3 \
    CMD ["monitor", "status", "--health"]

# Exec form: SIGTERM from `docker stop` reaches the monitor, which stops within seconds.
ENTRYPOINT ["monitor"]
CMD ["run"]
