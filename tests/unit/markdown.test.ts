/**
 * Untrusted text made inert, checked against Mattermost's own Markdown parser (@mattermost/commonmark, the parser
 * of Mattermost's apps, with its autolinks, mentions and channel links): nothing forms markup, what the reader
 * sees is the text as sent, and a plain title is left byte-identical.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Parser } from '@mattermost/commonmark';
import { inlineText, link, plainText, quotedText } from '../../src/render/markdown';

const FORBIDDEN = new Set(['link', 'image', 'at_mention', 'channel_link', 'emph', 'strong', 'del', 'heading', 'list', 'item', 'table', 'code', 'code_block', 'html_inline', 'html_block', 'thematic_break', 'latex_inline', 'block_quote']);

/** What Mattermost makes of `markdown`: the node types it forms and the text a reader sees. */
function render(markdown: string): { types: string[]; visible: string } {
  const walker = new Parser().parse(markdown).walker();
  const types: string[] = [];
  let visible = '';
  for (let step = walker.next(); step; step = walker.next()) {
    if (!step.entering) continue;
    types.push(step.node.type);
    if (step.node.type === 'hashtag') visible += `#${(step.node as unknown as { _hashtag: string })._hashtag}`;
    else if (step.node.literal) visible += step.node.literal;
    if (step.node.type === 'softbreak' || step.node.type === 'linebreak') visible += '\n';
  }
  return { types, visible: visible.replace(/\u200b/g, '') };
}

const PLAIN = [
  'Disk usage 95% on db-replica-03',
  'Checkout API latency above 2 s',
  'CRITICAL: disk full',
  '[FIRING:2] HighMemoryLoad (prod)',
  'db_replica_03 lag > 30 s',
  'p99 latency 5 * baseline',
  'Error rate 12.5% on api.example.com',
  'a @ b, 10:30 UTC, #1042',
  'HighCPU on node-7 / cluster eu-1',
  'Température élevée sur ℙƴ',
];

const HOSTILE: [string, string][] = [
  ['@channel look', 'a mention of everyone'],
  ['ping @here and @all and @alice', 'mentions'],
  ['mail ops@example.com now', 'an e-mail autolink'],
  ['see https://evil.example/x', 'a URL'],
  ['http://127.0.0.1:8065/login', 'a URL with a port'],
  ['www.example.com is down', 'a www autolink'],
  ['check example.com/path now', 'a domain with a path'],
  ['CRITICAL:disk full', 'a scheme-like word'],
  ['<https://evil.example>', 'an angle-bracket autolink'],
  ['<https\\:evil.example>', 'an escaped angle-bracket autolink'],
  ['[click](https://evil.example)', 'a link'],
  ['![x](https://evil.example/i.png)', 'an image'],
  ['[a][b] and [c]: https://evil.example', 'references'],
  ['*bold* and **strong** and _em_ and __u__', 'emphasis'],
  ['a*b*c', 'intraword emphasis'],
  ['~~struck~~ and ~town-square', 'strikethrough and a channel link'],
  ['`code` here', 'a code span'],
  ['<b>html</b> <script>', 'HTML'],
  ['AT&amp;T &#64;channel', 'entities'],
  ['costs $x$ and $y$', 'inline LaTeX'],
  ['# Heading', 'a heading at the start'],
  ['- item', 'a list at the start'],
  ['1. item', 'an ordered list at the start'],
  ['> quoted', 'a quote at the start'],
  ['---', 'a thematic break'],
  ['\\[escaped\\](https://evil.example)', 'backslashes that would unescape'],
];

const EXPECTED: [string, string][] = [
  ['Disk usage 95% on db-replica-03', 'Disk usage 95% on db-replica-03'],
  ['CRITICAL: disk full', 'CRITICAL: disk full'],
  ['[FIRING:2] HighMemoryLoad', '[FIRING:2] HighMemoryLoad'],
  ['@channel disk full', '@\u200bchannel disk full'],
  ['see https://x.io/a', 'see https:\u200b//x.io\u200b/a'],
  ['www.example.com down', 'www\u200b.example.com down'],
  ['*urgent* _now_', '\\*urgent\\* \\_now\\_'],
  ['[x](https://e.io)', '[x\\](https:\u200b//e.io)'],
  ['# P1', '\\# P1'],
  ['~town-square', '\\~town-square'],
];

describe('inline text', () => {
  for (const [title, expected] of EXPECTED) {
    test(`${JSON.stringify(title)} → ${JSON.stringify(expected)}`, () => assert.equal(inlineText(title), expected));
  }

  for (const title of PLAIN) {
    test(`plain: ${title}`, () => {
      assert.equal(inlineText(title), title, 'byte-identical');
      assert.deepEqual(render(inlineText(title)).types.filter((t) => FORBIDDEN.has(t)), []);
    });
  }
  for (const [title, what] of HOSTILE) {
    test(`inert: ${what}: ${title}`, () => {
      const { types, visible } = render(inlineText(title));
      assert.deepEqual(types.filter((t) => FORBIDDEN.has(t)), [], `forms no markup: ${inlineText(title)}`);
      assert.equal(visible, title, 'reads as sent');
    });
  }

  test('control characters and line breaks become spaces', () => {
    assert.equal(inlineText('a\nb\tc\u0000d'), 'a b c d');
  });
});

describe('quoted notes (several lines, each at a line start)', () => {
  test('a table, a heading, a list and a setext underline stay text', () => {
    const note = 'col a | col b\n--- | ---\n# title\n- item\nplain line\n===';
    const { types, visible } = render(quotedText(note));
    assert.deepEqual(types.filter((t) => FORBIDDEN.has(t) && t !== 'block_quote'), []);
    assert.equal(visible, note);
  });
});

describe('links and plain text', () => {
  test('a link keeps its label inert and only takes http(s) URLs', () => {
    assert.equal(link('Checkout [API]', 'https://acme.pagerduty.com/services/P1'), '[Checkout \\[API\\]](https://acme.pagerduty.com/services/P1)');
    assert.equal(link('x', 'javascript:alert(1)'), 'x');
    const { types } = render(link('see @here https://evil.example', 'https://ok.example/'));
    assert.deepEqual(types.filter((t) => FORBIDDEN.has(t)), ['link'], 'only the link itself');
  });

  test('plain text keeps the title and defuses mentions only', () => {
    assert.equal(plainText('[FIRING:2] Disk on db-1', 64), '[FIRING:2] Disk on db-1');
    assert.equal(plainText('@channel x', 64), '@\u200bchannel x');
  });
});

describe('a thousand random titles from the tricky pieces', () => {
  const PIECES = ['@', 'all', 'here', '~', 'ops', '*', '_', '**', '__', '~~', '`', '[', ']', '(', ')', '!', '<', '>', '#', '- ', '1. ', '|', ':', '//', 'http', 'https://', 'www.', '.com/', 'a.b/', '&amp;', '&', '$', '\\', ' ', 'x', 'disk', '95%', 'é', '🔥', ':fire:', '\t', 'mail@host.io'];
  let seed = 20261201;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  test('none forms markup, each reads as sent', () => {
    for (let n = 0; n < 1000; n++) {
      const title = Array.from({ length: 1 + Math.floor(random() * 12) }, () => PIECES[Math.floor(random() * PIECES.length)]).join('').trim();
      if (title === '') continue;
      const flat = title.replace(/[\u0000-\u001f]+/g, ' ').trim();
      const { types, visible } = render(`x ${inlineText(title)}`);
      assert.deepEqual(types.filter((t) => FORBIDDEN.has(t)), [], `${JSON.stringify(title)} → ${JSON.stringify(inlineText(title))}`);
      assert.equal(visible, `x ${flat}`, JSON.stringify(title));
      const alone = render(inlineText(title));
      assert.deepEqual(alone.types.filter((t) => FORBIDDEN.has(t)), [], `at a line start: ${JSON.stringify(title)} → ${JSON.stringify(inlineText(title))}`);
    }
  });
});
