// Progress events of a run; the CLI prints them to stderr, the action to the job log.

export interface ProgressSink {
  suiteStart(suite: string, kind: string): void;
  update(suite: string, message: string, fraction?: number): void;
  suiteEnd(suite: string, ok: boolean, durationMs: number, metrics: number, error?: string): void;
  warn(message: string): void;
  info(message: string): void;
}

export const silentProgress: ProgressSink = {
  suiteStart() {},
  update() {},
  suiteEnd() {},
  warn() {},
  info() {},
};
