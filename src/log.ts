/** Diagnostics go to stderr through this; stdout is kept for the one-line results webhook returns. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that writes lines to `write`, with every known secret replaced by `***`. */
export function createLogger(write: (line: string) => void, secrets: () => readonly string[] = () => []): Logger {
  const emit = (level: string, message: string) => write(`${level}: ${redact(message, secrets())}\n`);
  return { info: (m) => emit('info', m), warn: (m) => emit('warning', m) };
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
