/** Long work reports progress in one shape everywhere: CLI bars, the UI, the event log. */
export interface Progress {
  current: number;
  max: number;
  description: string;
}

export type ProgressListener = (progress: Progress) => void;
