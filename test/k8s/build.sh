#!/usr/bin/env bash
# Builds the test cluster's binaries and images from Go modules into a cache keyed by the pinned
# versions, outside the repository: ${FIREDRILL_K8S_CACHE:-/var/cache/firedrill-k8s}/<key>/{bin,images}.
# A no-op when the cache is warm. Prints how long it took, cold or warm.
#
#   bash test/k8s/build.sh            control plane + Flux (binaries, CLI, images)
#   FIREDRILL_K8S_FLUX=0 bash ...     control plane only
#
# Control plane (bin/): kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl
# etcd kind crictl coredns pause; images/: pause.tar coredns.tar (OCI archives, FROM scratch).
# Flux (bin/): source-controller kustomize-controller flux; images/: flux-controllers.tar (docker save of
# firedrill/fluxcd/<controller>:<version>, FROM debian:bookworm, which must be seeded first:
# node bin/firedrill.js images seed).
set -euo pipefail
# shellcheck source=test/k8s/lib.sh
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - t0 )); }
command -v go >/dev/null 2>&1 || k8s_die "go is not installed (the Go toolchain builds the test cluster)"
WITH_FLUX=${FIREDRILL_K8S_FLUX:-1}
KEY=$(k8s_cache_key)
OUT=$K8S_CACHE_ROOT/$KEY
mkdir -p "$K8S_CACHE_ROOT"

done_all() { [ -f "$OUT/.complete" ] && { [ "$WITH_FLUX" = 0 ] || [ -f "$OUT/.flux-complete" ]; }; }
if done_all; then
  k8s_log "build: warm, cache hit $OUT ($(elapsed)s)"
  exit 0
fi

# One build at a time per cache (two checkouts of the same pins share the result).
exec 9>"$K8S_CACHE_ROOT/.lock"
flock 9
if done_all; then k8s_log "build: built meanwhile by another run: $OUT ($(elapsed)s)"; exit 0; fi

export CGO_ENABLED=0 GOFLAGS=-mod=readonly
# go prints a line per module it downloads on a cold machine (hundreds): keep the errors only.
quiet() {
  local rc=0
  "$@" 2>"$TMP/go.err" || rc=$?
  grep -v '^go: downloading ' "$TMP/go.err" >&2 || true
  return "$rc"
}
GOBUILD=(go build -trimpath -ldflags=-s\ -w)
mkdir -p "$OUT/bin" "$OUT/images"
TMP=$(mktemp -d "$K8S_CACHE_ROOT/.tmp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# oci_archive DIR NAME TAG ENTRYPOINT OUT: pack DIR as a one-layer image (OCI archive, FROM scratch),
# reproducibly (sorted, owned by root, mtime 0), named docker.io/firedrill/NAME:TAG for `ctr import`.
oci_archive() {
  local dir=$1 name=$2 tag=$3 entry=$4 out=$5 lay=$TMP/oci-$2
  rm -rf "$lay" && mkdir -p "$lay/blobs/sha256"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dir" -cf "$lay/layer.tar" .
  local ld ls cd cs md ms
  ld=$(sha256sum "$lay/layer.tar" | cut -d' ' -f1); ls=$(stat -c %s "$lay/layer.tar")
  mv "$lay/layer.tar" "$lay/blobs/sha256/$ld"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["%s"],"Env":["PATH=/"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$entry" "$ld" >"$lay/config.json"
  cd=$(sha256sum "$lay/config.json" | cut -d' ' -f1); cs=$(stat -c %s "$lay/config.json")
  mv "$lay/config.json" "$lay/blobs/sha256/$cd"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cd" "$cs" "$ld" "$ls" >"$lay/manifest.json"
  md=$(sha256sum "$lay/manifest.json" | cut -d' ' -f1); ms=$(stat -c %s "$lay/manifest.json")
  mv "$lay/manifest.json" "$lay/blobs/sha256/$md"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$lay/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"docker.io/firedrill/%s:%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$md" "$ms" "$name" "$tag" "$tag" >"$lay/index.json"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$lay" -cf "$out" oci-layout index.json blobs
}

# ------------------------------------------------------------------ control plane
if [ ! -f "$OUT/.complete" ]; then
  t=$(date +%s)
  k8s_log "build: control plane into $OUT/bin (cold: about 25-40 min on 2 cores)"
  # Stamp the versions as Kubernetes' release build does, or every binary reports v0.0.0-master and
  # clients that parse the server version fail.
  kv=$(cd "$K8S_DIR" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
  kmin=${kv#v1.}; kmin=${kmin%%.*}
  crv=$(cd "$K8S_DIR" && go list -m -f '{{.Version}}' sigs.k8s.io/cri-tools)
  vflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    vflags="$vflags -X $pkg.gitVersion=$kv -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kmin -X $pkg.gitTreeState=clean"
  done
  vflags="$vflags -X sigs.k8s.io/cri-tools/pkg/version.Version=$crv"
  (cd "$K8S_DIR" && quiet go build -trimpath -ldflags="-s -w$vflags" -o "$OUT/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy \
    k8s.io/kubernetes/cmd/kubectl ./cmd/etcd ./cmd/coredns sigs.k8s.io/kind sigs.k8s.io/cri-tools/cmd/crictl)

  # The pause container, from the same Kubernetes release's source (a static C program).
  KDIR=$(cd "$K8S_DIR" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
  command -v gcc >/dev/null 2>&1 || k8s_die "gcc is needed for the pause container (apt-get install gcc libc6-dev)"
  gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION" -o "$OUT/bin/pause" "$KDIR/build/pause/linux/pause.c"
  strip "$OUT/bin/pause"

  mkdir -p "$TMP/root-pause" "$TMP/root-coredns"
  cp "$OUT/bin/pause" "$TMP/root-pause/pause"
  oci_archive "$TMP/root-pause" pause "$PAUSE_VERSION" /pause "$OUT/images/pause.tar"
  cp "$OUT/bin/coredns" "$TMP/root-coredns/coredns"
  oci_archive "$TMP/root-coredns" coredns "$COREDNS_VERSION" /coredns "$OUT/images/coredns.tar"
  touch "$OUT/.complete"
  k8s_log "build: control plane done in $(( $(date +%s) - t ))s"
fi

# ------------------------------------------------------------------ Flux
if [ "$WITH_FLUX" != 0 ] && [ ! -f "$OUT/.flux-complete" ]; then
  t=$(date +%s)
  k8s_log "build: Flux $FLUX_VERSION controllers and CLI"
  (cd "$K8S_DIR/flux" && quiet "${GOBUILD[@]}" -o "$OUT/bin/" \
    github.com/fluxcd/source-controller github.com/fluxcd/kustomize-controller)

  # The flux CLI embeds its install manifests (cmd/flux/manifests/*.yaml), which Flux's release
  # generates with kustomize from each controller's release files on GitHub: not in the module. Make
  # them the same way from the controllers' own modules (config/crd, config/manager), offline.
  # Served by the proxy at the versions flux2 names: source, kustomize and helm controllers only, so
  # `flux install` here takes --components=source-controller,kustomize-controller(,helm-controller).
  dl() { go mod download -json "$1" 2>/dev/null | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }
  FSRC=$TMP/flux2
  cp -r "$(dl "github.com/fluxcd/flux2/v2@$FLUX_VERSION")" "$FSRC" && chmod -R u+w "$FSRC"
  KUSTOMIZE=("$OUT/bin/kubectl" kustomize)
  bundled=()
  for base in "$FSRC"/manifests/bases/*/; do
    c=$(basename "$base")
    url=$(grep -o "https://github.com/fluxcd/$c/releases/download/v[^/]*/$c.crds.yaml" "$base/kustomization.yaml" || true)
    v=$(echo "$url" | sed -n 's|.*/download/\(v[^/]*\)/.*|\1|p')
    [ -n "$v" ] || continue
    if ! mdir=$(dl "github.com/fluxcd/$c@$v" 2>/dev/null) || [ -z "$mdir" ]; then
      k8s_log "build: github.com/fluxcd/$c@$v is not served: the flux CLI cannot install $c here"
      continue
    fi
    "${KUSTOMIZE[@]}" "$mdir/config/crd" >"$base/$c.crds.yaml"
    "${KUSTOMIZE[@]}" "$mdir/config/manager" >"$base/$c.deployment.yaml"
    sed -i "s|https://github.com/fluxcd/$c/releases/download/$v/|./|" "$base/kustomization.yaml"
    mkdir -p "$FSRC/cmd/flux/manifests"
    "${KUSTOMIZE[@]}" "$base" >"$FSRC/cmd/flux/manifests/$c.yaml"
    bundled+=("$c")
  done
  "${KUSTOMIZE[@]}" "$FSRC/manifests/rbac" >"$FSRC/cmd/flux/manifests/rbac.yaml"
  "${KUSTOMIZE[@]}" "$FSRC/manifests/policies" >"$FSRC/cmd/flux/manifests/policies.yaml"
  (cd "$FSRC" && quiet go build -trimpath -ldflags="-s -w -X main.VERSION=${FLUX_VERSION#v}" -o "$OUT/bin/flux" ./cmd/flux)
  printf '%s\n' "${bundled[@]}" >"$OUT/flux-components"

  # Controller images on the Debian base, the binary copied in, as Flux's own images run them.
  command -v docker >/dev/null 2>&1 || k8s_die "docker is needed for the Flux images"
  docker image inspect debian:bookworm >/dev/null 2>&1 || k8s_die "debian:bookworm is not in Docker: node bin/firedrill.js images seed"
  flux_images=()
  for c in source-controller kustomize-controller; do
    v=$SOURCE_CONTROLLER_VERSION; [ "$c" = kustomize-controller ] && v=$KUSTOMIZE_CONTROLLER_VERSION
    ctx=$TMP/img-$c && mkdir -p "$ctx" && cp "$OUT/bin/$c" "$ctx/$c"
    cat >"$ctx/Dockerfile" <<EOF
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY $c /usr/local/bin/$c
USER 65534:65534
ENTRYPOINT ["/usr/local/bin/$c"]
EOF
    docker build -q --label firedrill.k8s-test=flux -t "firedrill/fluxcd/$c:$v" "$ctx" >/dev/null
    flux_images+=("firedrill/fluxcd/$c:$v")
  done
  # One archive: the two images share the Debian base layer, stored once.
  docker save "${flux_images[@]}" -o "$OUT/images/flux-controllers.tar"
  touch "$OUT/.flux-complete"
  k8s_log "build: Flux done in $(( $(date +%s) - t ))s"
fi

k8s_log "build: finished in $(elapsed)s: $OUT ($(du -sh "$OUT" | cut -f1))"
