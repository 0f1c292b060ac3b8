#!/usr/bin/env bash
# Starts the server inside the built image and checks it from outside: /health (with the served
# model), the original project's /predict example, the image's health-check command and its
# non-root user. `podman run` is refused on these machines (setrlimit), so the server runs with
# `buildah run`, which shares the host's network.
set -euo pipefail
IMAGE=${IMAGE:-localhost/qm9-server}
PORT=${CHECK_PORT:-18787}
URL="http://127.0.0.1:$PORT"
log=$(mktemp)
ctr=$(buildah from "$IMAGE")
pid=
# Every step may fail without failing the check: errexit applies inside this trap, and the killed
# `buildah run` exits non-zero (1 on SIGTERM), which would turn a passed check into exit code 1.
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  buildah rm "$ctr" >/dev/null 2>&1 || true
  rm -f "$log"
}
trap cleanup EXIT
buildah run --isolation chroot --env HOST=127.0.0.1 --env PORT="$PORT" --env REPORT_TOKEN=ci \
  "$ctr" -- node --import tsx server/main.ts --serve-app >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do
  if curl -fsS "$URL/health" 2>/dev/null | grep -q '"model"'; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "check-image: the server exited" >&2; exit 1; fi
  sleep 1
done
health=$(curl -fsS "$URL/health")
echo "GET /health -> $health"
echo "$health" | grep -q '"status":"healthy"' || { cat "$log"; exit 1; }
echo "$health" | grep -q '"model"' || { cat "$log"; echo "check-image: no model loaded" >&2; exit 1; }
# The original project's example: a path graph of 6 atoms with features [i % 11] * 11.
body='{"node_features":[[0,0,0,0,0,0,0,0,0,0,0],[1,1,1,1,1,1,1,1,1,1,1],[2,2,2,2,2,2,2,2,2,2,2],[3,3,3,3,3,3,3,3,3,3,3],[4,4,4,4,4,4,4,4,4,4,4],[5,5,5,5,5,5,5,5,5,5,5]],"edge_index":[[0,1,2,3,4],[1,2,3,4,5]]}'
answer=$(curl -fsS -X POST -H 'content-type: application/json' --data "$body" "$URL/predict")
echo "POST /predict -> ${answer:0:160}..."
echo "$answer" | grep -Eq '"prediction":\[-?[0-9]' || { echo "check-image: /predict gave no prediction" >&2; exit 1; }
# The image's own HEALTHCHECK command (CMD-SHELL), run inside the image against the running server.
healthcheck=$(podman image inspect "$IMAGE" --format '{{index .HealthCheck.Test 1}}')
buildah run --isolation chroot --env PORT="$PORT" "$ctr" -- sh -c "$healthcheck" >/dev/null \
  || { echo "check-image: the image's HEALTHCHECK command ($healthcheck) failed" >&2; exit 1; }
echo "HEALTHCHECK command ($healthcheck): ok"
uid=$(buildah run --isolation chroot "$ctr" -- id -u)
[ "$uid" != 0 ] || { echo "check-image: the server runs as root" >&2; exit 1; }
echo "user: uid $uid; image $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1 / 1e6}')"
