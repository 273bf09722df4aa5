/**
 * `firedrill new <name> [--template minimal|web-db] [--dir <folder>]`: a complete pack that validates and passes
 * `firedrill test` as generated. Default folder: the current one (so `firedrill test <name>` finds it).
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { templatesDir } from '../../platform/paths.js';
import { listTemplates, scaffoldPack } from '../../studio/scaffold.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../io.js';

export async function runNew(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { template: { type: 'string', default: 'minimal' }, dir: { type: 'string', default: '.' }, list: { type: 'boolean', default: false } },
    strict: true,
  });
  const dir = templatesDir();
  if (values.list) {
    for (const t of listTemplates(dir)) io.stdout(`${t.name.padEnd(12)} ${t.title}`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('new takes exactly one pack name');
  const pack = await scaffoldPack({ name: positionals[0]!, template: values.template, templatesDir: dir, into: values.dir, author: authorName() });
  io.stdout(`created ${pack} from the ${values.template} template\n`);
  io.stdout(`next: firedrill validate ${pack}   (problems at file:line:col)`);
  io.stdout(`      firedrill test ${pack}       (it breaks as described, its solution fixes it)`);
  return 0;
}

function authorName(): string {
  try {
    return userInfo().username || 'you';
  } catch {
    return 'you';
  }
}
