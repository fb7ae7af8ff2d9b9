import type { ServerChannel } from '@mattermost/types/channels';
import type { UserProfile } from '@mattermost/types/users';
import { type ChannelState, invitedSoFar } from '../decide/channel-state';
import { concernedUsers, mapByUserMap } from '../decide/concerned-people';
import { withRecord } from '../decide/ledger';
import { type Writes, planEvent, planForNewChannel } from '../decide/plan-event';
import { ApiError } from '../errors';
import { type Actor, type IncidentEvent, type IncidentStatus, statusAfter } from '../incident/incident-event';
import { EMPTY_LEDGER, PROPS_KEY, type TimelineRecord } from '../incident/timeline-record';
import { snapshotOf } from '../incident/incident-snapshot';
import { type PostButton, byWhom, incidentButtons } from '../render/buttons';
import { incidentAttachment } from '../render/opening-post';
import { timelineLine } from '../render/timeline';
import { inlineText, truncateRunes } from '../render/markdown';
import { readState } from './channel-posts';
import { closeIncident } from './close-incident';
import { Directory, MAX_PEOPLE_PER_EVENT } from './directory';
import { IncidentChannels } from './incident-channels';
import { buttonsChange, rewriteOpening } from './opening-buttons';
import { mapByEmail } from './responders';
import type { Runtime } from './runtime';

/** Mattermost's limit on a post's message (16383 runes), with room for the notes. */
const MAX_MESSAGE_RUNES = 16000;
const MAX_NAMED = 20;

/** The people an event brings in: those `user_map` names, the lookup by e-mail of the others, and those left out. */
interface People {
  readonly byUsername: ReadonlyMap<string, Actor>;
  readonly byEmail: Promise<{ found: UserProfile[]; unmapped: Actor[] }>;
  /** Past the cap on people per event: named as not invited. */
  readonly leftOut: readonly Actor[];
}

/**
 * Applies events to Mattermost. One instance serves one run: the team and user lookups it makes are kept, so
 * nothing is looked up twice.
 */
export class IncidentApplier {
  private readonly directory: Directory;
  private readonly channels: IncidentChannels;

  constructor(private readonly rt: Runtime) {
    this.directory = new Directory(rt);
    this.channels = new IncidentChannels(rt, this.directory);
  }

  /** Applies one event and returns the line that says what was done. */
  async apply(event: IncidentEvent): Promise<string> {
    const label = `${event.incident.id} ${event.eventType}`;
    const people = this.people(event);
    const prefetchUsers = () => void this.directory.lookupUsers([...this.rt.config.alertUsers, ...people.byUsername.keys()]).catch(() => undefined);

    let channel: ServerChannel | undefined;
    let created = false;
    let previous: readonly ServerChannel[] = [];
    // The first free name after the incident's channels, known once they have been walked.
    let freeSequence = 2;
    const incident = await this.withChannelBase(event);
    if (event.kind === 'status' && event.action === 'triggered' && !this.rt.dryRun) {
      // A trigger usually finds no channel: create at once, looking the users up alongside. (A dry run looks
      // first: its create would only be reported, and then it could not tell what a real run would do.)
      prefetchUsers();
      channel = await this.channels.tryCreate(event.incident, event, 1, []);
      created = channel !== undefined;
    }
    if (!channel) {
      // Whose posts count is needed to read the channel: asked alongside the walk, when not remembered.
      void this.directory.selfId().catch(() => undefined);
      // An alert group's channels are its episodes, each an incident of its own: none continues another, and
      // the last is the one in use (whatever the event: an acknowledge from Mattermost too).
      const episodes = event.source === 'alertmanager' || event.source === 'grafana';
      const located = await this.channels.locate(incident, { last: episodes });
      ({ freeSequence } = located);
      previous = episodes ? [] : located.previous;
      channel = located.current;
      if (!channel) {
        // Only an event that carries the whole incident can open its channel, and a resolution alone opens none.
        if (event.kind !== 'status' && event.kind !== 'alerts') {
          this.rt.log.warn(`${label}: there is no channel for this incident; nothing to add this to`);
          return `${label}: no incident channel, ignored`;
        }
        if (event.kind === 'alerts' && statusAfter(event) === 'resolved') return `${label}: no open incident for these alerts, nothing to do`;
        if (statusAfter(event) !== 'resolved') prefetchUsers();
        ({ channel, created } = await this.channels.obtain(freeSequence, event.incident, event, previous));
      }
    }
    void this.rememberChannelBase(event);

    const state = created ? undefined : await readState(this.rt.client, channel, await this.directory.trusted());
    const facts = { archived: channel.delete_at > 0, header: channel.header, archiveOnResolve: this.rt.config.archiveOnResolve, now: this.rt.now(), reopenWithinMs: reopenWithin(this.rt, event) };
    const plan = planEvent(event, state, { ...facts, createdNow: created });
    const close = (options: { release: boolean; maybeAnnounced: boolean; resolvedPostAt?: number }) =>
      event.kind === 'status' ? closeIncident(this.rt, this.directory, event, event.incident, channel, previous, options, state) : Promise.resolve([]);
    switch (plan.kind) {
      case 'duplicate': {
        const done: string[] = [];
        if (plan.repairHeader !== undefined) {
          await this.rt.client.patchChannel(channel.id, { header: plan.repairHeader });
          done.push('header repaired');
        }
        if (plan.archive) {
          await this.channels.archive(channel);
          done.push(`~${channel.name} archived`);
        }
        return `${label}: already applied to ~${channel.name}, ${done.length > 0 ? done.join(', ') : 'nothing to do'}`;
      }
      case 'finish-resolve': {
        if (plan.repairHeader !== undefined) await this.rt.client.patchChannel(channel.id, { header: plan.repairHeader });
        const steps = await close({ release: true, maybeAnnounced: true, resolvedPostAt: state?.postedAt.get(event.eventId) ?? state?.ledger.resolved_post_at });
        return `${label}: ${['finished closing', ...(plan.repairHeader !== undefined ? ['header repaired'] : []), ...steps].join(', ')}`;
      }
      case 'archived-history':
        return `${label}: ~${channel.name} is archived; this older event is not recorded`;
      case 'unchanged':
        return `${label}: nothing new for ~${channel.name} (the alerts it shows already)`;
      case 'new-episode': {
        if (event.kind !== 'alerts') return `${label}: nothing to do`;
        // Long after the resolution the group fires again: a new incident, in the group's next channel.
        prefetchUsers();
        const next = await this.channels.obtain(freeSequence, event.incident, event, []);
        const fresh = planEvent(event, undefined, { ...facts, archived: false, header: next.channel.header, createdNow: next.created });
        return fresh.kind === 'apply' ? this.write(label, event, next.channel, fresh, [], next.created, undefined, people) : `${label}: ~${next.channel.name} is taken by a parallel delivery`;
      }
      case 'reopen-archived': {
        const restored = await this.channels.restore(channel);
        if (restored) return this.write(label, event, restored, plan, previous, false, state, people);
        if (event.kind !== 'status') return `${label}: ~${channel.name} is archived; this older event is not recorded`;
        const earlier = [...previous, channel];
        const next = await this.channels.obtain(freeSequence, event.incident, event, earlier);
        // A new channel gets the opening post; one a parallel delivery just made already has it.
        return this.write(label, event, next.channel, next.created ? planForNewChannel(plan) : plan, earlier, next.created, state, people);
      }
      case 'apply':
        return this.write(label, event, channel, plan, previous, created, state, people);
      default:
        return plan satisfies never;
    }
  }

  /** The incident with the channel base it was seen under, for events that do not say (Opsgenie's Escalate). */
  private async withChannelBase(event: IncidentEvent): Promise<IncidentEvent['incident']> {
    if (event.incident.channelBase) return event.incident;
    const known = await this.rt.cache.get(baseKey(this.rt, event));
    return known ? { ...event.incident, channelBase: known } : event.incident;
  }

  private async rememberChannelBase(event: IncidentEvent): Promise<void> {
    if (event.incident.channelBase && event.source !== 'pagerduty') await this.rt.cache.set(baseKey(this.rt, event), event.incident.channelBase);
  }

  private people(event: IncidentEvent): People {
    const concerned = concernedUsers(event);
    // However many people a payload names, one event brings in at most MAX_PEOPLE_PER_EVENT.
    const { byUsername, rest } = mapByUserMap(concerned.slice(0, MAX_PEOPLE_PER_EVENT), this.rt.config.userMap);
    const byEmail = rest.length > 0 ? mapByEmail(rest, { client: this.rt.client, pagerduty: this.rt.pagerduty, log: this.rt.log }) : Promise.resolve({ found: [], unmapped: [] });
    byEmail.catch(() => undefined);
    return { byUsername, byEmail, leftOut: concerned.slice(MAX_PEOPLE_PER_EVENT) };
  }

  private async write(
    label: string,
    event: IncidentEvent,
    channel: ServerChannel,
    plan: Writes,
    previous: readonly ServerChannel[],
    created: boolean,
    state: ChannelState | undefined,
    people: People,
  ): Promise<string> {
    const mappedNames = [...people.byUsername.keys()];
    const names = [...(plan.invite ? this.rt.config.alertUsers : []), ...(plan.responders ? mappedNames : [])];
    const found = names.length > 0 ? await this.directory.lookupUsers(names) : [];
    const email = plan.responders ? await people.byEmail : { found: [], unmapped: [] };
    const wanted = uniqueUsers([...found, ...email.found]);
    // The invitations come before the post, which records the event as applied: a run that stops before the
    // post is redone in full by the next delivery.
    const users = wanted.length > 0 ? await this.addMembers(channel.id, wanted) : [];
    const outsiders = wanted.filter((u) => !users.includes(u));
    const known = new Set(found.map((u) => u.username.toLowerCase()));
    const unmapped = plan.responders ? [...[...people.byUsername].filter(([name]) => !known.has(name)).map(([, actor]) => actor), ...email.unmapped, ...people.leftOut] : [];

    const { client } = this.rt;
    const done: string[] = [created ? `created ~${channel.name}` : `updated ~${channel.name}`];
    const status = plan.status ?? statusAfter(event);
    const record: TimelineRecord = {
      v: 2,
      incident_id: event.incident.id,
      event_id: event.eventId,
      action: plan.meaning ?? event.action,
      status,
      occurred_at: event.occurredAt,
      actor: event.agent ? truncateRunes(event.agent.name, 200) : undefined,
      invited: users.length > 0 ? users.map((u) => u.username) : undefined,
      opening: plan.opening || undefined,
    };
    const base = state?.ledger ?? EMPTY_LEDGER;
    const details = event.kind === 'status' || event.kind === 'alerts' ? event.incident : undefined;
    // A new channel's opening post is the one buttons and links point at from now on.
    const ledger = {
      ...withRecord(base, record),
      opening_post_id: plan.opening ? undefined : base.opening_post_id,
      ...(plan.alerts ? { alerts: plan.alerts.next } : {}),
      ...(details ? { incident: snapshotOf(details) } : {}),
    };
    const invitedBefore = invitedSoFar(state);
    const notes: string[] = [];
    if (plan.reopen) notes.push('The incident was reopened; its people are back in the channel.');
    const added = users.filter((u) => !invitedBefore.has(u.username.toLowerCase()));
    if (added.length > 0) notes.push(`Added to the channel: ${added.map((u) => u.username).join(', ')}.`);
    if (unmapped.length > 0) notes.push(`Not found in Mattermost, please invite by hand: ${namesOf(unmapped)}.`);
    if (outsiders.length > 0) notes.push(`Not on the team, so not invited (add them to the team first): ${outsiders.map((u) => u.username).join(', ')}.`);
    if (plan.opening && previous.length > 0) notes.push(`Earlier discussion: ${previous.map((c) => `~${c.name}`).join(', ')}`);
    const post = {
      channel_id: channel.id,
      message: truncateRunes(timelineLine(event, notes, plan.alerts?.changes, plan.meaning), MAX_MESSAGE_RUNES),
      props: {
        [PROPS_KEY]: { ...record, ledger },
        ...(plan.opening && details ? { attachments: [{ ...incidentAttachment(details, status, event.kind === 'alerts' ? event.alerts : undefined), ...this.buttons(event, channel, status) }] } : {}),
      },
    };
    // The header goes alongside the post; a header write that failed is repaired by the retry of the same
    // event (see `planEvent`).
    const [, posted] = await Promise.all([plan.header !== undefined ? client.patchChannel(channel.id, { header: plan.header }) : undefined, client.createPost(post)]);
    this.directory.learnSelf(posted.user_id);
    const before = state?.ledger.latest?.status;
    if (!plan.opening && status && buttonsChange(this.rt, event.source, before, status)) {
      const place = { incidentId: event.incident.id, source: event.source, channelId: channel.id };
      if (await rewriteOpening(this.rt, state, place, status, byWhom(event.agent))) done.push('buttons updated');
    }
    if (plan.header !== undefined) done.push('header updated');
    if (users.length > 0) done.push(`${users.length} invited`);
    if (plan.resolve && (event.kind === 'status' || event.kind === 'alerts')) {
      const after = { ledger, postedAt: new Map([...(state?.postedAt ?? []), [event.eventId, posted.create_at]]) };
      done.push(...(await closeIncident(this.rt, this.directory, event, event.incident, channel, previous, { release: !plan.opening, maybeAnnounced: false, resolvedPostAt: posted.create_at }, after)));
    }
    return `${label}: ${done.join(', ')}`;
  }

  /** The opening post's buttons, when the buttons are configured. */
  private buttons(event: IncidentEvent, channel: ServerChannel, status: IncidentStatus | undefined): { actions?: PostButton[] } {
    const buttons = incidentButtons({ incidentId: event.incident.id, source: event.source, team: this.rt.config.teamName, channelId: channel.id }, status, this.rt.config);
    return buttons.length > 0 ? { actions: buttons } : {};
  }

  /**
   * Adds members in one request and returns those now in the channel. Servers before 9.11 answer 400 to
   * `user_ids`, so fall back to one by one. Someone not on the channel's team cannot join it (404): that is
   * left to the team's admins rather than failing every retry of the delivery.
   */
  private async addMembers(channelId: string, users: readonly UserProfile[]): Promise<UserProfile[]> {
    const { client, log } = this.rt;
    let joined: ReadonlySet<string>;
    try {
      const members = await client.addChannelMembers(channelId, users.map((u) => u.id));
      joined = new Set(Array.isArray(members) ? members.map((m) => m.user_id) : users.map((u) => u.id));
    } catch (error) {
      if (isNotOnTeam(error)) joined = new Set();
      else if (error instanceof ApiError && error.status === 400) {
        log.info('this Mattermost server does not add several members at once (before 9.11); adding them one by one');
        const one = await Promise.all(users.map((u) => client.addChannelMember(channelId, u.id).then(() => u.id, (e: unknown) => { if (isNotOnTeam(e)) return undefined; throw e; })));
        joined = new Set(one.filter((id) => id !== undefined));
      } else throw error;
    }
    const left = users.filter((u) => !joined.has(u.id));
    if (left.length > 0) log.warn(`not invited, not on the channel's team: ${left.map((u) => `@${u.username}`).join(', ')}; add them to the team or change alert_users`);
    return users.filter((u) => joined.has(u.id));
  }
}

function isNotOnTeam(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.errorId === 'app.team.get_member.missing.app_error';
}

function baseKey(rt: Runtime, event: IncidentEvent): string {
  return `channel-base\n${rt.config.mattermost.url}\n${rt.config.teamName}\n${event.source}\n${event.incident.id}`;
}

function reopenWithin(rt: Runtime, event: IncidentEvent): number {
  return event.source === 'alertmanager' || event.source === 'grafana' ? rt.config.sources[event.source].reopenWithinMs : 0;
}

/** The first names, and how many more: a payload can name thousands. */
function namesOf(actors: readonly Actor[]): string {
  const named = actors.slice(0, MAX_NAMED).map((a) => inlineText(a.name, 80));
  return actors.length > MAX_NAMED ? `${named.join(', ')} and ${actors.length - MAX_NAMED} more` : named.join(', ');
}

function uniqueUsers(users: readonly UserProfile[]): UserProfile[] {
  return [...new Map(users.map((u) => [u.id, u])).values()];
}
