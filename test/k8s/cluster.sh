#!/usr/bin/env bash
# A real single-node Kubernetes cluster run as processes on this machine, the way Kubernetes'
# hack/local-up-cluster.sh runs one: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# containerd (its own socket, root and state, apart from Docker's), kubelet, kube-proxy, CNI bridge,
# CoreDNS. No privileged container is involved, so it runs where Docker refuses them.
#
#   cluster.sh up       start (idempotent: a healthy cluster is left as it is), wait for node Ready + DNS
#   cluster.sh down     stop and remove everything it made (idempotent); images stay in its containerd
#   cluster.sh purge    down, then delete all state (images and certificates too)
#   cluster.sh status   exit 0 when the cluster answers and the node is Ready
#   cluster.sh env      print the variables tests read (eval "$(bash test/k8s/cluster.sh env)")
#   cluster.sh load IMAGE...  copy images from Docker into the cluster (like `kind load docker-image`)
set -euo pipefail
# shellcheck source=test/k8s/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/k8s/pki.sh
. "$K8S_DIR/pki.sh"

RUN=$K8S_STATE/run
LOGS=$K8S_STATE/logs
CTR_SOCK=$RUN/containerd.sock
KUBECONFIG_ADMIN=$K8S_STATE/kubeconfig
CGROUP_V1_ROOT=/sys/fs/cgroup

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- processes (by pid file, never by name)

proc_pid() { cat "$RUN/$1.pid" 2>/dev/null || true; }

# A pid counts as ours only while it still runs the binary we started (pids are reused).
proc_alive() {
  local pid exe
  pid=$(proc_pid "$1"); [ -n "$pid" ] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "$exe" = "$(cat "$RUN/$1.exe")" ]
}

proc_start() {
  local name=$1; shift
  mkdir -p "$RUN" "$LOGS"
  if proc_alive "$name"; then return 0; fi
  # setsid: the cluster outlives the shell that started it and is not hit by its Ctrl-C.
  # 8>&-: the component must not inherit the up/down lock, or the next down waits for it forever.
  ( exec setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1 8>&- ) &
  echo $! >"$RUN/$name.pid"
  readlink -f "$1" >"$RUN/$name.exe"
}

proc_stop() {
  local name=$1 pid i
  if proc_alive "$name"; then
    pid=$(proc_pid "$name")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do proc_alive "$name" || break; sleep 0.1; done
    if proc_alive "$name"; then k8s_log "$name did not stop on SIGTERM in 10 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$RUN/$name.pid" "$RUN/$name.exe"
}

# wait_for DESCRIPTION SECONDS LOGNAME COMMAND...: poll once a second; on timeout show the log's tail.
wait_for() {
  local desc=$1 secs=$2 log=$3; shift 3
  local i
  for i in $(seq 1 "$secs"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [ -n "$log" ] && ! proc_alive "$log"; then
      tail -40 "$LOGS/$log.log" >&2 || true
      k8s_die "$log exited while waiting for $desc (log: $LOGS/$log.log)"
    fi
    sleep 1
  done
  [ -n "$log" ] && tail -40 "$LOGS/$log.log" >&2
  k8s_die "timed out after ${secs}s waiting for $desc${log:+ (log: $LOGS/$log.log)}"
}

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
ctr_k8s() { ctr --address "$CTR_SOCK" --namespace k8s.io "$@"; }

# ---------------------------------------------------------------- preflight

preflight() {
  [ "$(id -u)" = 0 ] || k8s_die "must run as root (kubelet, containerd, iptables)"
  local missing=() c
  for c in openssl iptables ip6tables ip containerd containerd-shim-runc-v2 runc ctr findmnt ss; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  for c in bridge host-local loopback portmap; do [ -x "/usr/lib/cni/$c" ] || missing+=("cni:$c"); done
  if [ ${#missing[@]} -gt 0 ]; then
    k8s_die "missing ${missing[*]}: apt-get install -y containerd runc containernetworking-plugins iptables iproute2 openssl util-linux"
  fi
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd crictl; do
    [ -x "$BIN/$c" ] || k8s_die "$BIN/$c missing: run bash test/k8s/build.sh"
  done
  [ -d /proc/sys/net/bridge ] || modprobe br_netfilter 2>/dev/null || k8s_die "br_netfilter is not loaded (pod-to-service traffic needs bridge-nf-call-iptables)"
  local port busy=()
  for port in "$K8S_API_PORT" "$K8S_ETCD_PORT" $((K8S_ETCD_PORT + 1)) 10248 10249 10250 10256 10257 10259; do
    if ss -Hltn "sport = :$port" | grep -q .; then busy+=("$port"); fi
  done
  [ ${#busy[@]} -eq 0 ] || k8s_die "ports in use: ${busy[*]} (another cluster? bash test/k8s/cluster.sh down; or set FIREDRILL_K8S_API_PORT / FIREDRILL_K8S_ETCD_PORT)"
}

# ---------------------------------------------------------------- host changes that down reverts

SYSCTLS="net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.ipv4.ip_forward vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes"

# The kubelet sets kernel tunables it wants (vm.overcommit_memory, kernel.panic...): remember the
# machine's values once, and put them back on down.
sysctl_save() {
  [ -f "$K8S_STATE/sysctl.saved" ] && return 0
  local k
  for k in $SYSCTLS; do
    [ -e "/proc/sys/${k//.//}" ] && echo "$k=$(cat "/proc/sys/${k//.//}")"
  done >"$K8S_STATE/sysctl.saved"
}

sysctl_restore() {
  [ -f "$K8S_STATE/sysctl.saved" ] || return 0
  local line
  while IFS= read -r line; do
    echo "${line#*=}" >"/proc/sys/$(echo "${line%%=*}" | tr . /)" 2>/dev/null || k8s_log "could not restore $line"
  done <"$K8S_STATE/sysctl.saved"
  rm -f "$K8S_STATE/sysctl.saved"
}

network_up() {
  if ! ip link show "$K8S_BRIDGE" >/dev/null 2>&1; then
    ip link add "$K8S_BRIDGE" type bridge
  fi
  ip addr replace "$K8S_NODE_IP/${K8S_POD_CIDR#*/}" dev "$K8S_BRIDGE"
  ip link set "$K8S_BRIDGE" up
  # Service addresses that kube-proxy has not rewritten go to our bridge and die there: they never
  # take the default route out of the machine.
  ip route replace "$K8S_SERVICE_CIDR" dev "$K8S_BRIDGE"
  echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
  echo 1 >/proc/sys/net/ipv4/ip_forward
  # Pods talk to pods (directly, or through a service rewritten to a pod); nothing is forwarded between
  # the cluster's bridge and any other interface. Pods reach the node itself (INPUT) for the API server.
  iptables -w -N "$K8S_FWD_CHAIN" 2>/dev/null || iptables -w -F "$K8S_FWD_CHAIN"
  iptables -w -A "$K8S_FWD_CHAIN" -i "$K8S_BRIDGE" -o "$K8S_BRIDGE" -j ACCEPT
  iptables -w -A "$K8S_FWD_CHAIN" -i "$K8S_BRIDGE" -j DROP
  iptables -w -A "$K8S_FWD_CHAIN" -o "$K8S_BRIDGE" -j DROP
  iptables -w -C FORWARD -j "$K8S_FWD_CHAIN" 2>/dev/null || iptables -w -I FORWARD 1 -j "$K8S_FWD_CHAIN"
}

# ipt_drop_chain CMD TABLE CHAIN: remove every jump to CHAIN, then the chain itself.
ipt_drop_chain() {
  local cmd=$1 table=$2 chain=$3 rule
  { "$cmd" -w -t "$table" -S 2>/dev/null | grep -E -- "-j $chain( |\$)" | grep '^-A ' || true; } | while IFS= read -r rule; do
    eval "$cmd -w -t $table ${rule/-A /-D }" 2>/dev/null || true
  done
  "$cmd" -w -t "$table" -F "$chain" 2>/dev/null || true
  "$cmd" -w -t "$table" -X "$chain" 2>/dev/null || true
}

network_down() {
  local cmd table chain link
  # Chains the cluster made: ours, kube-proxy's and kubelet's (KUBE-*), the CNI portmap plugin's
  # (CNI-HOSTPORT-*, CNI-DN-*). Docker's chains (DOCKER*) are never touched.
  for cmd in iptables ip6tables; do
    for table in filter nat mangle; do
      for chain in $("$cmd" -w -t "$table" -S 2>/dev/null | awk '$1 == "-N" && ($2 ~ /^KUBE-/ || $2 ~ /^CNI-HOSTPORT-/ || $2 ~ /^CNI-DN-/ || $2 == "'"$K8S_FWD_CHAIN"'") { print $2 }'); do
        ipt_drop_chain "$cmd" "$table" "$chain"
      done
    done
  done
  # A pod interface left behind (kubelet or containerd killed before CNI DEL) is a veth on our bridge.
  for link in $(ip -o link show master "$K8S_BRIDGE" 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
    ip link del "$link" 2>/dev/null || true
  done
  ip route del "$K8S_SERVICE_CIDR" dev "$K8S_BRIDGE" 2>/dev/null || true
  ip link del "$K8S_BRIDGE" 2>/dev/null || true
}

# cgroups: the kubelet's pods live under /<K8S_CGROUP> in every hierarchy, created here, removed on down.
cgroup_dirs() {
  if [ -f "$CGROUP_V1_ROOT/cgroup.controllers" ]; then echo "$CGROUP_V1_ROOT/$K8S_CGROUP"; return; fi
  local d
  for d in "$CGROUP_V1_ROOT"/*/; do
    d=${d%/}
    case "$(basename "$d")" in unified) continue ;; esac
    [ -f "$d/cgroup.procs" ] && echo "$d/$K8S_CGROUP"
  done
}

cgroups_up() {
  local d
  if [ -f "$CGROUP_V1_ROOT/cgroup.controllers" ]; then
    mkdir -p "$CGROUP_V1_ROOT/$K8S_CGROUP"
    return
  fi
  for d in $(cgroup_dirs); do
    mkdir -p "$d"
    case "$d" in */cpuset/*)
      # A new cpuset has no cpus/mems: a task cannot join it until they are copied from the parent.
      cat "$(dirname "$d")/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$(dirname "$d")/cpuset.mems" >"$d/cpuset.mems" ;;
    esac
  done
}

cgroups_down() {
  local d sub
  # On a hybrid v1 host runc also mirrors each container into the v2 hierarchy at unified/.
  for d in $(cgroup_dirs) "$CGROUP_V1_ROOT/unified/$K8S_CGROUP"; do
    [ -d "$d" ] || continue
    # Deepest first; rmdir only removes empty cgroups, so a cgroup with a live task stays and is reported.
    find "$d" -depth -type d 2>/dev/null | while IFS= read -r sub; do rmdir "$sub" 2>/dev/null || k8s_log "cgroup $sub is still in use"; done
  done
}

mounts_down() {
  local m
  # Deepest first: pod volumes, container rootfs, network namespaces (kept under containerd's state dir).
  findmnt -rn -o TARGET | awk -v p="$K8S_STATE/" 'index($0, p) == 1' | sort -r | while IFS= read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || k8s_log "could not unmount $m"
  done
}

# The kubelet links each container log into /var/log/containers: remove our links, and the folder if
# we created it.
container_logs_down() {
  local l
  for l in /var/log/containers/*; do
    [ -L "$l" ] || continue
    case "$(readlink "$l")" in "$K8S_STATE"/*) rm -f "$l" ;; esac
  done
  if [ -f "$K8S_STATE/created-var-log-containers" ]; then
    rmdir /var/log/containers 2>/dev/null || true
    rm -f "$K8S_STATE/created-var-log-containers"
  fi
}

# ---------------------------------------------------------------- components

etcd_up() {
  proc_start etcd "$BIN/etcd" --name firedrill --data-dir "$K8S_STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((K8S_ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((K8S_ETCD_PORT + 1))" \
    --initial-cluster "firedrill=http://127.0.0.1:$((K8S_ETCD_PORT + 1))" \
    --listen-metrics-urls "" --log-level warn --unsafe-no-fsync
  wait_for "etcd /health" 60 etcd curl -fsS "http://127.0.0.1:$K8S_ETCD_PORT/health"
}

apiserver_up() {
  local pki=$K8S_STATE/pki
  proc_start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$K8S_ETCD_PORT" \
    --bind-address 0.0.0.0 --secure-port "$K8S_API_PORT" --advertise-address "$K8S_NODE_IP" \
    --service-cluster-ip-range "$K8S_SERVICE_CIDR" \
    --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-account-issuer "https://kubernetes.default.svc.$K8S_CLUSTER_DOMAIN" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --allow-privileged=true --profiling=false --v=1
  wait_for "kube-apiserver /readyz" 120 kube-apiserver \
    curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "https://127.0.0.1:$K8S_API_PORT/readyz"
}

controllers_up() {
  local pki=$K8S_STATE/pki
  proc_start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$K8S_STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$K8S_STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$K8S_STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --service-cluster-ip-range "$K8S_SERVICE_CIDR" --allocate-node-cidrs=false --profiling=false --v=1
  proc_start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$K8S_STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$K8S_STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig "$K8S_STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false --v=1
}

containerd_config() {
  mkdir -p "$K8S_STATE/containerd" "$K8S_STATE/cni/net.d" "$RUN"
  cat >"$K8S_STATE/containerd/config.toml" <<EOF
# containerd for the test cluster only: own socket, root and state, so Docker's containerd is untouched.
version = 2
root = "$K8S_STATE/containerd/root"
state = "$RUN/containerd"
# No CAP_SYS_RESOURCE here: containerd must not try to lower its own or its containers' OOM scores.
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$CTR_SOCK"
[ttrpc]
  address = "$RUN/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$K8S_STATE/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/firedrill/pause:$PAUSE_VERSION"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$RUN/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$K8S_STATE/cni/net.d"
    max_conf_num = 1
EOF
  # bridge + host-local + portmap; loopback is set up by containerd itself from the same bin_dir.
  # No default route in pods: only the pod subnet (on the bridge) and the service range (via the node).
  cat >"$K8S_STATE/cni/net.d/10-firedrill.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "firedrill-k8s",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$K8S_BRIDGE",
      "isGateway": true,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$K8S_STATE/cni/ipam",
        "ranges": [[{ "subnet": "$K8S_POD_CIDR", "gateway": "$K8S_NODE_IP" }]],
        "routes": [{ "dst": "$K8S_SERVICE_CIDR" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

containerd_up() {
  containerd_config
  printf 'runtime-endpoint: unix://%s\nimage-endpoint: unix://%s\ntimeout: 30\n' "$CTR_SOCK" "$CTR_SOCK" >"$K8S_STATE/crictl.yaml"
  proc_start containerd "$(command -v containerd)" --config "$K8S_STATE/containerd/config.toml" --log-level warn
  wait_for "containerd" 60 containerd ctr --address "$CTR_SOCK" version
}

# Import the cluster's own images (pause, CoreDNS) once: they stay in containerd's root across downs.
images_up() {
  local name tar
  for name in pause:$PAUSE_VERSION coredns:$COREDNS_VERSION; do
    if ! ctr_k8s images ls -q | grep -qx "docker.io/firedrill/$name"; then
      tar="$BIN/../images/${name%%:*}.tar"
      [ -f "$tar" ] || k8s_die "$tar missing: run bash test/k8s/build.sh"
      ctr_k8s images import "$tar" >/dev/null
    fi
  done
}

kubelet_up() {
  local pki=$K8S_STATE/pki
  mkdir -p "$K8S_STATE/kubelet"
  [ -d /var/log/containers ] || { mkdir -p /var/log/containers; touch "$K8S_STATE/created-var-log-containers"; }
  # An empty resolv.conf: pods with dnsPolicy Default (CoreDNS itself) get no upstream resolver.
  : >"$K8S_STATE/kubelet/resolv.conf"
  cat >"$K8S_STATE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# These machines run cgroup v1; the kubelet refuses it unless told not to.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: true
cgroupRoot: /$K8S_CGROUP
enforceNodeAllocatable: ["pods"]
# Root here lacks CAP_SYS_RESOURCE: lowering an OOM score is refused, so ask for none.
oomScoreAdj: 0
protectKernelDefaults: false
failSwapOn: false
containerRuntimeEndpoint: unix://$CTR_SOCK
imageServiceEndpoint: unix://$CTR_SOCK
address: $K8S_NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $pki/ca.crt }
authorization:
  mode: Webhook
clusterDNS: [$K8S_DNS_IP]
clusterDomain: $K8S_CLUSTER_DOMAIN
resolvConf: $K8S_STATE/kubelet/resolv.conf
podLogsDir: $K8S_STATE/pod-logs
volumePluginDir: $K8S_STATE/kubelet/volume-plugins
staticPodPath: ""
# A shared test machine: never evict pods or delete images because other work filled the disk.
evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%", "nodefs.inodesFree": "1%" }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
EOF
  proc_start kubelet "$BIN/kubelet" --config "$K8S_STATE/kubelet/config.yaml" \
    --kubeconfig "$K8S_STATE/kubelet.kubeconfig" --root-dir "$K8S_STATE/kubelet" \
    --hostname-override "$K8S_NODE_NAME" --node-ip "$K8S_NODE_IP" --v=1
}

kube_proxy_up() {
  cat >"$K8S_STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection:
  kubeconfig: $K8S_STATE/kube-proxy.kubeconfig
hostnameOverride: $K8S_NODE_NAME
clusterCIDR: $K8S_POD_CIDR
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# NodePorts answer on the node's bridge address only, never on the machine's own interfaces.
nodePortAddresses: ["$K8S_NODE_IP/32"]
iptables:
  localhostNodePorts: false
oomScoreAdj: 0
# Leave the machine's conntrack table size and timeouts alone (0 = do not change).
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
  proc_start kube-proxy "$BIN/kube-proxy" --config "$K8S_STATE/kube-proxy.yaml" --v=1
}

coredns_up() {
  sed -e "s|@DNS_IP@|$K8S_DNS_IP|g" -e "s|@DOMAIN@|$K8S_CLUSTER_DOMAIN|g" -e "s|@VERSION@|$COREDNS_VERSION|g" \
    "$K8S_DIR/manifests/coredns.yaml" | kubectl_admin apply --server-side --field-manager firedrill-test-cluster -f - >/dev/null
}

node_ready() {
  [ "$(kubectl_admin get node "$K8S_NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# ---------------------------------------------------------------- commands

env_lines() {
  cat <<EOF
export FIREDRILL_TEST_KUBECONFIG=$KUBECONFIG_ADMIN
export FIREDRILL_TEST_KUBECTL=$BIN/kubectl
export FIREDRILL_TEST_K8S_BIN=$BIN
export FIREDRILL_TEST_CONTAINERD_ADDRESS=$CTR_SOCK
export FIREDRILL_TEST_K8S_NODE=$K8S_NODE_NAME
export FIREDRILL_TEST_CRICTL_CONFIG=$K8S_STATE/crictl.yaml
EOF
}

healthy() {
  local c
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
    proc_alive "$c" || return 1
  done
  node_ready
}

cmd_up() {
  local t0 t
  t0=$(now)
  if [ -f "$KUBECONFIG_ADMIN" ] && healthy; then
    k8s_log "already up (node $K8S_NODE_NAME Ready); kubeconfig: $KUBECONFIG_ADMIN"
    return 0
  fi
  # Anything left from a crashed or half-started cluster goes first.
  if [ -d "$RUN" ] || ip link show "$K8S_BRIDGE" >/dev/null 2>&1; then cmd_down; fi
  preflight
  mkdir -p "$K8S_STATE" "$RUN" "$LOGS"
  echo "$BIN" >"$K8S_STATE/bin-dir"
  : >"$LOGS/timings"
  sysctl_save
  pki_make
  pki_kubeconfig "$KUBECONFIG_ADMIN" admin "https://127.0.0.1:$K8S_API_PORT"
  pki_kubeconfig "$K8S_STATE/controller-manager.kubeconfig" controller-manager "https://127.0.0.1:$K8S_API_PORT"
  pki_kubeconfig "$K8S_STATE/scheduler.kubeconfig" scheduler "https://127.0.0.1:$K8S_API_PORT"
  pki_kubeconfig "$K8S_STATE/kubelet.kubeconfig" kubelet "https://127.0.0.1:$K8S_API_PORT"
  pki_kubeconfig "$K8S_STATE/kube-proxy.kubeconfig" kube-proxy "https://127.0.0.1:$K8S_API_PORT"
  network_up
  cgroups_up
  t=$(now); etcd_up; echo "etcd $(since "$t")" >>"$LOGS/timings"
  t=$(now); apiserver_up; echo "kube-apiserver $(since "$t")" >>"$LOGS/timings"
  controllers_up
  t=$(now); containerd_up; images_up; echo "containerd+images $(since "$t")" >>"$LOGS/timings"
  kubelet_up
  kube_proxy_up
  t=$(now)
  wait_for "node $K8S_NODE_NAME Ready" 180 kubelet node_ready
  echo "node-ready $(since "$t")" >>"$LOGS/timings"
  k8s_log "node $K8S_NODE_NAME Ready after $(since "$t0")s"
  t=$(now)
  coredns_up
  wait_for "CoreDNS rollout" 180 kubelet kubectl_admin -n kube-system rollout status deployment/coredns --timeout=1s
  echo "coredns $(since "$t")" >>"$LOGS/timings"
  env_lines >"$K8S_STATE/env"
  echo "up $(since "$t0")" >>"$LOGS/timings"
  k8s_log "cluster up in $(since "$t0")s ($(tr '\n' ' ' <"$LOGS/timings"| sed 's/ $//')); kubeconfig: $KUBECONFIG_ADMIN"
}

# Remove every pod sandbox through the CRI so the CNI plugins delete their veths, addresses and
# port mappings. After a crash containerd may be down: start it again just for this.
sandboxes_down() {
  [ -f "$K8S_STATE/containerd/config.toml" ] || return 0
  if ! proc_alive containerd; then
    proc_start containerd "$(command -v containerd)" --config "$K8S_STATE/containerd/config.toml" --log-level warn
    local i
    for i in $(seq 1 30); do ctr --address "$CTR_SOCK" version >/dev/null 2>&1 && break; sleep 1; done
  fi
  local crictl=("$BIN/crictl" --config "$K8S_STATE/crictl.yaml") ids
  ids=$("${crictl[@]}" pods -q 2>/dev/null || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    "${crictl[@]}" stopp $ids >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    "${crictl[@]}" rmp -f $ids >/dev/null 2>&1 || true
  fi
}

# containerd's shims outlive containerd; ours are the shims whose -address is our socket.
shims_down() {
  local f pid
  for f in $(grep -las -- "$CTR_SOCK" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in */containerd-shim*) kill -KILL "$pid" 2>/dev/null || true ;; esac
  done
}

cmd_down() {
  local t0 c
  t0=$(now)
  [ -d "$K8S_STATE" ] || { k8s_log "nothing to stop"; return 0; }
  # The kubelet first, or it starts again what we remove.
  for c in kube-proxy kubelet kube-scheduler kube-controller-manager; do proc_stop "$c"; done
  sandboxes_down
  proc_stop containerd
  shims_down
  proc_stop kube-apiserver
  proc_stop etcd
  [ -x "$BIN/kube-proxy" ] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  mounts_down
  network_down
  cgroups_down
  container_logs_down
  sysctl_restore
  # A fresh etcd, kubelet and CNI state next time; certificates and containerd's images are kept.
  rm -rf "$RUN" "$K8S_STATE/etcd" "$K8S_STATE/kubelet" "$K8S_STATE/cni" "$K8S_STATE/pod-logs" "$K8S_STATE/env" "$K8S_STATE/bin-dir" \
    "$KUBECONFIG_ADMIN" "$K8S_STATE"/*.kubeconfig
  k8s_log "down in $(since "$t0")s"
}

cmd_purge() {
  cmd_down
  mounts_down
  rm -rf "$K8S_STATE"
  k8s_log "purged $K8S_STATE"
}

cmd_load() {
  [ $# -gt 0 ] || k8s_die "usage: cluster.sh load IMAGE..."
  docker save "$@" | ctr_k8s images import --digests - >/dev/null
  k8s_log "loaded $* into the cluster's containerd"
}

# The binaries of the cluster that runs (recorded by up), so down, env and load keep working after the
# pins change and the cache key moves on.
running_bin() {
  if [ -f "$K8S_STATE/bin-dir" ] && [ -x "$(cat "$K8S_STATE/bin-dir")/kubectl" ]; then cat "$K8S_STATE/bin-dir"; return; fi
  k8s_find_bin || echo /nonexistent
}

main() {
  local cmd=${1:-}; shift || true
  # containerd creates container root directories with the umask it inherits: a strict umask here
  # (077) makes every image's / unreadable to a pod's non-root user.
  umask 022
  case "$cmd" in up | down | purge)
    # One up/down at a time (two test runs may both ask for the cluster).
    mkdir -p "$(dirname "$K8S_STATE")"
    exec 8>"$K8S_STATE.lock"
    flock 8 ;;
  esac
  case "$cmd" in
    up) BIN=$(k8s_bin_dir); cmd_up ;;
    down) BIN=$(running_bin); cmd_down ;;
    purge) BIN=$(running_bin); cmd_purge ;;
    status) BIN=$(running_bin); healthy && k8s_log "up: node $K8S_NODE_NAME Ready" ;;
    env) BIN=$(running_bin); env_lines ;;
    load) BIN=$(running_bin); cmd_load "$@" ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
}

main "$@"
