/**
 * A world for actions from Mattermost: the fake Mattermost (which calls the action and command hooks of the real
 * webhook daemon, as a server allowed to reach 127.0.0.1 does), a fake PagerDuty that sends its webhooks to the
 * daemon's PagerDuty hook, and optionally a fake Jira and Alertmanager.
 */
import { join } from 'node:path';
import { FakeAlertmanager } from '../fake/fake-alertmanager';
import { FakeJira } from '../fake/fake-jira';
import { FakePagerDuty } from '../fake/fake-pagerduty';
import { type Daemon, hooksFromSample, post, startDaemon } from './webhook-daemon';
import { type World, type WorldOptions, startWorld } from './world';

export const ACTION_SECRET = 'chatops-secret-8d1f0c2b7a9e4d36';
export const COMMAND_TOKEN = 'cmdtoken5f2c8e1d9a7b3c4d5e';
export const PD_TOKEN = 'pd-full-token-7c1e';
export const PD_WEBHOOK_SECRET = 'whsec-chatops-e2e-1';
export const JIRA_TOKEN = 'jira-api-token-3b9d';

export interface ChatopsWorld extends World {
  readonly pd: FakePagerDuty;
  readonly jira?: FakeJira;
  readonly am?: FakeAlertmanager;
  readonly daemon: Daemon;
  /** An access token of each Mattermost user, to act as them. */
  readonly tokens: Record<string, string>;
  hook(id: string): string;
  /** The web app's click on a button of a post, as `user`. */
  click(user: string, postId: string, actionId: string): Promise<{ status: number; body: any }>;
  /** A slash command typed by `user` in a channel. */
  command(user: string, channelId: string, text: string): Promise<{ status: number; body: any }>;
  /** Submits the newest dialog opened for `user`. */
  submitDialog(user: string, channelId: string, submission: Record<string, unknown>): Promise<{ status: number; body: any }>;
  /** Sends a PagerDuty test payload to the daemon's PagerDuty hook, as PagerDuty would. */
  deliver(body: string): Promise<{ status: number; text: string }>;
  /** Waits for PagerDuty's webhooks to have been handled. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface ChatopsWorldOptions extends WorldOptions {
  jira?: 'cloud' | 'data-center';
  alertmanager?: boolean;
  /** Omit chatops settings that a test leaves out on purpose. */
  chatops?: Record<string, unknown>;
  pagerdutyToken?: string;
}

export async function startChatopsWorld(options: ChatopsWorldOptions = {}): Promise<ChatopsWorld> {
  const pd = await new FakePagerDuty(PD_TOKEN, 'pd-read-only-token').start();
  const jira = options.jira ? await new FakeJira(options.jira, options.jira === 'cloud' ? { email: 'bot@example.com', token: JIRA_TOKEN } : { token: JIRA_TOKEN }, options.jira === 'data-center' ? '/jira' : '').start() : undefined;
  const am = options.alertmanager ? await new FakeAlertmanager().start() : undefined;
  // The daemon's port is chosen first: the config names the hooks' URLs.
  const { freePort } = await import('./webhook-daemon');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/hooks`;
  const world = await startWorld({
    allowedUntrustedInternalConnections: '127.0.0.1',
    extraUsers: ['ada', 'grace', 'dana', ...(options.extraUsers ?? [])],
    ...options,
    config: {
      pagerduty: { api_token: options.pagerdutyToken ?? PD_TOKEN, api_url: pd.url, webhook_secrets: [PD_WEBHOOK_SECRET] },
      chatops: options.chatops ?? { action_url: `${base}/mattermost_action`, action_secret: ACTION_SECRET, command_tokens: [COMMAND_TOKEN] },
      ...(jira ? { jira: { url: jira.url, ...(options.jira === 'cloud' ? { email: 'bot@example.com' } : {}), api_token: JIRA_TOKEN, project_key: 'OPS' } } : {}),
      ...(am ? { sources: { alertmanager: { api_url: am.url } } } : {}),
      ...options.config,
    },
  });
  for (const [id, name, user] of [['PUSR0AD', 'Ada Lovelace', 'ada'], ['PUSR0GH', 'Grace Hopper', 'grace'], ['PALICE1', 'Alice Tester', 'alice'], ['PBOB001', 'Bob Tester', 'bob']] as const) {
    pd.addUser(id, name, world.users[user]?.email ?? `${user}@example.com`);
  }
  pd.addPolicy({ id: 'PEPOL01', summary: 'Checkout on-call', levels: [['PUSR0AD'], ['PUSR0GH']] });
  pd.addIncident({ id: 'PT4KHLK', title: 'Checkout API latency above 2 s', assignees: ['PUSR0AD'], priority: 'P1' });
  const daemon = await startDaemon(hooksFromSample(world.dir, join(world.dir, 'hooks.json')), {}, port);
  pd.webhookSecret = PD_WEBHOOK_SECRET;
  pd.webhook = async (body, headers) => void (await post(`${base}/pagerduty_hook_file`, body, headers));
  // The team's command, as `setup-command` would make it.
  world.fake.commands.set('cmd1', {
    id: 'cmd1', token: COMMAND_TOKEN, team_id: world.team.id, creator_id: world.bot.id, trigger: 'incident', method: 'P', url: `${base}/mattermost_command`,
    display_name: 'Incident', description: '', auto_complete: true, auto_complete_desc: '', auto_complete_hint: '', create_at: 0, update_at: 0, delete_at: 0,
  });
  const tokens: Record<string, string> = {};
  for (const [name, user] of Object.entries(world.users)) tokens[name] = world.fake.addToken(user.id, `user-token-${name}-0123456789`);
  const api = async (user: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${world.fake.url}/api/v4${path}`, { method, headers: { Authorization: `Bearer ${tokens[user]}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    ...world,
    pd,
    jira,
    am,
    daemon,
    tokens,
    hook: (id) => `${base}/${id}`,
    click: (user, postId, actionId) => api(user, 'POST', `/posts/${postId}/actions/${actionId}`),
    command: (user, channelId, text) => api(user, 'POST', '/commands/execute', { channel_id: channelId, command: `/incident ${text}` }),
    submitDialog: (user, channelId, submission) => {
      const opened = [...world.fake.dialogs].reverse().find((d) => d.user_id === world.users[user].id);
      if (!opened) throw new Error(`no dialog was opened for ${user}`);
      const channel = world.fake.channels.get(channelId)!;
      return api(user, 'POST', '/actions/dialogs/submit', { url: opened.url, callback_id: opened.dialog.callback_id, state: opened.dialog.state, channel_id: channelId, team_id: channel.team_id, submission, cancelled: false });
    },
    deliver: (body) => post(`${base}/pagerduty_hook`, body),
    settled: () => pd.settled(),
    async close() {
      await pd.settled().catch(() => undefined);
      await daemon.stop();
      await pd.close();
      await jira?.close();
      await am?.close();
      await world.close();
    },
  };
}
