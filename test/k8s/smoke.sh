#!/usr/bin/env bash
# Proves the test cluster's pods are real: an image built here with Docker goes into the cluster's
# containerd (docker save | ctr import), a Deployment + Service run it, `kubectl exec` reaches into a
# pod, another pod reaches the service by DNS name and by ClusterIP, `kubectl logs` and
# `kubectl port-forward` work, and deleting the namespace removes the containers.
# Brings the cluster up when it is not (and down again at the end, then); prints "N passed, M failed".
set -uo pipefail
# shellcheck source=test/k8s/lib.sh
. "$(dirname "$0")/lib.sh"

CLUSTER=(bash "$K8S_DIR/cluster.sh")
started=0
if ! "${CLUSTER[@]}" status 2>/dev/null; then "${CLUSTER[@]}" up || exit 1; started=1; fi
eval "$("${CLUSTER[@]}" env)"
k() { "$FIREDRILL_TEST_KUBECTL" --kubeconfig "$FIREDRILL_TEST_KUBECONFIG" "$@"; }
crictl() { "$FIREDRILL_TEST_K8S_BIN/crictl" --config "$FIREDRILL_TEST_CRICTL_CONFIG" "$@"; }

NS=fd-smoke-$$
pf_pid=
cleanup() {
  [ -n "$pf_pid" ] && kill "$pf_pid" 2>/dev/null
  k delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1
  [ "$started" = 1 ] && "${CLUSTER[@]}" down
}
trap cleanup EXIT

pass=0 fail=0
check() {
  local desc=$1 out; shift
  if out=$("$@" 2>&1); then pass=$((pass + 1)); echo "ok - $desc"
  else fail=$((fail + 1)); echo "not ok - $desc"; printf '%s\n' "$out" | tail -20 | sed 's/^/    /'; fi
}

# ---------------------------------------------------------------- the image, built here, loaded into containerd
ctx=$(mktemp -d)
cat >"$ctx/Dockerfile" <<'EOF'
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends busybox && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /srv/www
# Each pod serves its own name, so a client can tell which pod answered.
CMD ["sh", "-c", "hostname >/srv/www/host.txt && exec busybox httpd -f -vv -p 8080 -h /srv/www"]
EOF
IMAGE=firedrill/k8s-smoke:$(sha256sum "$ctx/Dockerfile" | cut -c1-12)
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  docker build -q --label firedrill.k8s-test=smoke -t "$IMAGE" "$ctx" >/dev/null || { echo "docker build failed"; exit 1; }
fi
rm -rf "$ctx"
check "image $IMAGE imported into the cluster's containerd" "${CLUSTER[@]}" load "$IMAGE"

# ---------------------------------------------------------------- Deployment + Service
k create namespace "$NS" >/dev/null
k label namespace "$NS" firedrill.test=k8s-smoke >/dev/null
k apply -n "$NS" -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: docker.io/$IMAGE
        imagePullPolicy: Never
        ports: [{ containerPort: 8080 }]
        readinessProbe: { httpGet: { path: /host.txt, port: 8080 }, periodSeconds: 2 }
        resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  containers:
  - name: client
    image: docker.io/$IMAGE
    imagePullPolicy: Never
    command: [sleep, "600"]
EOF
check "Deployment web rolls out (2 pods Ready)" k -n "$NS" rollout status deployment/web --timeout=180s
check "client pod Ready" k -n "$NS" wait pod/client --for=condition=Ready --timeout=120s

web_pods=$(k -n "$NS" get pods -l app=web -o 'jsonpath={.items[*].metadata.name}')
web1=${web_pods%% *}
web1_ip=$(k -n "$NS" get pod "$web1" -o 'jsonpath={.status.podIP}')
svc_ip=$(k -n "$NS" get service web -o 'jsonpath={.spec.clusterIP}')

in_pod_cidr() { case "$1" in "${K8S_POD_CIDR%.*}".*) return 0 ;; *) echo "pod IP $1 not in $K8S_POD_CIDR"; return 1 ;; esac; }
check "pod $web1 has an address on the cluster bridge ($web1_ip)" in_pod_cidr "$web1_ip"
containers_in_containerd() { crictl ps --name web -q | wc -l | grep -qx 2 || { crictl ps; return 1; }; }
check "containerd runs the two web containers" containers_in_containerd

# ---------------------------------------------------------------- exec, DNS, services, logs, port-forward
exec_hostname() { [ "$(k -n "$NS" exec "$web1" -- hostname)" = "$web1" ]; }
check "kubectl exec: hostname inside $web1 is the pod's name" exec_hostname
exec_pid1() { local c; c=$(k -n "$NS" exec "$web1" -- cat /proc/1/cmdline | tr '\0' ' ') && grep -q 'busybox httpd' <<<"$c"; }
check "kubectl exec: PID 1 in the pod is the image's busybox httpd" exec_pid1
# `timeout`, not wget -T: Debian bookworm's busybox wget crashes (SIGSEGV) when given -T.
fetch() { k -n "$NS" exec client -- timeout 10 busybox wget -q -O- "$1"; }
served_by_web() { local got; got=$(fetch "$1") && echo "$got" | grep -qE "^web-"; }
check "client reaches the service by DNS name (web.$NS.svc.$K8S_CLUSTER_DOMAIN)" served_by_web "http://web.$NS.svc.$K8S_CLUSTER_DOMAIN/host.txt"
check "client reaches the service by short name (web)" served_by_web "http://web/host.txt"
check "client reaches the service by ClusterIP ($svc_ip)" served_by_web "http://$svc_ip/host.txt"
check "client reaches a pod by its IP ($web1_ip:8080)" served_by_web "http://$web1_ip:8080/host.txt"
both_pods() {
  local seen="" i
  for i in $(seq 1 30); do seen="$seen $(fetch http://web/host.txt)"; done
  for p in $web_pods; do echo "$seen" | grep -qw "$p" || { echo "never answered by $p: $seen"; return 1; }; done
}
check "the service balances over both pods" both_pods
no_default_route() {
  local r; r=$(k -n "$NS" exec client -- busybox ip route) || return 1
  echo "$r"; grep -q "^$K8S_SERVICE_CIDR via $K8S_NODE_IP" <<<"$r" && ! grep -q '^default' <<<"$r"
}
check "pods have no default route (nothing leaves the machine)" no_default_route
# Into a variable first: with pipefail, grep -q closing the pipe early would fail kubectl (SIGPIPE).
logs_show_requests() { local l; l=$(k -n "$NS" logs -l app=web --tail=-1) && grep -q 'url:/host.txt' <<<"$l"; }
check "kubectl logs shows the requests" logs_show_requests

pf_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$FIREDRILL_TEST_KUBECTL" --kubeconfig "$FIREDRILL_TEST_KUBECONFIG" -n "$NS" port-forward service/web "$pf_port:80" \
  --address 127.0.0.1 >/dev/null 2>&1 &
pf_pid=$!
port_forward() {
  local i
  for i in $(seq 1 20); do curl -fsS "http://127.0.0.1:$pf_port/host.txt" 2>/dev/null | grep -q '^web-' && return 0; sleep 0.5; done
  return 1
}
check "kubectl port-forward to the service answers on 127.0.0.1:$pf_port" port_forward
[ -n "$pf_pid" ] && kill "$pf_pid" 2>/dev/null; pf_pid=

# ---------------------------------------------------------------- teardown of the namespace
ns_gone() {
  k delete namespace "$NS" --wait=true --timeout=120s >/dev/null || return 1
  # The kubelet stops the pods' sandboxes at once and deletes them later (garbage collection).
  [ -z "$(crictl ps --label "io.kubernetes.pod.namespace=$NS" -q)" ] || { echo "containers still running"; crictl ps; return 1; }
  [ -z "$(crictl pods --namespace "$NS" --state ready -q)" ] || { echo "sandboxes still ready"; crictl pods; return 1; }
  # One veth per pod still running (CoreDNS): none left behind by the deleted pods.
  local veths pods
  veths=$(ip -o link show master "$K8S_BRIDGE" | wc -l); pods=$(crictl pods --state ready -q | wc -l)
  [ "$veths" = "$pods" ] || { echo "$veths veths on $K8S_BRIDGE for $pods pods"; ip -o link show master "$K8S_BRIDGE"; return 1; }
}
check "deleting the namespace removes its pods, containers and veths" ns_gone

echo "k8s-smoke: $pass passed, $fail failed"
[ "$fail" = 0 ]
