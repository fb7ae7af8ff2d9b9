/** The interactive dialogs of the actions that need a word from the person: limits are the server's (chatops.md §3). */

export interface DialogElement {
  readonly display_name: string;
  readonly name: string;
  readonly type: 'text' | 'textarea' | 'select' | 'radio';
  readonly subtype?: 'number';
  readonly optional?: boolean;
  readonly max_length?: number;
  readonly placeholder?: string;
  readonly help_text?: string;
  readonly default?: string;
  readonly options?: readonly { readonly text: string; readonly value: string }[];
  readonly data_source?: 'users';
}

export interface DialogSpec {
  readonly callback_id: string;
  /** At most 24 characters. */
  readonly title: string;
  readonly introduction_text?: string;
  readonly elements: readonly DialogElement[];
  readonly submit_label: string;
  readonly notify_on_cancel: false;
}

/** Text of a PagerDuty note or status update; Mattermost's textareas hold 3000 characters. */
const MAX_TEXT = 3000;

const cut = (text: string, max: number) => (Array.from(text).length > max ? `${Array.from(text).slice(0, max - 1).join('')}…` : text);

/** What the incident is, in the dialog's introduction (Markdown is rendered there). */
export type IncidentName = string;

/** A dialog with one text to write: a note, or a status update. */
function textDialog(callback: string, title: string, introduction: string, label: string, placeholder: string, submit: string): DialogSpec {
  return {
    callback_id: callback,
    title,
    introduction_text: introduction,
    elements: [{ display_name: label, name: 'text', type: 'textarea', max_length: MAX_TEXT, placeholder }],
    submit_label: submit,
    notify_on_cancel: false,
  };
}

export function noteDialog(incident: IncidentName): DialogSpec {
  return textDialog('note', 'Add a note', `A note on ${incident} in PagerDuty, as you.`, 'Note', 'What was found or done', 'Add note');
}

export function statusUpdateDialog(incident: IncidentName): DialogSpec {
  return textDialog('statusupdate', 'Post a status update', `A status update on ${incident}: PagerDuty sends it to the incident's subscribers.`, 'Update', 'Where things stand, for the people waiting on it', 'Post update');
}

export function responderDialog(incident: IncidentName): DialogSpec {
  return {
    callback_id: 'responder',
    title: 'Add a responder',
    introduction_text: `Ask someone to join ${incident}: PagerDuty pages them.`,
    elements: [
      { display_name: 'Who', name: 'user', type: 'select', data_source: 'users', placeholder: 'A Mattermost user' },
      { display_name: 'Message', name: 'text', type: 'textarea', optional: true, max_length: 1000, placeholder: 'Why you need them' },
    ],
    submit_label: 'Request',
    notify_on_cancel: false,
  };
}

/** The escalation policy's levels with who is on each; without them, a level number to type. */
export function escalateDialog(incident: IncidentName, levels: readonly { readonly level: number; readonly who: string }[] | undefined): DialogSpec {
  const element: DialogElement = levels && levels.length > 0
    ? { display_name: 'Level', name: 'level', type: 'radio', options: levels.map((l) => ({ text: cut(`Level ${l.level}: ${l.who}`, 150), value: String(l.level) })) }
    : { display_name: 'Level', name: 'level', type: 'text', subtype: 'number', help_text: 'The escalation level to hand the incident to (1 is the first)' };
  return {
    callback_id: 'escalate',
    title: 'Escalate',
    introduction_text: `Hand ${incident} to another level of its escalation policy.`,
    elements: [element],
    submit_label: 'Escalate',
    notify_on_cancel: false,
  };
}

export const SILENCE_HOURS = [1, 4, 24] as const;

export function silenceDialog(incident: IncidentName): DialogSpec {
  return {
    callback_id: 'silence',
    title: 'Silence alerts',
    introduction_text: `Silence the alerts of ${incident} in Alertmanager.`,
    elements: [
      { display_name: 'For', name: 'hours', type: 'radio', default: '1', options: SILENCE_HOURS.map((h) => ({ text: h === 1 ? '1 hour' : `${h} hours`, value: String(h) })) },
      { display_name: 'Comment', name: 'text', type: 'textarea', optional: true, max_length: 1000, placeholder: 'Why' },
    ],
    submit_label: 'Silence',
    notify_on_cancel: false,
  };
}
