export PS1='\[\e[1;33m\]oncall@bastion\[\e[0m\]:\w\$ '
alias ll='ls -la'
