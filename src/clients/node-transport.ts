/**
 * The one place requests go out: node:http or node:https, one keep-alive agent per service and run. It sends a
 * method, a URL, headers and a body, and gives back the status, headers and body bytes; reading stops at a size
 * limit, a socket that goes silent times out, and an abort signal ends it. Everything above it (retries, errors,
 * JSON) is in http.ts.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { uniqueToken } from '../state/key-hash';

export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** The request ends this long after it started, answer or not, and so does a socket silent this long. */
  readonly timeoutMs: number;
  /** Bodies larger than this are refused, read no further. */
  readonly maxBytes: number;
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type Transport = (request: OutgoingRequest) => Promise<Answer>;

/** Raised when an answer is larger than `maxBytes`. */
export class AnswerTooLarge extends Error {
  readonly code = 'ERR_ANSWER_TOO_LARGE';
}

/** A transport through the agent given; https:// URLs need an https agent. */
export function nodeTransport(agent: HttpAgent): Transport {
  return (request) => send(request, agent);
}

function send(outgoing: OutgoingRequest, agent: HttpAgent): Promise<Answer> {
  const { request } = (outgoing.url.protocol === 'https:' ? require('node:https') : require('node:http')) as typeof import('node:http');
  const headers = outgoing.body ? { ...outgoing.headers, 'Content-Length': String(outgoing.body.length) } : outgoing.headers;
  return new Promise<Answer>((resolve, reject) => {
    const req = request(outgoing.url, { method: outgoing.method, headers, agent }, (res) => {
      collect(res, outgoing.maxBytes).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
    });
    const fail = (error: Error) => {
      reject(error);
      req.destroy();
    };
    const timedOut = () => fail(Object.assign(new Error(`no answer within ${outgoing.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    req.setTimeout(outgoing.timeoutMs, timedOut);
    // A plain timer, not an AbortSignal: it also ends an answer that trickles in, and costs a short-lived process less.
    const timer = setTimeout(timedOut, outgoing.timeoutMs);
    req.once('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(outgoing.body);
  });
}

function collect(res: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        // Said first: destroying the response reports a reset of its own.
        reject(new AnswerTooLarge(`the answer is larger than ${max} bytes`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('the answer was cut short'), { code: 'ECONNRESET' })));
  });
}

/** One part of a multipart/form-data body: a field, or a file with its name and type. */
export type FormPart = { readonly name: string; readonly value: string } | { readonly name: string; readonly filename: string; readonly type?: string; readonly bytes: Uint8Array };

/**
 * A multipart/form-data body, made here rather than with the global FormData, whose first use makes Node load
 * its whole fetch implementation (tens of milliseconds in a short-lived process).
 */
export function multipartBody(parts: readonly FormPart[]): { body: Buffer; type: string } {
  const boundary = `----mattermost-incident-${uniqueToken()}`;
  const chunks: Buffer[] = [];
  const quoted = (text: string) => text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
  for (const part of parts) {
    if ('value' in part) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"\r\n\r\n${part.value}\r\n`));
    else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"; filename="${quoted(part.filename)}"\r\nContent-Type: ${part.type || 'application/octet-stream'}\r\n\r\n`));
      chunks.push(Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength), Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}
