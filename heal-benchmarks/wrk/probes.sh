#!/usr/bin/env bash
# Runs wrk against /readyz of heal's Jetty probe server, the JDK HttpServer variant and a bare Jetty
# handler, one after the other in one run, plus heal's server with a hanging check and with 200
# trickling connections (and the JDK variant with them, to show what they do to it).
# Usage: heal-benchmarks/wrk/probes.sh [seconds]   (after ./mvnw -pl heal-benchmarks -am package)
set -euo pipefail
seconds="${1:-30}"
jar="$(dirname "$0")/../target/benchmarks.jar"
port=18081
run() {
  local variant="$1" hang="$2" trickle="$3"
  : > /tmp/heal-wrk-target.log
  java -XX:+UseParallelGC -Xms256m -Xmx256m -cp "$jar" dev.heal.benchmarks.ProbeLoadTarget "$variant" "$port" "$hang" "$trickle" > /tmp/heal-wrk-target.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    if grep -q '^ready' /tmp/heal-wrk-target.log; then break; fi
    sleep 0.1
  done
  sleep 2   # the tricklers connect
  wrk -t2 -c16 -d5s --timeout 2s "http://127.0.0.1:$port/readyz" > /dev/null   # warm-up
  echo "### variant=$variant hang=$hang trickle=$trickle"
  wrk -t2 -c16 -d"${seconds}s" --timeout 2s --latency "http://127.0.0.1:$port/readyz"
  kill "$pid"
  wait "$pid" 2> /dev/null || true
}
run heal false 0
run jdk false 0
run bare false 0
run heal true 0
run heal false 200
run jdk false 200
