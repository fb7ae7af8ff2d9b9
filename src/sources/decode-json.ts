import { PayloadError } from '../errors';

/** Decodes raw bytes strictly as UTF-8 JSON; every failure is a one-line PayloadError. */
export function decodeJsonBody(raw: Buffer, maxBytes: number, sender: string): unknown {
  if (raw.length > maxBytes) throw new PayloadError(`body too large: ${raw.length} bytes (${sender})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new PayloadError('body is not valid UTF-8');
  }
  if (text.trim() === '') throw new PayloadError('body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PayloadError(`body is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}
