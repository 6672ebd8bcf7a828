#!/usr/bin/env bash
# wrk on orders-service's read path while the demo runs: ./orders-under-chaos.sh LABEL [demo flags]
# e.g. LABEL=chaos-heal (no flags), chaos-noheal --no-heal, baseline --no-faults.
# Needs the demo's classpath in /tmp/cp.txt (see docs/benchmarks.md) and wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
label=$1
shift
targets=/tmp/targets-$label.txt
rm -f "$targets"
java -XX:+UseParallelGC -Xms512m -Xmx512m -cp "$(cat /tmp/cp.txt):examples/demo/target/classes" \
  dev.heal.examples.demo.DemoMain --duration 60 --rate 20 --quiet --report-dir "/tmp/wrk-reports-$label" \
  --wrk-targets "$targets" "$@" > "/tmp/demo-$label.log" 2>&1 &
demo=$!
for _ in $(seq 1 100); do [ -s "$targets" ] && break; sleep 0.2; done
sleep 5 # the demo's own warm-up
wrk -t2 -c64 -d55s --latency -s heal-benchmarks/wrk/orders-read.lua "$(head -1 "$targets")" -- "$targets" \
  | tee "/tmp/wrk-orders-$label.txt"
status=0
wait "$demo" || status=$?
echo "demo exit: $status (its summary: /tmp/demo-$label.log)"
