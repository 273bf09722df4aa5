# System-wide .bashrc for interactive bash shells (Debian's default, plus Firedrill's integration).
# Firedrill installs this as /etc/bash.bashrc in the bastion: scenarios put their own shell setup in
# /etc/profile.d/*.sh instead of replacing this file.

# If not running interactively, don't do anything
[ -z "${PS1-}" ] && return

shopt -s checkwinsize

if [ -z "${debian_chroot:-}" ] && [ -r /etc/debian_chroot ]; then
  debian_chroot=$(cat /etc/debian_chroot)
fi

if ! [ -n "${SUDO_USER-}" -a -n "${SUDO_PS1-}" ]; then
  PS1='${debian_chroot:+($debian_chroot)}\u@\h:\w\$ '
fi

# Firedrill shell integration (command capture, `lab`): also read by login shells via /etc/profile.d.
if [ -r /etc/profile.d/firedrill.sh ]; then
  . /etc/profile.d/firedrill.sh
fi
