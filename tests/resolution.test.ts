/** The resolution report, the transcript archive, closing and reopening the channel. */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { unzipSync } from 'fflate';
import type { FakePost } from './fake/fake-mattermost';
import { laterResolve, reopenedV3 } from './helpers/payloads';
import { type World, startWorld, testData } from './helpers/world';

let world: World | undefined;
afterEach(async () => {
  if (world) assert.deepEqual(world.fake.violations, []);
  await world?.close();
  world = undefined;
});

async function ok(w: World, body: string) {
  const result = await w.run([body]);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

function announcement(w: World): FakePost {
  const posts = w.fake.postsIn(w.fake.channelByName('town-square')!.id);
  assert.equal(posts.length, 1, 'one announcement');
  return posts[0];
}

function fields(post: FakePost): Record<string, string> {
  const [attachment] = post.props.attachments as { fields: { title: string; value: string }[] }[];
  return Object.fromEntries(attachment.fields.map((f) => [f.title, f.value]));
}

function archive(w: World, post: FakePost): Record<string, Buffer> {
  assert.equal(post.file_ids.length, 1);
  const file = w.fake.files.get(post.file_ids[0])!;
  assert.match(file.name, /^incident-pt4khlk(-\d+)?-transcript\.zip$/);
  return Object.fromEntries(Object.entries(unzipSync(new Uint8Array(file.bytes))).map(([k, v]) => [k, Buffer.from(v)]));
}

describe('the announcement reports the figures', () => {
  const timelines: [string, string[]][] = [
    ['V1', ['v1/incident.trigger.json', 'v1/incident.acknowledge.json', 'v1/incident.resolve.json']],
    ['V2', ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json']],
    ['V3', ['v3/incident.triggered.json', 'v3/incident.acknowledged.json', 'v3/incident.resolved.json']],
  ];
  const results: Record<string, Record<string, string>> = {};
  for (const [generation, files] of timelines) {
    test(`${generation}: times, people, messages and files`, async () => {
      world = await startWorld();
      await ok(world, testData(files[0]));
      await ok(world, testData(files[1]));
      const channel = world.fake.channelByName('incident-pt4khlk')!;
      const { alice, bob } = world.users;
      const root = world.fake.insertPost({ channel_id: channel.id, user_id: alice.id, message: 'Looking at the database' });
      world.fake.insertPost({ channel_id: channel.id, user_id: bob.id, message: 'Replica lag is 40 s', root_id: root.id });
      world.fake.insertPost({ channel_id: channel.id, user_id: alice.id, message: 'Failing over' });
      world.fake.insertPost({ channel_id: channel.id, user_id: world.bot.id, message: 'a bot talking', props: {} });
      await ok(world, testData(files[2]));
      const post = announcement(world);
      const f = fields(post);
      results[generation] = f;
      assert.equal(f['Time to acknowledge'], '2 min 30 s');
      assert.equal(f['Time to resolve'], '1 h');
      assert.equal(f['Acknowledged by'], 'Ada Lovelace');
      assert.equal(f['Resolved by'], 'Ada Lovelace');
      assert.equal(f['Participants (2)'], 'Alice Tester (2), Bob Tester (1)');
      assert.equal(f.Messages, '3');
      assert.equal(f['Files shared'], '0');
      assert.match(post.message, /\[Incident #1042 \(PT4KHLK\) Checkout API latency above 2 s\]\(https:\/\/acme\.pagerduty\.com\/incidents\/PT4KHLK\) has been resolved/);
      assert.equal((post.props.attachments as { color: string }[])[0].color, '#2eb886');
      assert.match((post.props.attachments as { fallback: string }[])[0].fallback, /resolved after 1 h/);
    });
  }
  test('V1, V2 and V3 give the same figures for the same timeline', () => {
    assert.ok(results.V1 && results.V2 && results.V3);
    const comparable = (f: Record<string, string>) => ({ ...f, 'Urgency / priority': undefined });
    assert.deepEqual(comparable(results.V1), comparable(results.V2));
    assert.deepEqual(comparable(results.V3), comparable(results.V2));
  });

  test('reassignments and escalations are counted', async () => {
    world = await startWorld();
    await ok(world, testData('incident.trigger.json'));
    for (const [event, minute] of [['incident.assign', 5], ['incident.escalate', 6], ['incident.escalate', 7], ['incident.delegate', 8]] as const) {
      const body = JSON.parse(testData('incident.acknowledge.json'));
      Object.assign(body.messages[0], { event, id: `${event}-${minute}`, created_on: `2026-03-02T09:${String(10 + minute)}:00Z` });
      body.messages[0].incident.status = 'triggered';
      await ok(world, JSON.stringify(body));
    }
    await ok(world, testData('incident.resolve.json'));
    const f = fields(announcement(world));
    assert.equal(f.Reassignments, '2');
    assert.equal(f.Escalations, '2');
    assert.equal(f['Time to acknowledge'], 'unknown');
  });
});

describe('the transcript archive', () => {
  test('450 posts with threads and 3 files: every post, threads under their root, files inside', async () => {
    world = await startWorld();
    await ok(world, testData('incident.trigger.json'));
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    const people = [world.users.alice, world.users.bob, world.users.carol];
    let root: FakePost | undefined;
    for (let i = 0; i < 450; i++) {
      const author = people[i % 3];
      const threaded = i % 10 > 6 && root;
      const post = world.fake.insertPost({ channel_id: channel.id, user_id: author.id, message: `message ${i} ✓ ünïcödé`, root_id: threaded ? root!.id : '' });
      if (!threaded) root = post;
    }
    const contents = ['graph.png', 'notes.txt', 'dump.log'].map((name, i) => {
      const file = world!.fake.insertFile({ user_id: people[i].id, channel_id: channel.id, name, bytes: Buffer.from(`${name} bytes ${i}`.repeat(50)) });
      const post = world!.fake.insertPost({ channel_id: channel.id, user_id: people[i].id, message: `file ${name}`, file_ids: [file.id] });
      file.post_id = post.id;
      return file;
    });
    const edited = world.fake.insertPost({ channel_id: channel.id, user_id: people[0].id, message: 'final text after an edit', edit_at: Date.now() });
    await ok(world, testData('incident.resolve.json'));

    const post = announcement(world);
    assert.equal(fields(post)['Files shared'], '3');
    assert.equal(fields(post).Messages, '454');
    const zip = archive(world, post);
    for (const file of contents) assert.deepEqual(zip[`files/${file.id}-${file.name}`], file.bytes);
    const md = zip['transcript.md'].toString('utf8');
    for (let i = 0; i < 450; i++) assert.ok(md.includes(`message ${i} ✓ ünïcödé`), `message ${i}`);
    assert.match(md, /^- \*\*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · Alice Tester\*\*: message 0 /m);
    assert.match(md, /^ {4}- \*\*.* · Alice Tester\*\*: message 9 /m, 'a reply is indented under its root');
    assert.match(md, /📎 \[graph\.png\]\(files\/[a-z0-9]+-graph\.png\)/);
    assert.match(md, /final text after an edit/);
    assert.ok(md.includes(`_(edited)_: ${edited.message}`));
    const json = JSON.parse(zip['transcript.json'].toString('utf8'));
    assert.equal(json.channels[0].posts.filter((p: { type: string }) => !p.type.startsWith('system_')).length, 1 + 450 + 3 + 1 + 1);
  });

  test('an empty channel still gets a transcript and plain figures', async () => {
    world = await startWorld();
    await ok(world, testData('incident.resolve.json'));
    const post = announcement(world);
    assert.equal(fields(post)['Participants (0)'], 'nobody');
    const zip = archive(world, post);
    assert.match(zip['transcript.md'].toString(), /Resolved/);
  });

  test('over the file-size limit: the transcript without the files, and the post says so', async () => {
    world = await startWorld({ maxFileSize: 4000 });
    await ok(world, testData('incident.trigger.json'));
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    const file = world.fake.insertFile({ user_id: world.users.alice.id, channel_id: channel.id, name: 'big.bin', bytes: randomBytes(20000) });
    file.post_id = world.fake.insertPost({ channel_id: channel.id, user_id: world.users.alice.id, message: 'heap dump', file_ids: [file.id] }).id;
    await ok(world, testData('incident.resolve.json'));
    const post = announcement(world);
    assert.match(post.message, /without its 1 file: with them it would pass the server's file-size limit/);
    const zip = archive(world, post);
    assert.deepEqual(Object.keys(zip).sort(), ['transcript.json', 'transcript.md']);
    assert.match(zip['transcript.md'].toString(), /big\.bin \(not in this archive\)/);
  });

  test('--dry-run shows the announcement and the archive file list, and writes nothing', async () => {
    world = await startWorld();
    await ok(world, testData('incident.trigger.json'));
    const writes = world.fake.writes().length;
    const result = await world.run(['--dry-run', testData('incident.resolve.json')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /would POST \/api\/v4\/files: upload incident-pt4khlk-transcript\.zip \(\d+ bytes\): transcript\.md, transcript\.json/);
    assert.match(result.stdout, /would POST \/api\/v4\/posts .*has been resolved/);
    assert.equal(world.fake.writes().length, writes);
  });
});

describe('closing the channel', () => {
  test('order: final timeline post, transcript, announcement, release, archive', async () => {
    world = await startWorld({ config: { notification_settings: { archive_on_resolve: true } } });
    await ok(world, testData('incident.trigger.json'));
    const from = world.fake.requests.length;
    await ok(world, testData('incident.resolve.json'));
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    assert.ok(channel.delete_at > 0, 'archived');
    const steps = world.fake.writes().filter((r) => world!.fake.requests.indexOf(r) >= from).map((r) => `${r.operationId}${r.operationId === 'CreatePost' ? (r.body as { channel_id: string }).channel_id === channel.id ? ':incident' : ':announcement' : ''}`);
    assert.deepEqual(steps.filter((s) => s !== 'PatchChannel'), [
      'CreatePost:incident',
      'UploadFile',
      'CreatePost:announcement',
      'RemoveUserFromChannel',
      'RemoveUserFromChannel',
      'RemoveUserFromChannel',
      'CreatePost:incident',
      'DeleteChannel',
    ]);
  });

  test('by default the channel stays open', async () => {
    world = await startWorld();
    for (const f of ['incident.trigger.json', 'incident.resolve.json']) await ok(world, testData(f));
    assert.equal(world.fake.channelByName('incident-pt4khlk')!.delete_at, 0);
  });

  test('a channel the tool did not create is left alone', async () => {
    world = await startWorld({ config: { notification_settings: { archive_on_resolve: true } } });
    const foreign = world.fake.insertChannel({ team_id: world.team.id, name: 'incident-pt4khlk', display_name: 'Our own war room', type: 'O', creator_id: world.users.alice.id, header: 'hands off' });
    world.fake.channelMembers.get(foreign.id)!.add(world.bot.id);
    for (const f of ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json']) await ok(world, testData(f));
    assert.equal(foreign.header, 'hands off');
    assert.equal(foreign.delete_at, 0);
    assert.deepEqual(world.fake.postsIn(foreign.id), []);
    assert.deepEqual(world.fake.memberNames(foreign.id), ['alice', 'incident-bot']);
    const own = world.fake.channelByName('incident-pt4khlk-2')!;
    assert.match(own.header, /Resolved/);
    assert.ok(own.delete_at > 0);
  });

  test("a channel the Ruby recipe made is found again and used", async () => {
    world = await startWorld();
    const recipe = world.fake.insertChannel({ team_id: world.team.id, name: 'incident-pt4khlk', display_name: 'Incident PT4KHLK', type: 'P', creator_id: world.bot.id });
    await ok(world, testData('incident.acknowledge.json'));
    assert.match(recipe.header, /Acknowledged/);
    assert.equal(world.fake.channelByName('incident-pt4khlk-2'), undefined);
  });
});

describe('reopening', () => {
  test('resolved but open: the same channel, people back, header live', async () => {
    world = await startWorld();
    for (const f of ['incident.trigger.json', 'incident.resolve.json']) await ok(world, testData(f));
    await ok(world, reopenedV3(30));
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    assert.match(channel.header, /Triggered/);
    assert.deepEqual(world.fake.memberNames(channel.id), ['alice', 'bob', 'carol', 'incident-bot']);
  });

  test('archived, and the token may restore: the channel comes back', async () => {
    world = await startWorld({ config: { notification_settings: { archive_on_resolve: true } } });
    world.fake.canRestore.add(world.bot.id);
    for (const f of ['incident.trigger.json', 'incident.resolve.json']) await ok(world, testData(f));
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    assert.ok(channel.delete_at > 0);
    await ok(world, reopenedV3(30));
    assert.equal(channel.delete_at, 0);
    assert.match(channel.header, /Triggered/);
    assert.deepEqual(world.fake.memberNames(channel.id), ['alice', 'bob', 'carol', 'incident-bot']);
  });

  test('archived, and the token may not restore: incident-<id>-2 links the old one; the next resolution reports the whole incident', async () => {
    world = await startWorld({ config: { notification_settings: { archive_on_resolve: true } } });
    for (const f of ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json']) await ok(world, testData(f));
    const first = world.fake.channelByName('incident-pt4khlk')!;
    const { alice } = world.users;
    const result = await ok(world, reopenedV3(30));
    assert.match(result.stdout, /created ~incident-pt4khlk-2/);
    const second = world.fake.channelByName('incident-pt4khlk-2')!;
    assert.ok(first.delete_at > 0, 'the old channel stays archived');
    assert.match(second.header, /Triggered/);
    assert.match(second.purpose, /reopened from ~incident-pt4khlk/);
    assert.match(world.fake.postsIn(second.id)[0].message, /Earlier discussion: ~incident-pt4khlk/);
    assert.deepEqual(world.fake.memberNames(second.id), ['alice', 'bob', 'carol', 'incident-bot']);
    world.fake.insertPost({ channel_id: second.id, user_id: alice.id, message: 'it is back' });

    await ok(world, laterResolve(60, 'v3'));
    const posts = world.fake.postsIn(world.fake.channelByName('town-square')!.id);
    assert.equal(posts.length, 2, 'one announcement per resolution');
    const f = fields(posts[1]);
    assert.equal(f['Time to resolve'], '2 h', 'from the first trigger to the last resolve');
    assert.equal(f['Participants (1)'], 'Alice Tester (1)');
    const zip = archive(world, posts[1]);
    assert.match(zip['transcript.md'].toString(), /## ~incident-pt4khlk \(#1042[\s\S]*## ~incident-pt4khlk-2 /);
    assert.ok(second.delete_at > 0);
    // Events after that still find the live channel chain.
    const duplicate = await ok(world, laterResolve(60, 'v3'));
    assert.match(duplicate.stdout, /already applied to ~incident-pt4khlk-2/);
  });
});
