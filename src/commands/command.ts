import { readOrRefuse, serialiseReply } from '../chatops/reply';
import { parseCommandRequest } from '../chatops/request';
import { commandTokenAccepted, runCommand } from '../chatops/slash-command';
import { type ChatopsOptions, withChatops } from './chatops-session';

/**
 * Handles what Mattermost sends for `/incident …` and returns the one JSON document to answer with. The token
 * is checked before anything else; whatever goes wrong is said to the person in the reply.
 */
export async function handleCommand(body: Buffer, options: ChatopsOptions): Promise<Record<string, unknown>> {
  const read = readOrRefuse(() => parseCommandRequest(body), 'command', options.log.warn);
  if ('refusal' in read) return read.refusal;
  const { request } = read;
  const tokens = options.config.chatops.commandTokens;
  if (tokens.length === 0) return serialiseReply({ kind: 'ephemeral', text: 'The /incident command is not set up: the admin needs to put its token in chatops.command_tokens (`mattermost-incident setup-command` prints it).' }, 'command');
  if (!commandTokenAccepted(request.token, tokens)) {
    options.log.warn(`refused a slash command with a token that is not configured (user ${request.userId}, channel ${request.channelId})`);
    return serialiseReply({ kind: 'ephemeral', text: 'Not accepted: this command was not sent by the /incident command configured for the tool. Nothing was changed.' }, 'command');
  }
  return serialiseReply(await withChatops(options, (rt) => runCommand(rt, request)), 'command');
}
