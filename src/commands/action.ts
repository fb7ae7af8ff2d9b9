import { verifyButton, verifyDialogState } from '../chatops/action-token';
import type { ChatopsRuntime } from '../chatops/chatops-runtime';
import { type Reply, type ReplyTarget, readOrRefuse, serialiseReply } from '../chatops/reply';
import { type ActionRequest, parseActionRequest } from '../chatops/request';
import { inputFromSubmission, runAction } from '../chatops/router';
import { type ChatopsOptions, withChatops } from './chatops-session';

const NOT_ACCEPTED = 'Not accepted: this button was not made by the incident tool for this channel (or its secret has changed since). Nothing was changed.';

/**
 * Handles what Mattermost sends for a button click or a dialog submission, and returns the one JSON document to
 * answer with. Never throws: whatever goes wrong is said to the person in the reply.
 */
export async function handleAction(body: Buffer, options: ChatopsOptions): Promise<Record<string, unknown>> {
  const read = readOrRefuse(() => parseActionRequest(body), 'click', options.log.warn);
  if ('refusal' in read) return read.refusal;
  const { request } = read;
  const target: ReplyTarget = request.kind === 'dialog' ? 'dialog' : 'click';
  return serialiseReply(await answer(request, options), target);
}

async function answer(request: ActionRequest, options: ChatopsOptions): Promise<Reply> {
  const secret = options.config.chatops.actionSecret;
  if (!secret) return { kind: 'ephemeral', text: 'Buttons are not set up here: chatops.action_secret is missing from conf.yaml. Nothing was changed.' };
  const now = (options.now ?? Date.now)();
  if (request.kind === 'dialog') {
    if (request.cancelled) return { kind: 'dialog-done' };
    const state = verifyDialogState(secret, request.state, request.channelId, now);
    if (!state) {
      options.log.warn(`refused a dialog submission whose state does not verify (user ${request.userId}, channel ${request.channelId})`);
      return { kind: 'dialog-errors', error: 'Not accepted: this dialog was not opened by the incident tool here, or it has been open too long. Nothing was changed.' };
    }
    if (state.action !== request.callbackId) return { kind: 'dialog-errors', error: 'Not accepted: this dialog does not match its action. Nothing was changed.' };
    const { postId, ...subject } = state;
    return withChatops(options, (rt: ChatopsRuntime) => runAction({ rt, subject, userId: request.userId, via: 'dialog', postId: postId || undefined, input: inputFromSubmission(request.submission) }));
  }
  const subject = verifyButton(secret, request.context, request.channelId);
  if (!subject) {
    options.log.warn(`refused a click whose context does not verify (user ${request.userId}, channel ${request.channelId}, post ${request.postId})`);
    return { kind: 'ephemeral', text: NOT_ACCEPTED };
  }
  return withChatops(options, (rt) => runAction({ rt, subject, userId: request.userId, via: 'button', postId: request.postId, triggerId: request.triggerId, input: {} }));
}
