import type { MethodName } from '../../shared/api/contract.js';

/** One IPC channel per API method, e.g. `firedrill:doctor.run`. */
export function ipcChannel(method: MethodName): string {
  return `firedrill:${method}`;
}

/** The preload's method name for an API method: `doctor.run` → `doctorRun`. */
export function preloadName(method: MethodName): string {
  return method.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase());
}
