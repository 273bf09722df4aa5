# Firedrill shell integration for bash (bastion containers).
#
# Installed as /etc/profile.d/firedrill.sh (read by login shells: `docker exec -it <c> bash -l`) and
# sourced from /etc/bash.bashrc (interactive non-login shells). It prints invisible OSC 633 marks,
# the same ones VS Code's shell integration uses, which the Firedrill host strips and turns into
# `command` events:
#   PS1 = A <prompt> B; PS0 (after a command line is read, before it runs) = E;<line> C;
#   PROMPT_COMMAND (before the next prompt) = D;<exit code> and P;Cwd=<dir>.
# Each group is preceded by P;FiredrillShell=<pid> so nested shells keep their commands apart.
# Empty lines print no PS0, so they record nothing; Ctrl-C gives exit code 130.
# The command line comes from history (`history 1`), so multi-line commands arrive joined the way
# bash stores them ("for i in 1 2; do echo $i; done").
#
# /etc/profile.d is also read by sh: the guard below must stay POSIX.
[ -n "${BASH_VERSION-}" ] || return 0
case $- in *i*) ;; *) return 0 ;; esac
[ -z "${__firedrill_loaded-}" ] || return 0
__firedrill_loaded=1

# Escape a value for an OSC 633 field (as VS Code): backslash, ';' and control characters.
# Result in __firedrill_out (no subshell: this runs at every prompt).
__firedrill_escape() {
  local s=$1 out='' ch i
  s=${s//\\/\\\\}
  s=${s//;/\\x3b}
  s=${s//$'\n'/\\x0a}
  s=${s//$'\r'/\\x0d}
  s=${s//$'\t'/\\x09}
  s=${s//$'\e'/\\x1b}
  s=${s//$'\a'/\\x07}
  if [[ $s == *[$'\x01'-$'\x1f'$'\x7f']* ]]; then
    for ((i = 0; i < ${#s}; i++)); do
      ch=${s:i:1}
      if [[ $ch == [$'\x01'-$'\x1f'$'\x7f'] ]]; then
        printf -v ch '\\x%02x' "'$ch"
      fi
      out+=$ch
    done
    s=$out
  fi
  __firedrill_out=$s
}

# PS0: runs in a subshell after a command line is read and before it executes.
__firedrill_ps0() {
  local hist line
  hist=$(HISTTIMEFORMAT= builtin history 1)
  if [[ $hist =~ ^[[:space:]]*[0-9]+\*?[[:space:]]+(.*)$ ]]; then
    line=${BASH_REMATCH[1]}
  else
    line=$hist
  fi
  # Trailing blanks are noise.
  line=${line%"${line##*[![:space:]]}"}
  __firedrill_escape "$line"
  printf '\e]633;P;FiredrillShell=%s\a\e]633;E;%s\a\e]633;C\a' "$$" "$__firedrill_out"
}

# PROMPT_COMMAND: must run first, while $? is still the command's exit status.
__firedrill_precmd() {
  local code=$?
  __firedrill_escape "$PWD"
  printf '\e]633;P;FiredrillShell=%s\a\e]633;D;%s\a\e]633;P;Cwd=%s\a' "$$" "$code" "$__firedrill_out"
  # A later rc file may have replaced PS1 or PS0: put the marks back.
  if [[ $PS1 != *'633;A'* ]]; then
    PS1='\[\e]633;A\a\]'"$PS1"'\[\e]633;B\a\]'
  fi
  if [[ ${PS0-} != *'__firedrill_ps0'* ]]; then
    PS0="${PS0-}"'$(__firedrill_ps0)'
  fi
  # A line starting with a space must still reach `history 1`.
  case ${HISTCONTROL-} in
    *ignorespace* | *ignoreboth*)
      HISTCONTROL=${HISTCONTROL//ignoreboth/ignoredups}
      HISTCONTROL=${HISTCONTROL//ignorespace/}
      ;;
  esac
  return "$code"
}

set -o history
if [[ ${PROMPT_COMMAND[0]-} != __firedrill_precmd ]]; then
  # bash >= 5.1 runs every element; older bash only the first, which is ours.
  PROMPT_COMMAND=(__firedrill_precmd "${PROMPT_COMMAND[@]}")
fi
PS1=${PS1-'\u@\h:\w\$ '}
PS1='\[\e]633;A\a\]'"$PS1"'\[\e]633;B\a\]'
PS0="${PS0-}"'$(__firedrill_ps0)'

# psql: log each statement sent (psql -L) so the prompt (see /etc/postgresql-common/psqlrc)
# can report it to the host. Statements in a psql started any other way are not captured.
psql() {
  local log rc
  log=$(mktemp "${TMPDIR:-/tmp}/.firedrill-psql.XXXXXX") || { command psql "$@"; return; }
  FIREDRILL_PSQL_LOG=$log command psql -L "$log" "$@"
  rc=$?
  rm -f "$log"
  return "$rc"
}
