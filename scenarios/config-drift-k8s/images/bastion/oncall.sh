# The on-call shell: kubectl and flux talk to the shop's namespace as the bastion's ServiceAccount.
if [ -r /var/run/secrets/kubernetes.io/serviceaccount/namespace ]; then
  FLUX_SYSTEM_NAMESPACE=$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)
  export FLUX_SYSTEM_NAMESPACE
fi
export GIT_AUTHOR_NAME='On-call' GIT_AUTHOR_EMAIL='oncall@shop.example'
export GIT_COMMITTER_NAME='On-call' GIT_COMMITTER_EMAIL='oncall@shop.example'
export EDITOR=vi
