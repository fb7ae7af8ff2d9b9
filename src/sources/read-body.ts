import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { PayloadError, UsageError } from '../errors';

export interface PayloadInput {
  /** The body as the command's argument (webhook's `raw-request-body` argument). */
  readonly argument?: string;
  /** A file holding the body (webhook's `pass-file-to-command`), or `-` for standard input. */
  readonly file?: string;
}

export interface PayloadIo {
  /** Reads at most `maxBytes + 1` bytes of a regular file (a bigger one is refused unread past that). */
  readonly readFile: (path: string, maxBytes: number) => Promise<Buffer>;
  readonly stdin: () => AsyncIterable<Buffer | string>;
}

/** Reads the raw body bytes exactly as received, so a signature can be checked over them. */
export async function readPayload(input: PayloadInput, io: PayloadIo, maxBytes: number): Promise<Buffer> {
  if (input.file !== undefined && input.file !== '-') {
    try {
      const body = await io.readFile(input.file, maxBytes);
      if (body.length > maxBytes) throw new PayloadError(`body too large: the payload file ${input.file} holds more than ${maxBytes} bytes`);
      return body;
    } catch (error) {
      if (error instanceof PayloadError) throw error;
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

/** A regular file only (a FIFO or a device such as /dev/zero is refused), read up to the limit and no further. */
async function readBounded(path: string, maxBytes: number): Promise<Buffer> {
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await file.stat();
    if (!stat.isFile()) throw new PayloadError(`the payload file ${path} is not a regular file`);
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = (await file.read(buffer, length, buffer.length - length)).bytesRead;
    return buffer.subarray(0, length);
  } finally {
    await file.close();
  }
}

export const nodePayloadIo: PayloadIo = { readFile: readBounded, stdin: () => process.stdin };
