import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine, renderMarkdownForTerminal, runPlay } from '../../../main/cli/commands/play.js';

describe('firedrill play', () => {
  it('refuses without a TTY, exits 2 and never starts a run', async () => {
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (d) => (errors += d));
    let started = false;
    const code = await runPlay(
      { scenarioDir: '/x' },
      {
        startRun: async () => {
          started = true;
          throw new Error('unreachable');
        },
        stdin: new PassThrough() as unknown as NodeJS.ReadStream,
        stdout: new PassThrough() as unknown as NodeJS.WriteStream,
        stderr,
      },
    );
    expect(code).toBe(2);
    expect(started).toBe(false);
    expect(errors).toMatch(/needs an interactive terminal/);
  });

  it('renders a briefing plainly for a terminal', () => {
    const text = renderMarkdownForTerminal(
      '# Title\n\nSome **bold** and `code`, a [link](https://x.test).\n\n## Steps\n\n- one\n1. first\n\n```\nselect 1;\n```\n',
    );
    expect(text).toContain('\x1b[1;4mTitle\x1b[0m');
    expect(text).toContain('Some \x1b[1mbold\x1b[22m and \x1b[36mcode\x1b[39m, a link <https://x.test>.');
    expect(text).toContain('  • one');
    expect(text).toContain('  1. first');
    expect(text).toContain('    \x1b[36mselect 1;\x1b[39m');
    expect(text).not.toContain('```');
  });

  it('draws a progress bar', () => {
    expect(progressLine(1, 4, 'building', 8)).toBe('[██░░░░░░]  25% building');
    expect(progressLine(5, 0, 'x', 4)).toBe('[░░░░]   0% x');
  });
});
