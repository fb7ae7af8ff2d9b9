/**
 * axios's transport, on node:http and node:https alone. axios's own Node adapter brings proxies, redirects,
 * decompression and stream plumbing that a one-second process never uses (the tool follows no redirect and asks
 * for no compression) and costs every delivery a few milliseconds to load and to run; axios still does the rest
 * (config, headers, JSON, errors). What it sends: a string or a Buffer (a form from `multipartBody`).
 */
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { uniqueToken } from '../state/key-hash';

/** Raised when an answer is larger than `maxContentLength`; read no further. */
export class AnswerTooLarge extends Error {
  readonly code = 'ERR_ANSWER_TOO_LARGE';
}

/** The adapter for one base URL: requests go through the agent given, kept alive between them. */
export function nodeTransport(agent: HttpAgent): AxiosAdapter {
  return (config) => send(config, agent);
}

function send(config: InternalAxiosRequestConfig, agent: HttpAgent): Promise<AxiosResponse> {
  const url = fullUrl(config);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers.toJSON() as Record<string, unknown>)) if (value !== undefined && value !== null && value !== false) headers[name] = String(value);
  let body: Buffer | undefined;
  if (typeof config.data === 'string') body = Buffer.from(config.data, 'utf8');
  else if (Buffer.isBuffer(config.data)) body = config.data;
  if (body) headers['Content-Length'] = String(body.length);
  const { request } = (url.protocol === 'https:' ? require('node:https') : require('node:http')) as typeof import('node:http');
  return new Promise<AxiosResponse>((resolve, reject) => {
    const signal = config.signal as AbortSignal | undefined;
    const req = request(url, { method: (config.method ?? 'get').toUpperCase(), headers, agent }, (res) => {
      collect(res, config.maxContentLength ?? -1).then((data) => {
        resolve({
          data: config.responseType === 'arraybuffer' ? data : data.toString('utf8'),
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers as AxiosResponse['headers'],
          config,
          request: req,
        });
      }, reject);
    });
    const fail = (error: Error) => {
      req.destroy();
      reject(error);
    };
    if (config.timeout) req.setTimeout(config.timeout, () => fail(Object.assign(new Error(`timeout of ${config.timeout} ms exceeded`), { code: 'ETIMEDOUT' })));
    if (signal) {
      if (signal.aborted) return fail(Object.assign(new Error('canceled'), { name: 'CanceledError', code: 'ERR_CANCELED' }));
      signal.addEventListener('abort', () => fail(Object.assign(new Error('canceled'), { name: 'CanceledError', code: 'ERR_CANCELED' })), { once: true });
    }
    req.on('error', reject);
    req.end(body);
  });
}

/** The base URL, the path and the query, as axios would build them for these plain values. */
function fullUrl(config: InternalAxiosRequestConfig): URL {
  const path = config.url ?? '';
  const url = new URL(/^https?:\/\//.test(path) ? path : `${(config.baseURL ?? '').replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries((config.params ?? {}) as Record<string, unknown>)) if (value !== undefined && value !== null) url.searchParams.append(key, String(value));
  return url;
}

function collect(res: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (max >= 0 && size > max) {
        // Said first: destroying the response reports a reset of its own.
        reject(new AnswerTooLarge(`the answer is larger than ${max} bytes`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
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
