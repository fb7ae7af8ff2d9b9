import { closeSync, constants, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger, redact } from '../log';
import { ensurePrivateDir } from './private-files';

/** The log is cut here; one older file is kept beside it. */
const MAX_LOG_BYTES = 1024 * 1024;

export const ACTION_LOG_NAME = 'chatops.log';

/**
 * A logger into `<state_dir>/chatops.log`: actions from Mattermost answer with exactly one JSON document on
 * stdout and nothing on stderr (the webhook daemon joins the two), so their diagnostics go here. A log that
 * cannot be written is given up silently: the answer matters more than the log.
 */
export function actionLog(stateDir: string, secrets: () => readonly string[], now: () => number = Date.now): Logger {
  const path = join(stateDir, ACTION_LOG_NAME);
  let broken = false;
  const emit = (level: string, message: string) => {
    if (broken) return;
    try {
      ensurePrivateDir(stateDir);
      const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
      let full = false;
      try {
        full = fstatSync(fd).size > MAX_LOG_BYTES;
        if (!full) writeSync(fd, `${new Date(now()).toISOString()} ${level}: ${redact(message, secrets()).replace(/[\r\n]+/g, ' ')}\n`);
      } finally {
        closeSync(fd);
      }
      if (full) {
        renameSync(path, `${path}.1`);
        emit(level, message);
      }
    } catch {
      broken = true;
    }
  };
  return { info: (m) => emit('info', m), warn: (m) => emit('warning', m) };
}
