# Certificates and kubeconfigs for the test cluster, made with openssl (sourced by cluster.sh).
# One CA signs everything; client identities follow kubeadm's names so RBAC's default bindings apply.
# shellcheck shell=bash

# pki_cert NAME SUBJECT EXTENSIONS: a 2048-bit key and a certificate signed by the cluster CA.
pki_cert() {
  local name=$1 subject=$2 ext=$3 dir=$K8S_STATE/pki
  [ -f "$dir/$name.crt" ] && return 0
  openssl genrsa -out "$dir/$name.key" 2048 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

pki_make() {
  local dir=$K8S_STATE/pki
  mkdir -p "$dir" && chmod 700 "$dir"
  if [ ! -f "$dir/ca.crt" ]; then
    openssl genrsa -out "$dir/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=firedrill-test-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$dir/ca.crt" 2>/dev/null
  fi
  local client='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth'
  pki_cert apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$K8S_NODE_IP,IP:$K8S_API_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$K8S_CLUSTER_DOMAIN"
  pki_cert kubelet-serving "/CN=$K8S_NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:$K8S_NODE_IP,DNS:$K8S_NODE_NAME"
  pki_cert admin "/O=system:masters/CN=kubernetes-admin" "$client"
  pki_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  pki_cert controller-manager "/CN=system:kube-controller-manager" "$client"
  pki_cert scheduler "/CN=system:kube-scheduler" "$client"
  pki_cert kubelet "/O=system:nodes/CN=system:node:$K8S_NODE_NAME" "$client"
  pki_cert kube-proxy "/CN=system:kube-proxy" "$client"
  if [ ! -f "$dir/sa.key" ]; then
    openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
    openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  fi
  chmod 600 "$dir"/*.key
}

# pki_kubeconfig FILE CERTNAME SERVER: a kubeconfig with the certificates embedded, so the file alone
# is enough for a client (tests copy it).
pki_kubeconfig() {
  local file=$1 name=$2 server=$3 dir=$K8S_STATE/pki
  local ca crt key
  ca=$(base64 -w0 <"$dir/ca.crt") crt=$(base64 -w0 <"$dir/$name.crt") key=$(base64 -w0 <"$dir/$name.key")
  # A private file; the umask is not changed, as every process started after inherits it.
  : >"$file" && chmod 600 "$file"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: firedrill-test
  cluster:
    server: $server
    certificate-authority-data: $ca
users:
- name: $name
  user:
    client-certificate-data: $crt
    client-key-data: $key
contexts:
- name: firedrill-test
  context:
    cluster: firedrill-test
    user: $name
current-context: firedrill-test
EOF
}
