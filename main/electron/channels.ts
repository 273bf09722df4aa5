import { posix, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MethodName } from '../../shared/api/contract.js';

/** One IPC channel per API method, e.g. `firedrill:doctor.run`. */
export function ipcChannel(method: MethodName): string {
  return `firedrill:${method}`;
}

/** The preload's method name for an API method: `doctor.run` → `doctorRun`. */
export function preloadName(method: MethodName): string {
  return method.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Is a frame's URL our own renderer page (`index.html` on disk)? The URL becomes a file path with
 * `fileURLToPath` (never a URL's pathname against a file path, which differ on Windows: `/C:/…` vs `C:\…`),
 * and on win32 the comparison ignores case, as its file system does. `platform` is injected for tests.
 */
export function isRendererPage(frameUrl: string, indexPath: string, platform: NodeJS.Platform = process.platform): boolean {
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'file:') return false;
  const windows = platform === 'win32';
  let path: string;
  try {
    path = fileURLToPath(url, { windows });
  } catch {
    return false;
  }
  const paths = windows ? win32 : posix;
  const given = paths.normalize(path);
  const expected = paths.normalize(indexPath);
  return windows ? given.toLowerCase() === expected.toLowerCase() : given === expected;
}
