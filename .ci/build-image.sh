#!/usr/bin/env bash
# Builds localhost/qm9-server from Containerfile. No image registry is reachable here, so the
# debian:trixie-slim base is made from Debian packages (mmdebstrap) the first time.
#   apt-get install -y podman buildah mmdebstrap
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=localhost/debian:trixie-slim
IMAGE=${IMAGE:-localhost/qm9-server}
if ! podman image exists "$BASE"; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mmdebstrap --variant=minbase --include=ca-certificates trixie "$tmp/rootfs.tar"
  podman import "$tmp/rootfs.tar" "$BASE"
fi
# npm inside the build trusts what npm here trusts (a proxy's CA, say): the bundle is mounted,
# not copied into the image.
ca_args=()
cafile=$(npm config get cafile 2>/dev/null || true)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
  ca_args=(--volume "$cafile:/run/host-ca.crt:ro" --build-arg NPM_CAFILE=/run/host-ca.crt)
fi
# docker format keeps the HEALTHCHECK (OCI images have no field for it).
buildah bud --isolation chroot --format docker --layers "${ca_args[@]}" -f Containerfile -t "$IMAGE" .
podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "image %s: %.0f MB\n", "'"$IMAGE"'", $1 / 1e6}'
