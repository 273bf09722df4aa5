/**
 * Build scenario images with the classic builder: offline (never pull), labelled, skipped when
 * the content-addressed tag already exists, with "Step x/y" turned into progress.
 */
import type Docker from 'dockerode';
import type { ImageSpec, ProgressListener } from '../runtime.js';
import { LABELS } from '../runtime.js';
import { isNotFound } from './client.js';
import { tarContext } from './tar.js';

export class ImageBuildError extends Error {
  override name = 'ImageBuildError';
}

/** "Step 3/7 : RUN apt-get ..." → {current: 3, max: 7, text}. */
export function parseStep(line: string): { current: number; max: number; text: string } | undefined {
  const match = /^Step (\d+)\/(\d+) : (.*)$/.exec(line.trim());
  if (!match) return undefined;
  return { current: Number(match[1]), max: Number(match[2]), text: match[3] ?? '' };
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Keep the last lines of the build log for the error message. */
class LogTail {
  private lines: string[] = [];
  constructor(private readonly size = 25) {}
  push(text: string): void {
    for (const line of text.split('\n')) {
      if (line.trim()) this.lines.push(line.trimEnd());
    }
    if (this.lines.length > this.size) this.lines = this.lines.slice(-this.size);
  }
  toString(): string {
    return this.lines.join('\n');
  }
}

export async function buildImage(
  docker: Docker,
  image: ImageSpec,
  onProgress: (step: { current: number; max: number; text: string }) => void,
  onLog: (line: string) => void = () => {},
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const context = await tarContext(image.contextDir, image.dockerfile);
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: image.tag,
    dockerfile: image.dockerfile.replace(/\\/g, '/'),
    buildargs: image.buildArgs,
    labels: { [LABELS.managed]: 'true' },
    rm: true,
    forcerm: true,
    // no `pull`: the classic builder then uses local FROM images (seeded offline) and never asks a registry
    version: '1', // classic builder: its "Step x/y" lines are our progress
    ...(signal ? { abortSignal: signal } : {}),
  } as Docker.ImageBuildOptions);
  const tail = new LogTail();
  let failure: string | undefined;
  const onAbort = () => (stream as unknown as { destroy?: () => void }).destroy?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: BuildEvent) => {
          if (event.stream) {
            tail.push(event.stream);
            onLog(event.stream);
            for (const line of event.stream.split('\n')) {
              const step = parseStep(line);
              if (step) onProgress(step);
            }
          }
          if (event.error) failure = event.errorDetail?.message ?? event.error;
        },
      );
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    failure ??= (error as Error).message;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw signal.reason;
  if (failure) {
    throw new ImageBuildError(`building image "${image.name}" (${image.tag}) failed: ${failure.trim()}\n--- last build output ---\n${tail}`);
  }
  if (!(await imageExists(docker, image.tag))) {
    throw new ImageBuildError(`building image "${image.name}" finished but ${image.tag} does not exist\n${tail}`);
  }
}

/** Build every missing image in turn, reporting steps as `name (i/n): Step x/y ...`. */
export async function buildImages(
  docker: Docker,
  images: ImageSpec[],
  onProgress: ProgressListener,
  signal?: AbortSignal,
): Promise<void> {
  for (const [index, image] of images.entries()) {
    const label = `${image.name} (${index + 1}/${images.length})`;
    if (await imageExists(docker, image.tag)) {
      onProgress({ current: 1, max: 1, description: `${label}: up to date (${image.tag})` });
      continue;
    }
    onProgress({ current: 0, max: 1, description: `${label}: building ${image.tag}` });
    await buildImage(
      docker,
      image,
      (step) => onProgress({ current: step.current, max: step.max, description: `${label}: Step ${step.current}/${step.max} : ${step.text}` }),
      undefined,
      signal,
    );
    onProgress({ current: 1, max: 1, description: `${label}: built ${image.tag}` });
  }
}
