import type { Config, Matcher, Route } from '../config/config';
import type { IncidentEvent } from '../incident/incident-event';

/** Which route an event takes, and the reasons it matched: the first route whose every condition holds. */
export function routeFor(event: IncidentEvent, routes: readonly Route[]): { route: Route; because: string[] } | undefined {
  for (const route of routes) {
    const because = matches(route, event);
    if (because) return { route, because };
  }
  return undefined;
}

/** The config an incident of this route runs with: the route's settings over `notification_settings`. */
export function configForRoute(config: Config, route: Route | undefined, team?: string): Config {
  const set = route?.set ?? {};
  return {
    ...config,
    teamName: team ?? set.teamName ?? config.teamName,
    alertUsers: set.alertUsers ?? config.alertUsers,
    announcementChannel: set.announcementChannel ?? config.announcementChannel,
    archiveOnResolve: set.archiveOnResolve ?? config.archiveOnResolve,
  };
}

/** The reasons the route matches the event, or undefined when a condition fails. */
function matches(route: Route, event: IncidentEvent): string[] | undefined {
  const { match } = route;
  const because: string[] = [];
  if (match.sources) {
    if (!match.sources.includes(event.source)) return undefined;
    because.push(`source ${event.source}`);
  }
  const details = 'assignees' in event.incident ? event.incident : undefined;
  if (match.services) {
    const service = details?.service;
    const hit = service && match.services.find((s) => s === service.id || s.toLowerCase() === service.name.toLowerCase());
    if (!hit) return undefined;
    because.push(`service ${hit}`);
  }
  if (match.labels) {
    for (const [key, matcher] of Object.entries(match.labels)) {
      const value = details?.labels?.[key];
      if (value === undefined || !fits(matcher, value)) return undefined;
      because.push(`label ${key}=${value}`);
    }
  }
  if (match.tags) {
    for (const tag of match.tags) if (details?.labels?.[`tag:${tag}`] === undefined) return undefined;
    because.push(`tags ${match.tags.join(', ')}`);
  }
  if (match.teams) {
    const team = match.teams.find((t) => details?.labels?.[`team:${t}`] !== undefined);
    if (!team) return undefined;
    because.push(`team ${team}`);
  }
  return because;
}

function fits(matcher: Matcher, value: string): boolean {
  return 'exact' in matcher ? matcher.exact === value : matcher.pattern.test(value);
}
