import { readFile } from 'node:fs/promises';
import { PayloadError, UsageError } from '../errors';

export interface PayloadInput {
  /** The body as the command's argument (webhook's `raw-request-body` argument). */
  readonly argument?: string;
  /** A file holding the body (webhook's `pass-file-to-command`), or `-` for standard input. */
  readonly file?: string;
}

export interface PayloadIo {
  readonly readFile: (path: string) => Promise<Buffer>;
  readonly stdin: () => AsyncIterable<Buffer | string>;
}

/** Reads the raw body bytes exactly as received, so a signature can be checked over them. */
export async function readPayload(input: PayloadInput, io: PayloadIo, maxBytes: number): Promise<Buffer> {
  if (input.file !== undefined && input.file !== '-') {
    try {
      return await io.readFile(input.file);
    } catch (error) {
      throw new PayloadError(`cannot read the payload file ${input.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
  }
  if (input.file === '-' || input.argument === '-') return readAll(io.stdin(), maxBytes);
  if (input.argument !== undefined) return Buffer.from(input.argument, 'utf8');
  throw new UsageError('no payload: pass the webhook body as the argument, with --payload-file <path>, or - for standard input');
}

async function readAll(chunks: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    // Stop reading early: the body will be refused anyway.
    if (size > maxBytes) throw new PayloadError(`body too large: more than ${maxBytes} bytes`);
    parts.push(buffer);
  }
  return Buffer.concat(parts);
}

export const nodePayloadIo: PayloadIo = { readFile: (path) => readFile(path), stdin: () => process.stdin };
