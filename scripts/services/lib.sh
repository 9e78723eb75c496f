# shellcheck shell=bash
# Shared helpers for the service scripts (sourced, not run). Every service renders its config into a RUN
# directory, starts its daemon in the background, waits for its port and records PID and ports there, so a
# later `stop` (or scripts/services/stop-all) can end exactly the processes it started.

EASD_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Radicale and the helpers below need Debian's interpreter (a pyenv or venv python3 on PATH lacks radicale).
if [[ -x /usr/bin/python3 ]]; then EASD_PYTHON=/usr/bin/python3; else EASD_PYTHON=python3; fi

die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

# log_tail FILE — the last lines of a daemon's log, for start-up errors.
log_tail() {
  local f=$1
  if [[ -s $f ]]; then
    echo "---- last lines of $f ----" >&2
    tail -n 30 "$f" >&2
    echo "----" >&2
  else
    echo "(no log at $f)" >&2
  fi
}

# free_ports N — N distinct loopback TCP ports that are free now. They are drawn from 20000–32767, below
# Linux's ephemeral range, so outgoing connections made meanwhile cannot take them.
free_ports() {
  "$EASD_PYTHON" - "$1" <<'PY'
import random, socket, sys
n, held, ports = int(sys.argv[1]), [], []
candidates = random.sample(range(20000, 32768), 2000)
for p in candidates:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        s.close()
        continue
    held.append(s)
    ports.append(p)
    if len(ports) == n:
        break
print(" ".join(map(str, ports)))
PY
}

# port_free PORT — true when nothing listens on 127.0.0.1:PORT and it can be bound. SO_REUSEADDR as the
# daemons use it, so a port whose old connections linger in TIME_WAIT (a restart) still counts as free.
port_free() {
  "$EASD_PYTHON" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

# port_answers PORT [HOST] — true when a TCP connect succeeds.
port_answers() {
  local host=${2:-127.0.0.1}
  (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null
}

# port_listening PORT — true when a socket listens on 127.0.0.1:PORT (or on every address). Unlike
# port_answers it opens no connection, so a daemon that forks a worker per connection (Dovecot's lmtp)
# is not made to start one.
port_listening() {
  [[ -n $(ss -Hltn "( sport = :$1 )" 2>/dev/null) ]]
}

# pid_alive PID — true while PID runs. A zombie counts as gone: daemons are reparented to PID 1, which
# may take a second or more to reap them.
pid_alive() {
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# read_pid FILE — the PID recorded in FILE, or nothing.
read_pid() {
  if [[ -s $1 ]]; then tr -dc '0-9' <"$1"; fi
}

# wait_ports PIDFILE LOG TIMEOUT PORT... — wait until every PORT accepts connections (on $WAIT_HOST,
# default 127.0.0.1; with WAIT_PROBE=listen only until it listens). Fails with the log tail when the
# daemon dies or the time runs out.
wait_ports() {
  local pidfile=$1 log=$2 timeout=$3
  shift 3
  local deadline=$((SECONDS + timeout)) pid port pending
  while :; do
    pending=0
    for port in "$@"; do
      if [[ ${WAIT_PROBE:-connect} == listen ]]; then
        port_listening "$port" || { pending=1; break; }
      else
        port_answers "$port" "${WAIT_HOST:-127.0.0.1}" || { pending=1; break; }
      fi
    done
    ((pending)) || return 0
    pid=$(read_pid "$pidfile")
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      echo "${0##*/}: daemon (pid $pid) exited during start-up" >&2
      log_tail "$log"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "${0##*/}: port $port did not answer within ${timeout}s" >&2
      log_tail "$log"
      return 1
    fi
    sleep 0.1
  done
}

# stop_pid PIDFILE NAME [GRACE] — SIGTERM the recorded PID, wait up to GRACE seconds, then SIGKILL.
stop_pid() {
  local pidfile=$1 name=$2 grace=${3:-15} pid i
  pid=$(read_pid "$pidfile")
  if [[ -z $pid ]] || ! pid_alive "$pid"; then
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    pid_alive "$pid" || { rm -f "$pidfile"; return 0; }
    sleep 0.1
  done
  echo "${0##*/}: $name (pid $pid) ignored SIGTERM for ${grace}s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_alive "$pid" || break
    sleep 0.1
  done
  rm -f "$pidfile"
}

# env_get FILE KEY — a value from a KEY=VALUE file written by these scripts.
env_get() {
  [[ -f $1 ]] || return 0
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

# write_env FILE KEY=VALUE... — atomically replace FILE. Values are plain (no spaces or quotes).
write_env() {
  local f=$1
  shift
  printf '%s\n' "$@" >"$f.tmp"
  mv -f "$f.tmp" "$f"
}

# abs_path PATH — PATH made absolute (it need not exist yet).
abs_path() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}

# traversable_by USER DIR — fail with a hint when USER cannot reach DIR (a 0700 mktemp parent, a home dir).
traversable_by() {
  local user=$1 dir=$2
  [[ $(id -u) -eq 0 ]] || return 0
  if ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
    die "$dir is not reachable by user $user; every parent directory needs o+x (chmod 755)"
  fi
}
