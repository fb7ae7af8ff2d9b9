import { ApiError, IncidentToolError, TimeoutError } from '../errors';
import { TargetMissing } from './incident-target';

/**
 * What went wrong, for the person who clicked or typed: what failed and what to do. Their action changed nothing
 * unless the text says otherwise. Request lines and server details stay in the log.
 */
export function failureText(error: unknown): string {
  if (error instanceof TargetMissing) return `${error.message} Nothing was changed.`;
  if (error instanceof TimeoutError) return 'That took too long, so it was given up; nothing was changed. Try again in a moment.';
  if (error instanceof ApiError) {
    const { service, status } = error;
    if (status === 0 || status >= 500 || status === 429) return `${service} did not answer (${status === 0 ? 'no response' : `HTTP ${status}`}), so nothing was changed. Try again in a moment.`;
    if (service === 'PagerDuty') return pagerDutyRefusal(error);
    if (status === 401) return `${service} refused the tool's credentials: ask the admin to check them with \`mattermost-incident check\`.`;
    if (status === 403) return `${service} does not allow this (HTTP 403)${error.errorId ? `, ${error.errorId}` : ''}; nothing was changed.`;
    return `${service} refused it (HTTP ${status}${error.errorId ? `, ${error.errorId}` : ''}); nothing was changed.`;
  }
  if (error instanceof IncidentToolError) return `${error.message}.`;
  return 'Something unexpected went wrong; nothing was changed. The admin can find the details in the tool\'s log.';
}

/** PagerDuty's error codes (chatops.md §4.2), in words. */
function pagerDutyRefusal(error: ApiError): string {
  switch (error.errorId) {
    case '1008':
    case '2013':
      return 'PagerDuty does not know you as a user (the e-mail address sent as you was refused); nothing was changed. Ask the admin to map you in notification_settings.user_map.';
    case '1018':
    case '2010':
    case '2018':
      return 'PagerDuty says you may not do this to the incident; nothing was changed.';
    case '1001':
      return 'The incident is already resolved in PagerDuty.';
    case '1006':
    case '1014':
    case '1015':
      return 'PagerDuty cannot escalate the incident to that level (no such level, or nobody is on call there); nothing was changed.';
    case '2014':
      return 'The PagerDuty account lacks this feature; nothing was changed.';
    default:
      break;
  }
  if (error.status === 401) return "PagerDuty refused the tool's API token: ask the admin to check pagerduty.api_token with `mattermost-incident check`.";
  if (error.status === 403) return "PagerDuty refused the tool's API token for this (is it read-only? actions need a token with write access); nothing was changed.";
  if (error.status === 404) return 'PagerDuty does not know this incident (or it is on another account); nothing was changed.';
  return `PagerDuty refused it (HTTP ${error.status}${error.errorId ? `, code ${error.errorId}` : ''}); nothing was changed.`;
}
