/**
 * The `firedrill` command line. Each command lives in `commands/` and is loaded on demand, so
 * `firedrill --help` stays fast and `validate` works on a machine without Docker.
 */
import { packageVersion } from '../platform/package-root.js';
import { processIO, UsageError, type CliIO } from './io.js';
import { USAGE } from './usage.js';

type Command = (args: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  doctor: async () => (await import('./commands/doctor.js')).runDoctorCommand,
  serve: async () => (await import('./commands/serve.js')).runServe,
  validate: async () => (await import('./commands/validate.js')).runValidate,
  test: async () => (await import('./commands/test.js')).runTest,
  play: async () => (await import('./commands/play-command.js')).runPlayCommand,
  score: async () => (await import('./commands/score.js')).runScoreCommand,
  grade: async () => (await import('./commands/grade.js')).runGradeCommand,
  postmortem: async () => (await import('./commands/postmortem.js')).runPostmortemCommand,
  clean: async () => (await import('./commands/clean.js')).runClean,
  game: async () => (await import('./commands/game.js')).runGameCommand,
  images: async () => (await import('./commands/images.js')).runImages,
  new: async () => (await import('./commands/new.js')).runNew,
  pack: async () => (await import('./commands/pack.js')).runPack,
  install: async () => (await import('./commands/pack.js')).runInstall,
};

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    io.stdout(packageVersion());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`firedrill: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const command = await load();
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`firedrill ${name}: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`firedrill ${name}: ${error instanceof Error ? error.message : String(error)}`);
    const fix = (error as { fix?: string }).fix;
    if (fix) io.stderr(`fix: ${fix}`);
    return 1;
  }
}
