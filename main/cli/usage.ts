export const USAGE = `Usage: firedrill <command> [options]

Practise incidents on your own machine: a real sandbox, a real failure, a real terminal.

Commands:
  doctor [--json]                         Check what a lab needs on this machine (Docker, kind, disk, memory)
  serve [--port N] [--host 127.0.0.1]     Serve the UI and API for your browser (prints the URL with its token)
  validate <path>... [--json]             Check scenario packs: file:line:col for every problem
  test <scenario> [--json] [--variant V] [--seed N] [--runtime docker] [--resolution R | --all-resolutions]
                                          Prove a scenario: baseline holds, the fault shows, the solution fixes it
                                          (--resolution: the steps of that resolution; --all-resolutions: each in turn)
  new <name> [--template minimal|web-db] [--dir D] [--list]
                                          Start a pack from a template: it validates and passes test as generated
  pack <pack-dir> [--out F] [--version X.Y.Z]
                                          Write a shareable .firedrill archive of a pack
  install <file.firedrill> [--yes]        Check an archive, show what it runs, and install it into your packs
  play <scenario> [--variant V] [--seed N] [--runtime docker]
                                          Play a scenario in this terminal, no UI
  score <session-dir> [--json]            Score how a session was troubleshot
  grade --scenario <dir> --postmortem <file.md> [--session <dir>] [--variant V] [--json] [--explain]
                                          Grade a postmortem against the scenario's rubric
  postmortem draft <session-dir> [--out <file>]
                                          Write a postmortem template with the session's timeline
  clean [--orphans] [--expired] [--json]  Remove Docker objects Firedrill created (all, only of dead runs, or only
                                          those past a game's dead man's switch deadline)
  game validate <file.game.yaml>...       Check game-day plans: file:line:col for every problem
  images seed [--force]                   Build the Debian base image offline (debootstrap), for air-gapped machines
  images build <scenario>                 Build a scenario's images ahead of time
  images prune                            Remove scenario images no current pack uses (old versions)

Options:
  -h, --help                              Show this help
  -v, --version                           Show the version

Data lives in $FIREDRILL_HOME (default: ~/.local/share/firedrill on Linux).`;
