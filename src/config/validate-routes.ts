import { SOURCE_LABELS } from '../incident/incident-event';
import type { Matcher, Route } from './config';
import type { Section } from './config-fields';

/** `routes:` in conf.yaml: an ordered list of a `match` and what it sets; every problem has its key path. */
export function validateRoutes(root: Section): Route[] {
  return root.sections('routes').map((section, i) => {
    const match = section.section('match', true);
    const set = section.section('set', true);
    const sources = match.has('source') ? stringOrList(match, 'source') : undefined;
    for (const source of sources ?? []) if (!(source in SOURCE_LABELS)) match.problem('source', `"${source}" is not a source (${Object.keys(SOURCE_LABELS).join(', ')})`);
    const labels: Record<string, Matcher> = {};
    const labelSection = match.section('labels');
    for (const [key, value] of Object.entries(labelSection.stringMapLoose())) {
      const regex = /^\/(.*)\/([imsu]*)$/.exec(value);
      if (!regex) labels[key] = { exact: value };
      else {
        try {
          labels[key] = { pattern: new RegExp(`^(?:${regex[1]})$`, regex[2]) };
        } catch (error) {
          labelSection.problem(key, `not a regular expression: ${(error as Error).message}`);
        }
      }
    }
    const route: Route = {
      name: section.string('name') ?? `routes[${i}]`,
      match: {
        sources,
        services: match.has('service') ? stringOrList(match, 'service') : undefined,
        labels: Object.keys(labels).length > 0 ? labels : undefined,
        tags: match.has('tags') ? stringOrList(match, 'tags') : undefined,
        teams: match.has('team') ? stringOrList(match, 'team') : undefined,
      },
      set: {
        teamName: set.string('team_name'),
        alertUsers: set.has('alert_users') ? set.strings('alert_users').map((u) => u.replace(/^@/, '')) : undefined,
        announcementChannel: set.string('announcement_channel'),
        archiveOnResolve: set.boolean('archive_on_resolve'),
      },
    };
    if (!route.match.sources && !route.match.services && !route.match.labels && !route.match.tags && !route.match.teams) match.problem('', 'needs at least one of source, service, labels, tags, team');
    if (Object.values(route.set).every((v) => v === undefined)) set.problem('', 'sets nothing: give team_name, alert_users, announcement_channel or archive_on_resolve');
    return route;
  });
}

function stringOrList(section: Section, key: string): string[] {
  const raw = section.raw(key);
  return typeof raw === 'string' ? [raw] : section.strings(key);
}
