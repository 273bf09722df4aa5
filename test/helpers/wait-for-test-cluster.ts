/**
 * Setup of the `kubernetes` test group. In CI, `.ci/run` builds and starts the test cluster (test/k8s) in the
 * background while the earlier groups run (a cold build takes half an hour and more on two cores), and names
 * in FIREDRILL_K8S_STATUS_FILE a file it writes once it is done: `cluster.sh env`'s lines on success, a `#`
 * line saying why on failure. Wait for it (bounded), then take the cluster's variables into this worker's
 * environment, where the gate (kubernetes-gate.ts) reads them. Without the variable there is nothing to wait for.
 */
import { existsSync, readFileSync } from 'node:fs';

const statusFile = process.env.FIREDRILL_K8S_STATUS_FILE;
const WAIT_MS = Number(process.env.FIREDRILL_K8S_WAIT_MS ?? 80 * 60_000);

if (statusFile) {
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(statusFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5_000));
  if (!existsSync(statusFile)) throw new Error(`the test cluster was not ready within ${WAIT_MS / 60_000} min (${statusFile} never written)`);
  const lines = readFileSync(statusFile, 'utf8').split('\n');
  const failure = lines.find((line) => line.startsWith('#'));
  if (failure) throw new Error(`the test cluster did not start: ${failure.slice(1).trim()}`);
  for (const line of lines) {
    // `export NAME=value`, values are paths (cluster.sh env prints them unquoted).
    const match = /^export ([A-Z0-9_]+)=(\S+)$/.exec(line.trim());
    if (match) process.env[match[1]!] = match[2]!;
  }
}
