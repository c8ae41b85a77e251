# Sourced by bin/run and bin/test: the PostgreSQL, Redis and RabbitMQ helpers.

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
rabbitmq_up() { timeout 1 bash -c ': </dev/tcp/127.0.0.1/5672' 2>/dev/null; }

# Start PostgreSQL and Redis the way this machine's services are started,
# if they are installed here but not answering.
start_services() {
    if ! pg_up && command -v pg_ctlcluster >/dev/null; then
        echo "PostgreSQL is not answering; starting it."
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
        for _ in $(seq 30); do pg_up && break; sleep 1; done
    fi
    if ! redis_up && command -v redis-server >/dev/null; then
        echo "Redis is not answering; starting it."
        mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
            --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
        for _ in $(seq 30); do redis_up && break; sleep 1; done
    fi
}

# RabbitMQ, for bin/test's test with RabbitMQ as the broker (skipped where it
# does not answer), started if it is installed here but not answering.
start_rabbitmq() {
    if ! rabbitmq_up && command -v rabbitmq-server >/dev/null; then
        echo "RabbitMQ is not answering; starting it."
        rabbitmq-server -detached >/dev/null 2>&1 || true
        for _ in $(seq 60); do rabbitmq_up && break; sleep 1; done
    fi
}

# Create (once) the virtual environment and install a lock file in it
# (requirements.lock or requirements-test.lock, written by bin/lock): every
# package pinned, and each file pip downloads must match a hash in the lock.
ensure_venv() {
    local lock="$1"
    VENV="${VENV:-.venv}"
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    local stamp="$VENV/.installed-$(basename "$lock")"
    if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
        "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$lock"
        touch "$stamp"
    fi
    PYTHON="$VENV/bin/python"
}
