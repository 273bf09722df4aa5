# Shared settings for test/k8s/*.sh (sourced, not run). One place for paths, versions and the cache key.
# shellcheck shell=bash

K8S_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Bumped when build.sh changes what it produces for the same pinned versions (new binary, new flag).
K8S_RECIPE=5

# Versions are pinned in go.mod / flux/go.mod; these names only label images and reports.
KUBE_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
PAUSE_VERSION=3.10.2
COREDNS_VERSION=v1.14.5
FLUX_VERSION=v2.9.5
SOURCE_CONTROLLER_VERSION=v1.9.5
KUSTOMIZE_CONTROLLER_VERSION=v1.9.5

K8S_CACHE_ROOT=${FIREDRILL_K8S_CACHE:-/var/cache/firedrill-k8s}
K8S_STATE=${FIREDRILL_K8S_STATE:-/var/lib/firedrill-k8s}

# Cluster addressing. The node's address lives on the cluster's own bridge, so pods reach the API server
# without a route out of the machine, and the API server is never bound to the host's own interfaces.
K8S_BRIDGE=${FIREDRILL_K8S_BRIDGE:-fdk8s0}
K8S_POD_CIDR=${FIREDRILL_K8S_POD_CIDR:-10.244.0.0/24}
K8S_NODE_IP=${FIREDRILL_K8S_NODE_IP:-10.244.0.1}
K8S_SERVICE_CIDR=${FIREDRILL_K8S_SERVICE_CIDR:-10.96.0.0/16}
K8S_API_SERVICE_IP=${FIREDRILL_K8S_API_SERVICE_IP:-10.96.0.1}
K8S_DNS_IP=${FIREDRILL_K8S_DNS_IP:-10.96.0.10}
K8S_API_PORT=${FIREDRILL_K8S_API_PORT:-6443}
K8S_ETCD_PORT=${FIREDRILL_K8S_ETCD_PORT:-2379}
K8S_NODE_NAME=firedrill-node
K8S_CLUSTER_DOMAIN=cluster.local
# Our chain in the filter table: pod-to-pod forwarding allowed, nothing from pods leaves the machine.
K8S_FWD_CHAIN=FIREDRILL-K8S-FWD
K8S_CGROUP=firedrill-k8s

k8s_log() { printf 'k8s: %s\n' "$*" >&2; }
k8s_die() { printf 'k8s: error: %s\n' "$*" >&2; exit 1; }

# The cache key: everything that decides the bytes of the binaries and images.
k8s_cache_key() {
  {
    echo "recipe=$K8S_RECIPE"
    go env GOVERSION GOOS GOARCH
    cat "$K8S_DIR/go.mod" "$K8S_DIR/go.sum" "$K8S_DIR/cmd/etcd/main.go" "$K8S_DIR/cmd/coredns/main.go"
    cat "$K8S_DIR/flux/go.mod" "$K8S_DIR/flux/go.sum" 2>/dev/null || true
  } | sha256sum | cut -c1-16
}

# The complete build for these pins (build.sh writes .complete last), or status 1.
k8s_find_bin() {
  if [ -n "${FIREDRILL_K8S_BIN:-}" ]; then echo "$FIREDRILL_K8S_BIN"; return 0; fi
  command -v go >/dev/null 2>&1 || return 1
  local key
  key=$(k8s_cache_key)
  [ -f "$K8S_CACHE_ROOT/$key/.complete" ] || return 1
  echo "$K8S_CACHE_ROOT/$key/bin"
}

k8s_bin_dir() {
  k8s_find_bin || k8s_die "no complete build in $K8S_CACHE_ROOT for these pins: run bash test/k8s/build.sh first"
}
