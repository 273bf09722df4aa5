#!/usr/bin/env bash
# Proves real Flux runs on the test cluster (issue 19's parts): source-controller and kustomize-controller
# built from Go modules, installed from the manifests the flux CLI (also built here) embeds, reconcile a
# GitRepository served over SSH by a git server pod (Debian git + OpenSSH) and a Kustomization that
# applies a Deployment; a `kubectl` edit is reverted by the next reconcile; a commit pushed to the repo
# reaches the cluster. Brings the cluster up when it is not (and down at the end, then).
# Prints "N passed, M failed".
set -uo pipefail
# shellcheck source=test/k8s/lib.sh
. "$(dirname "$0")/lib.sh"

CLUSTER=(bash "$K8S_DIR/cluster.sh")
started=0
if ! "${CLUSTER[@]}" status 2>/dev/null; then "${CLUSTER[@]}" up || exit 1; started=1; fi
eval "$("${CLUSTER[@]}" env)"
BIN=$FIREDRILL_TEST_K8S_BIN
[ -f "$BIN/../.flux-complete" ] || { echo "Flux is not built: bash test/k8s/build.sh"; exit 1; }
export KUBECONFIG=$FIREDRILL_TEST_KUBECONFIG
k() { "$FIREDRILL_TEST_KUBECTL" "$@"; }
flux() { "$BIN/flux" "$@"; }
WORK=$(mktemp -d)

cleanup() {
  # Flux's objects carry finalizers that its controllers remove: delete them while the controllers run.
  k -n flux-system delete kustomizations.kustomize.toolkit.fluxcd.io --all --wait=true --timeout=60s >/dev/null 2>&1
  k -n flux-system delete gitrepositories.source.toolkit.fluxcd.io --all --wait=true --timeout=60s >/dev/null 2>&1
  k delete namespace shop --ignore-not-found --wait=true --timeout=60s >/dev/null 2>&1
  [ -f "$WORK/flux.yaml" ] && k delete -f "$WORK/flux.yaml" --ignore-not-found --wait=true --timeout=120s >/dev/null 2>&1
  k delete namespace flux-system --ignore-not-found --wait=true --timeout=60s >/dev/null 2>&1
  rm -rf "$WORK"
  [ "$started" = 1 ] && "${CLUSTER[@]}" down
}
trap cleanup EXIT

pass=0 fail=0
check() {
  local desc=$1 out; shift
  if out=$("$@" 2>&1); then pass=$((pass + 1)); echo "ok - $desc"
  else fail=$((fail + 1)); echo "not ok - $desc"; printf '%s\n' "$out" | tail -25 | sed 's/^/    /'; fi
}
# until_ok SECONDS COMMAND...: poll once a second.
until_ok() { local s=$1 i; shift; for i in $(seq 1 "$s"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done; "$@"; }

# ---------------------------------------------------------------- images into the cluster's containerd
import_images() {
  local tar
  for tar in "$BIN"/../images/flux-*.tar; do
    ctr --address "$FIREDRILL_TEST_CONTAINERD_ADDRESS" -n k8s.io images import "$tar" >/dev/null || return 1
  done
}
check "Flux controller images imported" import_images

gctx=$K8S_DIR/images/git-server
GIT_IMAGE=firedrill/k8s-git-server:$(cat "$gctx"/* | sha256sum | cut -c1-12)
build_git() {
  docker image inspect "$GIT_IMAGE" >/dev/null 2>&1 || docker build -q --label firedrill.k8s-test=flux -t "$GIT_IMAGE" "$gctx" >/dev/null || return 1
  "${CLUSTER[@]}" load "$GIT_IMAGE"
}
check "git server image $GIT_IMAGE built and loaded" build_git

# ---------------------------------------------------------------- Flux, from the CLI's embedded manifests
export_manifests() {
  flux install --export --components=source-controller,kustomize-controller \
    --registry=docker.io/firedrill/fluxcd >"$WORK/flux.yaml" && grep -q 'kind: CustomResourceDefinition' "$WORK/flux.yaml"
}
check "flux install --export generates the install manifests offline ($(flux --version 2>/dev/null))" export_manifests
check "Flux manifests applied" k apply --server-side -f "$WORK/flux.yaml"
check "source-controller and kustomize-controller become Ready" \
  k -n flux-system rollout status deployment/source-controller deployment/kustomize-controller --timeout=180s
check "flux check --pre passes" flux check --pre

# ---------------------------------------------------------------- the git server with the shop-config repository
ssh-keygen -q -t ed25519 -N '' -C flux -f "$WORK/identity"
ssh-keygen -q -t ed25519 -N '' -C git-server -f "$WORK/host"
HOST=git-server.flux-system.svc.$K8S_CLUSTER_DOMAIN
URL=ssh://git@$HOST/srv/git/shop-config.git
mkdir -p "$WORK/seed"
cat >"$WORK/seed/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
EOF
cat >"$WORK/seed/deployment.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: { name: orders, labels: { app: orders } }
spec:
  replicas: 2
  selector: { matchLabels: { app: orders } }
  template:
    metadata: { labels: { app: orders } }
    spec:
      containers:
      - name: orders
        image: docker.io/firedrill/pause:$PAUSE_VERSION
        imagePullPolicy: Never
        resources: { requests: { cpu: 5m, memory: 16Mi }, limits: { memory: 128Mi } }
EOF
k -n flux-system create secret generic git-server-keys \
  --from-file=ssh_host_ed25519_key="$WORK/host" --from-file=authorized_keys="$WORK/identity.pub" >/dev/null
k -n flux-system create configmap shop-config-seed --from-file="$WORK/seed" >/dev/null
k -n flux-system create secret generic shop-config-auth --from-file=identity="$WORK/identity" \
  --from-file=identity.pub="$WORK/identity.pub" \
  --from-literal=known_hosts="$HOST $(cut -d' ' -f1,2 "$WORK/host.pub")" >/dev/null
k apply -n flux-system -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: { name: git-server }
spec:
  replicas: 1
  selector: { matchLabels: { app: git-server } }
  template:
    metadata: { labels: { app: git-server } }
    spec:
      containers:
      - name: git
        image: docker.io/$GIT_IMAGE
        imagePullPolicy: Never
        ports: [{ containerPort: 22, name: ssh }]
        readinessProbe: { tcpSocket: { port: 22 }, periodSeconds: 2 }
        volumeMounts:
        - { name: keys, mountPath: /etc/ssh/keys, readOnly: true }
        - { name: seed, mountPath: /seed/shop-config, readOnly: true }
      volumes:
      # sshd wants its host key private to root, and reads authorized_keys as the git user.
      - name: keys
        secret:
          secretName: git-server-keys
          items:
          - { key: ssh_host_ed25519_key, path: ssh_host_ed25519_key, mode: 0400 }
          - { key: authorized_keys, path: authorized_keys, mode: 0444 }
      - { name: seed, configMap: { name: shop-config-seed } }
---
apiVersion: v1
kind: Service
metadata: { name: git-server }
spec:
  selector: { app: git-server }
  ports: [{ name: ssh, port: 22, targetPort: 22 }]
EOF
check "git server pod serves shop-config over SSH" k -n flux-system rollout status deployment/git-server --timeout=120s

# ---------------------------------------------------------------- GitRepository + Kustomization
k create namespace shop >/dev/null
k apply -f - >/dev/null <<EOF
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: { name: shop-config, namespace: flux-system }
spec:
  interval: 1m
  url: $URL
  ref: { branch: main }
  secretRef: { name: shop-config-auth }
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: shop, namespace: flux-system }
spec:
  interval: 10m
  sourceRef: { kind: GitRepository, name: shop-config }
  path: ./
  prune: true
  targetNamespace: shop
EOF
check "GitRepository shop-config becomes Ready (source-controller fetched over SSH)" \
  k -n flux-system wait gitrepository/shop-config --for=condition=Ready --timeout=180s
check "Kustomization shop becomes Ready (kustomize-controller applied the repo)" \
  k -n flux-system wait kustomization/shop --for=condition=Ready --timeout=180s
check "Deployment orders rolls out from Git" k -n shop rollout status deployment/orders --timeout=120s
owned_by_flux() { local y; y=$(k -n shop get deployment orders --show-managed-fields -o yaml) && grep -q 'manager: kustomize-controller' <<<"$y"; }
check "kustomize-controller owns the Deployment's fields (managedFields)" owned_by_flux

# ---------------------------------------------------------------- drift: a hand edit is reverted
limit() { k -n shop get deployment orders -o 'jsonpath={.spec.template.spec.containers[0].resources.limits.memory}'; }
replicas() { k -n shop get deployment orders -o 'jsonpath={.spec.replicas}'; }
hand_edit() {
  k -n shop patch deployment orders --type strategic --field-manager kubectl-edit \
    -p '{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"orders","resources":{"limits":{"memory":"512Mi"}}}]}}}}' >/dev/null
  [ "$(limit)" = 512Mi ] && [ "$(replicas)" = 3 ]
}
check "kubectl hot-fix: memory limit 128Mi -> 512Mi, replicas 2 -> 3" hand_edit
reverted() { [ "$(limit)" = 128Mi ] && [ "$(replicas)" = 2 ]; }
reconcile_reverts() { flux reconcile kustomization shop >/dev/null && until_ok 60 reverted; }
check "flux reconcile kustomization shop reverts the hot-fix (Git wins)" reconcile_reverts

# ---------------------------------------------------------------- the durable fix: commit to Git
git_pod=$(k -n flux-system get pods -l app=git-server -o 'jsonpath={.items[0].metadata.name}')
commit_fix() {
  k -n flux-system exec "$git_pod" -- su -s /bin/sh git -c '
    set -e; cd "$(mktemp -d)"; git clone -q /srv/git/shop-config.git . 
    sed -i "s/memory: 128Mi/memory: 512Mi/" deployment.yaml
    git -c user.name=learner -c user.email=learner@example.invalid commit -qam "orders: memory limit 512Mi (OOMKilled under the batch job)"
    git push -q origin main'
}
check "a commit raising the limit is pushed to shop-config" commit_fix
converged() { [ "$(limit)" = 512Mi ]; }
reconcile_with_source() { flux reconcile kustomization shop --with-source >/dev/null && until_ok 60 converged; }
check "flux reconcile kustomization shop --with-source converges the cluster on the commit" reconcile_with_source
events() { local e; e=$(flux events --for Kustomization/shop -n flux-system) && echo "$e" && grep -qi 'configured\|ReconciliationSucceeded' <<<"$e"; }
check "flux events shows the Kustomization's reconciliations" events
get_ks() { local g; g=$(flux get kustomizations -n flux-system) && echo "$g" && grep -E '^shop\s' <<<"$g" | grep -q True; }
check "flux get kustomizations reports shop Ready" get_ks

echo "flux-smoke: $pass passed, $fail failed"
[ "$fail" = 0 ]
