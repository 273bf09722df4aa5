/**
 * Long work reports progress in one shape everywhere: CLI bars, the UI, the event log, runtimes.
 * PURE (zod only): the renderer, the engine and the sandbox runtimes import it.
 */
import { z } from 'zod';

export const progressSchema = z.object({
  current: z.number(),
  max: z.number(),
  description: z.string(),
});

export type Progress = z.infer<typeof progressSchema>;

export type ProgressListener = (progress: Progress) => void;
