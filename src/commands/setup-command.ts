import type { Transport } from '../clients/node-transport';
import { openSession } from '../clients/mattermost-session';
import type { NewSlashCommand } from '../clients/mattermost-client';
import type { Config } from '../config/config';
import { deadlineIn } from '../deadline';
import { UsageError } from '../errors';
import type { Logger } from '../log';

export interface SetupCommandOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly out: (line: string) => void;
  /** The mattermost_command hook's URL, as the Mattermost server will reach it. */
  readonly url: string;
  readonly trigger: string;
  readonly transport?: Transport;
}

/**
 * Creates the `/incident` slash command in the team through the API, or finds the one already there, and prints
 * its token for `chatops.command_tokens`. Run again, it never makes a second.
 */
export async function setupCommand(options: SetupCommandOptions): Promise<void> {
  const { config, out } = options;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`--url: not a URL: "${options.url.slice(0, 80)}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--url: must start with http:// or https://');
  const trigger = options.trigger.replace(/^\//, '').toLowerCase();
  if (!/^[a-z0-9._-]{1,128}$/.test(trigger)) throw new UsageError(`--trigger: "${trigger.slice(0, 40)}" is not a command word (letters, digits, . _ -; no spaces)`);
  const client = await openSession({ config, deadline: deadlineIn(Math.max(config.deadlineMs, 10_000)), log: options.log, transport: options.transport });
  try {
    const team = await client.getTeamByName(config.teamName);
    const existing = (await client.listCommands(team.id)).find((c) => c.trigger === trigger && !c.delete_at);
    if (existing) {
      out(`/${trigger} already exists in team "${config.teamName}" (it calls ${existing.url}); nothing was created.`);
      if (existing.url !== url.href && existing.url !== options.url) out(`note: it calls ${existing.url}, not ${options.url}: change it in Integrations > Slash Commands if that is wrong`);
      out(existing.token ? `token for chatops.command_tokens: ${existing.token}` : 'its token is shown to whoever created it: copy it from Integrations > Slash Commands into chatops.command_tokens');
      return;
    }
    const command: NewSlashCommand = {
      team_id: team.id,
      trigger,
      method: 'P',
      url: options.url,
      display_name: 'Incident',
      description: 'Act on the incident of this channel: acknowledge, resolve, escalate, note, Jira',
      auto_complete: true,
      auto_complete_desc: 'Acknowledge, resolve, escalate, add a note or a responder, file a Jira issue',
      auto_complete_hint: '[ack|resolve|escalate|note|status|responder|jira|info|help]',
    };
    const created = await client.createCommand(command);
    out(`created /${trigger} in team "${config.teamName}", calling ${options.url}`);
    out(`token for chatops.command_tokens: ${created.token ?? '(none returned: copy it from Integrations > Slash Commands)'}`);
  } finally {
    client.close();
  }
}
