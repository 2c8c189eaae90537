#!/usr/bin/env bash
# Stops exactly what the run command started: the gunicorn master named in its pid file.
source "$(dirname "$0")/lib.sh"
PIDFILE="$STATE/run/gunicorn.pid"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  pid="$(cat "$PIDFILE")"
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$PIDFILE"
  say "Stopped the portal (pid $pid). PostgreSQL and Redis are left running."
else
  rm -f "$PIDFILE"
  say "The portal was not running."
fi
