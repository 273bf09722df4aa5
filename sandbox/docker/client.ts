/** One place that turns a resolved endpoint into a dockerode client. */
import Docker from 'dockerode';
import { dockerodeOptions, resolveDockerEndpoint, type DockerEndpoint } from './socket.js';

export function createDockerClient(endpoint: DockerEndpoint = resolveDockerEndpoint()): Docker {
  return new Docker(dockerodeOptions(endpoint) as Docker.DockerOptions);
}

/** Docker answers 404 for a missing object; dockerode puts it on `statusCode`. */
export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

/** 304 "not modified": already started / already stopped. */
export function isNotModified(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 304;
}

/** Docker's error JSON message when there is one, else the error's own message. */
export function dockerMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const json = (error as { json?: { message?: string } }).json;
    if (json?.message) return json.message;
    if (error instanceof Error) return error.message;
  }
  return String(error);
}
