import 'server-only';
import { env } from '@/lib/env';
import { appendVersionLog, nextLogSeq, type ModelLogLevel } from '../data/model-logs';

/** A model version's training log: each line is stored as it is written, so a running or failed version shows it. */
export interface TrainingLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Resolves once every line written so far is stored. */
  flush(): Promise<void>;
}

/**
 * Opens the log of `versionId`. Lines are numbered from the version's last stored line and written one after the
 * other (order kept) without holding up the training; past `maxLines` only error lines are kept, after one line
 * saying so. A failed write is reported on the console and does not fail the training (the log is a record of the
 * run, not part of it).
 */
export async function openTrainingLog(
  versionId: number,
  opts: { maxLines?: number; echo?: (line: string) => void } = {},
): Promise<TrainingLog> {
  const maxLines = opts.maxLines ?? env.MODEL_LOG_MAX_LINES;
  let seq = await nextLogSeq(versionId);
  let written = seq;
  let capped = false;
  let pending: Promise<void> = Promise.resolve();
  const store = (level: ModelLogLevel, message: string) => {
    const line = { seq: seq++, at: new Date(), level, message };
    written++;
    pending = pending
      .then(() => appendVersionLog(versionId, [line]))
      .catch((err: unknown) =>
        console.error(`[model] could not store log line ${line.seq} of version ${versionId}:`, err),
      );
  };
  const write = (level: ModelLogLevel, message: string) => {
    opts.echo?.(`[model v${versionId}] ${level === 'info' ? '' : `${level}: `}${message}`);
    if (written < maxLines - 1 || level === 'error') return store(level, message);
    if (!capped) {
      capped = true;
      store('warn', `log limit of ${maxLines} lines reached: further lines are not kept (errors still are)`);
    }
  };
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    flush: () => pending,
  };
}

/** Seconds with one decimal, e.g. "12.3 s". */
export const secs = (s: number) => `${s.toFixed(s < 10 ? 2 : 1)} s`;
