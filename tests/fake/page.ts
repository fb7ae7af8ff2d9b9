/**
 * The read-only page the fake Mattermost serves at `/` during the demo: what the team would see in Mattermost,
 * channel by channel, with headers and posts rendered from Markdown and message attachments drawn.
 */
import { Marked } from 'marked';
import type { FakeChannel, FakeMattermost, FakePost } from './fake-mattermost';

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
  return html.replace(/~([a-z0-9][a-z0-9_-]*)/g, '<span class="channel-link">~$1</span>');
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
}

function renderAttachment(a: Attachment): string {
  const color = /^#[0-9a-f]{3,6}$/i.test(a.color ?? '') ? a.color : '#8a8a8a';
  const title = a.title ? (a.title_link && /^https?:/.test(a.title_link) ? `<a href="${escapeHtml(a.title_link)}">${escapeHtml(a.title)}</a>` : escapeHtml(a.title)) : '';
  const fields = (a.fields ?? []).map((f) => `<div class="field${f.short ? ' short' : ''}"><div class="field-title">${escapeHtml(f.title)}</div><div>${render(f.value)}</div></div>`).join('');
  return `<div class="attachment" style="border-left-color:${color}" data-color="${color}">
    ${title ? `<div class="attachment-title">${title}</div>` : ''}${a.text ? render(a.text) : ''}<div class="fields">${fields}</div>
    ${a.footer ? `<div class="footer">${escapeHtml(a.footer)}</div>` : ''}</div>`;
}

function renderPost(fake: FakeMattermost, post: FakePost): string {
  const user = fake.users.get(post.user_id);
  const time = new Date(post.create_at).toISOString().slice(11, 19);
  if (post.type.startsWith('system_')) return `<li class="post system"><span class="time">${time}</span> ${escapeHtml(post.message)}</li>`;
  const attachments = ((post.props.attachments as Attachment[] | undefined) ?? []).map(renderAttachment).join('');
  const files = post.file_ids.map((id) => fake.files.get(id)).filter((f) => f !== undefined).map((f) => `<div class="file">📎 ${escapeHtml(f.name)} (${f.size} bytes)</div>`).join('');
  return `<li class="post"><div class="meta"><b>${escapeHtml(user?.username ?? 'unknown')}</b>${user?.is_bot ? ' <span class="bot">BOT</span>' : ''} <span class="time">${time} UTC</span></div>
    <div class="message">${render(post.message)}</div>${attachments}${files}</li>`;
}

function renderChannel(fake: FakeMattermost, channel: FakeChannel): string {
  const posts = [...fake.posts.values()].filter((p) => p.channel_id === channel.id).sort((a, b) => a.create_at - b.create_at);
  const members = fake.memberNames(channel.id);
  const archived = channel.delete_at > 0 ? ' <span class="archived">archived</span>' : '';
  return `<section class="channel" id="${escapeHtml(channel.name)}" data-name="${escapeHtml(channel.name)}">
  <h2>${channel.type === 'P' ? '🔒' : '#'} ${escapeHtml(channel.display_name)} <small>~${escapeHtml(channel.name)}</small>${archived}</h2>
  <div class="header">${channel.header ? render(channel.header) : '<em>no header</em>'}</div>
  <div class="members"><b>Members (${members.length}):</b> <span class="member-list">${members.map((m) => `<span class="member">@${escapeHtml(m)}</span>`).join(' ')}</span></div>
  <ul class="posts">${posts.map((p) => renderPost(fake, p)).join('\n') || '<li class="post system">no posts yet</li>'}</ul>
</section>`;
}

/** The whole page for one team; incident channels first, then the others. */
export function renderTeamPage(fake: FakeMattermost, teamName: string): string {
  const team = [...fake.teams.values()].find((t) => t.name === teamName);
  const channels = [...fake.channels.values()].filter((c) => c.team_id === team?.id).sort((a, b) => Number(b.name.startsWith('incident-')) - Number(a.name.startsWith('incident-')) || a.name.localeCompare(b.name));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>${escapeHtml(teamName)} · mattermost-incident demo</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1f2329}
header.top{background:#1e325c;color:#fff;padding:12px 24px}
main{max-width:980px;margin:0 auto;padding:16px}
.channel{background:#fff;border-radius:6px;margin:16px 0;padding:12px 18px;box-shadow:0 1px 3px #0002}
.channel h2{margin:4px 0;font-size:18px}.channel h2 small{color:#777;font-weight:normal}
.archived{background:#999;color:#fff;border-radius:3px;padding:0 6px;font-size:12px}
.header{background:#f7f7f9;border:1px solid #e3e3e8;border-radius:4px;padding:6px 10px;margin:6px 0}
.header p,.message p{margin:2px 0}.members{color:#444;margin:6px 0}.member{background:#e8eefc;border-radius:10px;padding:0 7px;margin-right:3px}
.posts{list-style:none;padding:0}.post{border-top:1px solid #eee;padding:6px 0}.post.system{color:#888;font-style:italic}
.time{color:#999;font-size:12px}.bot{background:#ddd;border-radius:3px;font-size:10px;padding:0 4px}
.attachment{border-left:4px solid #888;padding:4px 10px;margin:6px 0;background:#fafafa}
.attachment-title{font-weight:600}.fields{display:flex;flex-wrap:wrap}.field{width:100%;margin:3px 0}.field.short{width:50%}
.field-title{font-weight:600;font-size:12px;color:#555}.footer{color:#888;font-size:12px}.channel-link{color:#2a58c9}
blockquote{border-left:3px solid #ccc;margin:4px 0;padding-left:8px;color:#555}
</style></head>
<body><header class="top"><b>${escapeHtml(teamName)}</b> · what your team sees in Mattermost (read-only, refreshes every 3 s)</header>
<main>${channels.map((c) => renderChannel(fake, c)).join('\n')}</main></body></html>`;
}
