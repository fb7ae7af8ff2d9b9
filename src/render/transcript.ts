import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import type { UserProfile } from '@mattermost/types/users';
import { displayNameOf } from './person-name';
import type { IncidentDetails } from '../incident/incident-event';
import { formatTime } from './format-time';

export interface ChannelHistory {
  readonly name: string;
  readonly displayName: string;
  /** Oldest first. */
  readonly posts: readonly Post[];
}

export interface TranscriptInput {
  readonly incident: IncidentDetails;
  readonly channels: readonly ChannelHistory[];
  readonly users: ReadonlyMap<string, UserProfile>;
  /** File id → its info and bytes; files left out of the archive are absent. */
  readonly files: ReadonlyMap<string, { readonly info: FileInfo; readonly bytes: Uint8Array }>;
  readonly exportedAt: string;
}

/** Where a file goes inside the archive: its id keeps two files of one name apart. */
export function archivePath(info: Pick<FileInfo, 'id' | 'name'>): string {
  return `files/${info.id}-${info.name.replace(/[/\\\u0000-\u001f]/g, '_')}`;
}

/** The readable transcript: UTC times, authors' display names, replies indented under their thread's root. */
export function transcriptMarkdown(input: TranscriptInput, fileInfos: ReadonlyMap<string, FileInfo>): string {
  const { incident } = input;
  const lines = [
    `# Incident ${incident.number !== undefined ? `#${incident.number} ` : ''}(${incident.id}): ${incident.title}`,
    '',
    `${incident.htmlUrl ? `PagerDuty: ${incident.htmlUrl}  \n` : ''}Exported ${formatTime(input.exportedAt)}`,
  ];
  for (const channel of input.channels) {
    lines.push('', `## ~${channel.name} (${channel.displayName})`, '');
    if (channel.posts.length === 0) lines.push('_No posts._');
    const replies = new Map<string, Post[]>();
    for (const post of channel.posts) if (post.root_id) replies.set(post.root_id, [...(replies.get(post.root_id) ?? []), post]);
    const roots = channel.posts.filter((p) => !p.root_id || !channel.posts.some((r) => r.id === p.root_id));
    for (const root of roots) {
      lines.push(...renderPost(root, '', input, fileInfos));
      for (const reply of replies.get(root.id) ?? []) if (reply !== root) lines.push(...renderPost(reply, '    ', input, fileInfos));
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderPost(post: Post, indent: string, input: TranscriptInput, fileInfos: ReadonlyMap<string, FileInfo>): string[] {
  const author = displayNameOf(input.users.get(post.user_id), post.user_id);
  const time = formatTime(new Date(post.create_at).toISOString());
  const edited = post.edit_at ? ' _(edited)_' : '';
  const system = post.type?.startsWith('system_');
  const text = (post.message || '').split('\n');
  const head = system ? `${indent}- ${time} · _${text.join(' ')}_` : `${indent}- **${time} · ${author}**${edited}: ${text[0]}`;
  const out = [head, ...(system ? [] : text.slice(1).map((line) => `${indent}  ${line}`))];
  for (const id of post.file_ids ?? []) {
    const info = fileInfos.get(id);
    const name = info?.name ?? id;
    out.push(`${indent}  - 📎 ${input.files.has(id) && info ? `[${name}](${encodeURI(archivePath(info))})` : `${name} (not in this archive)`}`);
  }
  return out;
}

/** The raw posts, as Mattermost returned them, per channel. */
export function transcriptJson(input: TranscriptInput): string {
  return `${JSON.stringify({ incident: input.incident, exported_at: input.exportedAt, channels: input.channels }, null, 2)}\n`;
}

/** Archive entries: transcript.md, transcript.json and the files themselves. */
export function archiveEntries(input: TranscriptInput, fileInfos: ReadonlyMap<string, FileInfo>): Record<string, Uint8Array> {
  const entries: Record<string, Uint8Array> = {
    'transcript.md': new TextEncoder().encode(transcriptMarkdown(input, fileInfos)),
    'transcript.json': new TextEncoder().encode(transcriptJson(input)),
  };
  for (const { info, bytes } of input.files.values()) entries[archivePath(info)] = bytes;
  return entries;
}

/**
 * A zip: fflate writes the format, Node's zlib compresses (native code: a short-lived process would run fflate's
 * own deflate in the interpreter, several times slower). The transcript's text at level 1, which keeps most of the
 * gain at a fraction of the time; the shared files at level 0, copied as they are into deflate's stored blocks,
 * since pictures and archives do not compress further. Every entry is deflate, never the "stored" method: a streamed
 * zip has its sizes after the data, which streaming readers accept only for deflate entries.
 */
export function zipEntries(entries: Record<string, Uint8Array>, mtime: Date): Uint8Array {
  const { Zip, ZipPassThrough } = require('fflate') as typeof import('fflate');
  const { deflateRawSync } = require('node:zlib') as typeof import('node:zlib');
  /** An entry whose bytes zlib deflates in one go (each is pushed whole); fflate counts their size and CRC. */
  class NativeDeflate extends ZipPassThrough {
    constructor(
      name: string,
      private readonly level: 0 | 1,
    ) {
      super(name);
      this.compression = 8;
    }
    override process(chunk: Uint8Array, final: boolean): void {
      this.ondata(null, deflateRawSync(chunk, { level: this.level }), final);
    }
  }
  const parts: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) failure = error;
    else parts.push(data);
  });
  for (const [name, bytes] of Object.entries(entries)) {
    const entry = new NativeDeflate(name, name.startsWith('files/') ? 0 : 1);
    entry.mtime = mtime;
    zip.add(entry);
    entry.push(bytes, true);
  }
  zip.end();
  if (failure) throw failure;
  return Buffer.concat(parts);
}
