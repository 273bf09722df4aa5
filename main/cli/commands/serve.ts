import { parseArgs } from 'node:util';
import { startApiHost } from '../../app/api-host.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../io.js';

/** Web mode: the same UI and API as the Electron window, for a browser on this machine. */
export async function runServe(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not "${values.port}"`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
    io.stderr(`warning: serving on ${values.host} exposes the lab beyond this machine; the token still guards it.`);
  }
  const host = await startApiHost({ kind: 'web', host: values.host, port, log: (line) => io.stderr(line) });
  io.stdout(`Firedrill is running in web mode.\nOpen: ${host.server.openUrl}`);
  if (host.server.lanUrls.length > 0) {
    // The facilitator hands out join links (with each team's token) from the Game day console, never this token.
    io.stdout(`Other machines reach it at: ${host.server.lanUrls.join(', ')} (teams: use the join links on the Game day console).`);
  }
  io.stdout('Press Ctrl-C to stop (running labs are torn down).');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
  });
  io.stderr('Stopping: tearing down running labs...');
  await host.close();
  return 0;
}
