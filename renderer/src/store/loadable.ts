/**
 * The one shape of "something the UI asked the Node side for", and the one helper that fills it: loading
 * (keeping what was on screen, if asked), then ready or error. Every slice uses it.
 */
import { toApiError, type ApiError } from '../api/client';

export type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading'; data?: T }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ApiError; data?: T };

export const idle = { status: 'idle' } as const;

/** The data a loadable holds in any state, if any. */
export function dataOf<T>(loadable: Loadable<T>): T | undefined {
  return 'data' in loadable ? loadable.data : undefined;
}

export interface LoadOptions<T> {
  /** Keep showing the previous data while loading (`true`), or only when this says so. */
  keep?: boolean | ((previous: T) => boolean);
  /** Keep showing the previous data after an error. */
  keepOnError?: boolean;
  /** An answer that is no longer wanted (a newer request, another run) is dropped. */
  stillWanted?: () => boolean;
}

/**
 * Runs `request` into one Loadable field. Resolves to the data, or undefined when it failed (the
 * error is in the field) or was dropped.
 */
export async function load<T>(
  field: { get: () => Loadable<T>; set: (value: Loadable<T>) => void },
  request: () => Promise<T>,
  options: LoadOptions<T> = {},
): Promise<T | undefined> {
  const previous = dataOf(field.get());
  const keep = previous !== undefined && (typeof options.keep === 'function' ? options.keep(previous) : options.keep === true);
  field.set({ status: 'loading', ...(keep ? { data: previous } : {}) });
  const wanted = options.stillWanted ?? (() => true);
  try {
    const data = await request();
    if (!wanted()) return undefined;
    field.set({ status: 'ready', data });
    return data;
  } catch (error) {
    if (!wanted()) return undefined;
    const last = dataOf(field.get());
    field.set({ status: 'error', error: toApiError(error), ...(options.keepOnError && last !== undefined ? { data: last } : {}) });
    return undefined;
  }
}
