# The on-call shell: completion for the AWS CLI.
complete -C /usr/bin/aws_completer aws 2>/dev/null || true
