/**
 * The page the fake Mattermost serves for the demo and the browser tests: the team as Mattermost shows it, a
 * sidebar of its channels and the selected channel with its header, members and posts (Markdown rendered,
 * attachments drawn with their buttons, runs of system messages collapsed, files downloadable). A viewer, when
 * given, is the signed-in user: their clicks go through the fake's own click handling, they see the ephemeral
 * answers and the dialogs opened for them. It reloads only when the fake changed, keeping the scroll position.
 */
import { Marked } from 'marked';
import type { OpenedDialog } from './fake-integrations';
import type { FakeChannel, FakeMattermost, FakePost, WebAnswer, WebRequest } from './fake-mattermost';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Raw HTML in a message is shown as text, as Mattermost does.
const markdown = new Marked({ gfm: true, breaks: true }).use({
  renderer: {
    html: ({ text }) => escapeHtml(text),
    link: ({ href, text }) => (/^https?:/i.test(href) ? `<a href="${escapeHtml(href)}" rel="noreferrer">${text}</a>` : text),
    image: ({ text }) => escapeHtml(text),
  },
});

function render(text: string): string {
  const html = markdown.parse(text, { async: false }) as string;
  // ~channel-name links, as Mattermost shows them.
  return html.replace(/~([a-z0-9][a-z0-9_-]*)/g, '<a class="channel-link" href="?channel=$1">~$1</a>');
}

interface AttachmentField {
  title: string;
  value: string;
  short: boolean;
}

interface Attachment {
  color?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: AttachmentField[];
  footer?: string;
  actions?: { id: string; name: string; style?: string }[];
}

function renderAttachment(a: Attachment, postId: string): string {
  const color = /^#[0-9a-f]{3,6}$/i.test(a.color ?? '') ? a.color : '#8a8a8a';
  const title = a.title ? (a.title_link && /^https?:/.test(a.title_link) ? `<a href="${escapeHtml(a.title_link)}">${render(a.title).replace(/<\/?p>/g, '')}</a>` : render(a.title).replace(/<\/?p>/g, '')) : '';
  const fields = (a.fields ?? [])
    .map((f) => `<div class="field${f.short ? ' short' : ''}" data-title="${escapeHtml(f.title)}"><div class="field-title">${escapeHtml(f.title)}</div><div class="field-value">${render(f.value)}</div></div>`)
    .join('');
  return `<div class="attachment" style="border-left-color:${color}" data-color="${color}">
    ${title ? `<div class="attachment-title">${title}</div>` : ''}${a.text ? render(a.text) : ''}<div class="fields">${fields}</div>
    ${a.footer ? `<div class="footer">${escapeHtml(a.footer)}</div>` : ''}${renderButtons(a, postId)}</div>`;
}

function renderButtons(a: Attachment, postId: string): string {
  const buttons = (a.actions ?? []).map((b) => `<button class="action-button ${escapeHtml(b.style ?? 'default')}" data-post="${escapeHtml(postId)}" data-action="${escapeHtml(b.id)}">${escapeHtml(b.name)}</button>`);
  return buttons.length > 0 ? `<div class="actions">${buttons.join('')}</div>` : '';
}

function initials(name: string): string {
  return name.slice(0, 2).toUpperCase();
}

function renderPost(fake: FakeMattermost, post: FakePost): string {
  const user = fake.users.get(post.user_id);
  const time = new Date(post.create_at).toISOString().slice(11, 16);
  const attachments = ((post.props.attachments as Attachment[] | undefined) ?? []).map((a) => renderAttachment(a, post.id)).join('');
  const files = post.file_ids
    .map((id) => fake.files.get(id))
    .filter((f) => f !== undefined)
    .map((f) => `<a class="file" href="/files/${escapeHtml(f.id)}/download" download="${escapeHtml(f.name)}">📎 ${escapeHtml(f.name)} <small>(${f.size} bytes)</small></a>`)
    .join('');
  const reply = post.root_id ? ' reply' : '';
  const name = user?.username ?? 'unknown';
  return `<li class="post${reply}" data-id="${post.id}"><div class="avatar${user?.is_bot ? ' bot-avatar' : ''}">${escapeHtml(initials(name))}</div><div class="body">
    <div class="meta"><b class="author">${escapeHtml(name)}</b>${user?.is_bot ? ' <span class="bot">BOT</span>' : ''} <span class="time">${time}</span>${post.root_id ? ' <span class="thread">replied in a thread</span>' : ''}</div>
    <div class="message">${render(post.message)}</div>${attachments}${files}</div></li>`;
}

/** Consecutive system messages as one collapsed line, as Mattermost's "combined system messages". */
function renderPosts(fake: FakeMattermost, posts: FakePost[]): string {
  const out: string[] = [];
  for (let i = 0; i < posts.length; ) {
    if (!posts[i].type.startsWith('system_')) {
      out.push(renderPost(fake, posts[i++]));
      continue;
    }
    const run: FakePost[] = [];
    while (i < posts.length && posts[i].type.startsWith('system_')) run.push(posts[i++]);
    const lines = run.map((p) => `<div class="system-line">${escapeHtml(p.message)}</div>`).join('');
    out.push(
      run.length === 1
        ? `<li class="post system">${lines}</li>`
        : `<li class="post system"><details><summary>${run.length} system messages</summary>${lines}</details></li>`,
    );
  }
  return out.join('\n') || '<li class="post system">No posts yet.</li>';
}

function channelsOf(fake: FakeMattermost, teamId: string | undefined): FakeChannel[] {
  return [...fake.channels.values()]
    .filter((c) => c.team_id === teamId)
    .sort((a, b) => Number(b.name.startsWith('incident-')) - Number(a.name.startsWith('incident-')) || a.name.localeCompare(b.name));
}

function renderSidebar(teamName: string, channels: FakeChannel[], selected: FakeChannel | undefined): string {
  const item = (c: FakeChannel) =>
    `<a class="sidebar-item${c.id === selected?.id ? ' active' : ''}${c.delete_at ? ' archived' : ''}" href="?channel=${escapeHtml(c.name)}" data-name="${escapeHtml(c.name)}">${c.type === 'P' ? '🔒' : '#'} ${escapeHtml(c.display_name)}</a>`;
  const incidents = channels.filter((c) => c.name.startsWith('incident-'));
  const others = channels.filter((c) => !c.name.startsWith('incident-'));
  return `<nav class="sidebar"><div class="team">${escapeHtml(teamName)}</div>
    <div class="section">INCIDENTS</div>${incidents.map(item).join('') || '<div class="empty">none yet</div>'}
    <div class="section">CHANNELS</div>${others.map(item).join('')}</nav>`;
}

/** What only the viewer sees: the ephemeral answers to their actions in this channel. */
function renderEphemerals(fake: FakeMattermost, channel: FakeChannel, viewer: string | undefined): string {
  if (!viewer) return '';
  return fake.ephemerals
    .filter((e) => e.user_id === viewer && e.channel_id === channel.id)
    .slice(-3)
    .map((e) => `<li class="post ephemeral"><div class="avatar bot-avatar">IN</div><div class="body"><div class="meta"><b class="author">incident-bot</b> <span class="only-you">(only visible to you)</span></div><div class="message">${render(e.message)}</div></div></li>`)
    .join('');
}

/** The newest dialog opened for the viewer, as a form over the page. */
function renderDialog(fake: FakeMattermost, viewer: string | undefined, channel: FakeChannel): string {
  const dialog = viewer ? [...fake.dialogs].reverse().find((d) => d.user_id === viewer) : undefined;
  if (!dialog) return '';
  const team = [...fake.users.values()].filter((u) => !u.is_bot && fake.teamMembers.has(`${channel.team_id}:${u.id}`));
  const element = (e: OpenedDialog['dialog']['elements'][number] & { display_name?: string; data_source?: string; default?: string }) => {
    const label = `<label>${escapeHtml(e.display_name ?? e.name)}</label>`;
    if (e.type === 'textarea') return `${label}<textarea name="${escapeHtml(e.name)}"></textarea>`;
    if (e.type === 'radio') return `${label}${(e.options ?? []).map((o, i) => `<label class="option"><input type="radio" name="${escapeHtml(e.name)}" value="${escapeHtml(o.value)}"${(e.default ?? (i === 0 ? o.value : '')) === o.value ? ' checked' : ''}> ${escapeHtml(o.text)}</label>`).join('')}`;
    if (e.type === 'select') {
      const options = e.data_source === 'users' ? team.map((u) => ({ value: u.id, text: `@${u.username}` })) : (e.options ?? []);
      return `${label}<select name="${escapeHtml(e.name)}">${options.map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(o.text)}</option>`).join('')}</select>`;
    }
    return `${label}<input name="${escapeHtml(e.name)}">`;
  };
  const intro = typeof dialog.dialog.introduction_text === 'string' ? `<div class="intro">${render(dialog.dialog.introduction_text)}</div>` : '';
  return `<div class="dialog-backdrop"><form class="dialog" data-index="${fake.dialogs.indexOf(dialog)}" data-channel="${escapeHtml(channel.id)}"><h3>${escapeHtml(dialog.dialog.title)}</h3>${intro}
    ${dialog.dialog.elements.map(element).join('')}<div class="dialog-buttons"><button type="button" class="cancel">Cancel</button><button type="submit">${escapeHtml(String(dialog.dialog.submit_label ?? 'Submit'))}</button></div><div class="dialog-error"></div></form></div>`;
}

function renderChannel(fake: FakeMattermost, channel: FakeChannel, viewer?: string): string {
  const posts = [...fake.posts.values()].filter((p) => p.channel_id === channel.id && p.delete_at === 0).sort((a, b) => a.create_at - b.create_at);
  const members = fake.memberNames(channel.id);
  const archived = channel.delete_at > 0 ? ' <span class="archived-tag">archived</span>' : '';
  return `<section class="channel" data-name="${escapeHtml(channel.name)}">
  <header class="channel-header"><h2>${channel.type === 'P' ? '🔒' : '#'} ${escapeHtml(channel.display_name)}${archived}</h2>
    <div class="header">${channel.header ? render(channel.header) : '<em>No channel header yet.</em>'}</div>
    <div class="members" title="${escapeHtml(members.join(', '))}">👥 <span class="member-count">${members.length}</span> <span class="member-list">${members.map((m) => `<span class="member">@${escapeHtml(m)}</span>`).join(' ')}</span></div></header>
  <ul class="posts">${renderPosts(fake, posts)}${renderEphemerals(fake, channel, viewer)}</ul>
</section>${renderDialog(fake, viewer, channel)}`;
}

const STYLE = `
*{box-sizing:border-box}body{font:14px/1.45 "Open Sans",system-ui,sans-serif;margin:0;color:#3d3c40;display:flex;height:100vh}
.sidebar{width:240px;background:#1e325c;color:#ddd;overflow:auto;flex:none}.team{font-weight:700;color:#fff;padding:14px 16px;font-size:16px;border-bottom:1px solid #0002}
.section{font-size:11px;letter-spacing:.06em;opacity:.7;padding:14px 16px 4px}.sidebar-item{display:block;color:#ddd;text-decoration:none;padding:4px 16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sidebar-item.active{background:#ffffff26;color:#fff;font-weight:600}.sidebar-item.archived{opacity:.5}.empty{padding:4px 16px;opacity:.5}
main{flex:1;overflow:auto;background:#fff}.channel-header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 20px;z-index:1}
.channel-header h2{margin:2px 0;font-size:16px}.archived-tag{background:#999;color:#fff;border-radius:3px;padding:0 6px;font-size:11px}
.header{color:#555;font-size:13px}.header p{margin:1px 0}.members{font-size:12px;color:#777}.member{background:#e8eefc;border-radius:10px;padding:0 6px;margin-right:2px}
.posts{list-style:none;margin:0;padding:8px 0}.post{display:flex;gap:10px;padding:6px 20px}.post:hover{background:#f6f6f6}.post.reply{padding-left:56px}
.avatar{width:32px;height:32px;border-radius:50%;background:#5d89ea;color:#fff;font-size:12px;display:flex;align-items:center;justify-content:center;flex:none}.bot-avatar{background:#2eb886}
.body{min-width:0;flex:1}.meta .time,.thread{color:#999;font-size:12px}.bot{background:#ddd;border-radius:3px;font-size:10px;padding:0 4px}
.message p{margin:2px 0}.post.system{color:#888;font-size:13px;padding-left:62px;display:block}.post.system summary{cursor:pointer}
.attachment{border-left:4px solid #888;padding:6px 12px;margin:6px 0;background:#fafafa;border-radius:0 4px 4px 0}
.attachment-title{font-weight:600}.fields{display:flex;flex-wrap:wrap}.field{width:100%;margin:3px 0}.field.short{width:50%}
.field-title{font-weight:600;font-size:12px;color:#555}.field-value p{margin:0}.footer{color:#888;font-size:12px}.channel-link{color:#2a58c9;text-decoration:none}
.file{display:inline-block;border:1px solid #ddd;border-radius:4px;padding:4px 10px;margin:4px 0;color:#2a58c9;text-decoration:none}
blockquote{border-left:3px solid #ccc;margin:4px 0;padding-left:8px;color:#555}
.actions{margin-top:8px;display:flex;flex-wrap:wrap;gap:6px}.action-button{border:1px solid #ccc;background:#fff;border-radius:4px;padding:4px 12px;font:inherit;font-weight:600;cursor:pointer}
.action-button.primary{background:#1c58d9;color:#fff;border-color:#1c58d9}.action-button.good{background:#06d6a0;border-color:#06d6a0;color:#fff}.action-button.danger{color:#d24b4e;border-color:#d24b4e}
.action-button:disabled{opacity:.5;cursor:wait}.post.ephemeral{background:#fffbe6}.only-you{color:#999;font-size:12px}
.dialog-backdrop{position:fixed;inset:0;background:#0006;display:flex;align-items:center;justify-content:center;z-index:5}
.dialog{background:#fff;border-radius:8px;padding:16px 20px;width:420px;display:flex;flex-direction:column;gap:6px}.dialog h3{margin:0 0 4px}.dialog label{font-weight:600;font-size:13px}
.dialog label.option{font-weight:400}.dialog textarea{min-height:80px}.dialog-buttons{display:flex;justify-content:flex-end;gap:8px;margin-top:8px}.dialog-error{color:#d24b4e}`;

/** Reloads when the fake's revision changes, keeping the scroll position of the channel view. */
const SCRIPT = (revision: number) => `
const main = document.querySelector('main');
const key = 'scroll:' + location.search;
const saved = sessionStorage.getItem(key);
if (saved !== null) main.scrollTop = Number(saved); else main.scrollTop = main.scrollHeight;
main.addEventListener('scroll', () => sessionStorage.setItem(key, String(main.scrollTop)));
let revision = ${revision};
const act = (path, body) => fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
for (const button of document.querySelectorAll('.action-button')) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    await act('/__demo/click', { post: button.dataset.post, action: button.dataset.action });
  });
}
const form = document.querySelector('form.dialog');
if (form) {
  form.querySelector('.cancel').addEventListener('click', () => act('/__demo/dialog', { index: Number(form.dataset.index), cancel: true }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submission = Object.fromEntries(new FormData(form));
    const reply = await (await act('/__demo/dialog', { index: Number(form.dataset.index), channel: form.dataset.channel, submission })).json();
    if (reply.error || reply.errors) form.querySelector('.dialog-error').textContent = reply.error || Object.values(reply.errors).join(' ');
  });
}
setInterval(async () => {
  try {
    const now = Number(await (await fetch('/__demo/revision')).text());
    if (now !== revision) { sessionStorage.setItem(key, String(main.scrollTop)); location.reload(); }
  } catch {}
}, 1000);`;

/** The whole page for one team, the selected channel (by name) shown; by default the newest incident channel. */
export function renderTeamPage(fake: FakeMattermost, teamName: string, selectedName?: string, viewer?: string): string {
  const team = [...fake.teams.values()].find((t) => t.name === teamName);
  const channels = channelsOf(fake, team?.id);
  const newestIncident = channels.filter((c) => c.name.startsWith('incident-')).sort((a, b) => b.create_at - a.create_at)[0];
  const selected = channels.find((c) => c.name === selectedName) ?? newestIncident ?? channels.find((c) => c.name === 'town-square');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(selected?.display_name ?? teamName)} · ${escapeHtml(teamName)}</title><style>${STYLE}</style></head>
<body>${renderSidebar(teamName, channels, selected)}<main>${selected ? renderChannel(fake, selected, viewer) : '<p>No channels.</p>'}</main>
<script>${SCRIPT(fake.revision)}</script></body></html>`;
}

/**
 * The fake's web side: the page, its revision counter and file downloads; with a viewer (a user id), the clicks
 * and dialog submissions of that signed-in user.
 */
export function teamWebApp(fake: FakeMattermost, teamName: string, viewer?: string): (request: WebRequest) => WebAnswer | undefined | Promise<WebAnswer | undefined> {
  const json = (body: unknown): WebAnswer => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return async ({ method, url, body }): Promise<WebAnswer | undefined> => {
    if (method === 'POST' && viewer && url.pathname === '/__demo/click') {
      const { post, action } = JSON.parse(body.toString('utf8')) as { post: string; action: string };
      return json(await fake.clickAs(viewer, post, action).catch((error: Error) => ({ error: error.message })));
    }
    if (method === 'POST' && viewer && url.pathname === '/__demo/dialog') {
      const request = JSON.parse(body.toString('utf8')) as { index: number; channel?: string; submission?: Record<string, unknown>; cancel?: boolean };
      const dialog = fake.dialogs[request.index];
      if (!dialog || dialog.user_id !== viewer) return json({ error: 'This dialog is no longer open.' });
      if (request.cancel) {
        fake.dialogs.splice(request.index, 1);
        fake.revision++;
        return json({});
      }
      return json(await fake.submitDialogAs(viewer, dialog, request.channel ?? '', request.submission ?? {}).catch((error: Error) => ({ error: error.message })));
    }
    if (method !== 'GET') return undefined;
    if (url.pathname === '/') return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: renderTeamPage(fake, teamName, url.searchParams.get('channel') ?? undefined, viewer) };
    if (url.pathname === '/__demo/revision') return { status: 200, headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }, body: String(fake.revision) };
    const download = /^\/files\/([a-z0-9]+)\/download$/.exec(url.pathname);
    const file = download ? fake.files.get(download[1]) : undefined;
    if (file) return { status: 200, headers: { 'Content-Type': file.mime_type, 'Content-Disposition': `attachment; filename="${file.name.replace(/"/g, '')}"` }, body: file.bytes };
    return undefined;
  };
}
