import type { Config } from '../config/config';
import { configForRoute, routeFor } from '../decide/route';
import type { IncidentEvent } from '../incident/incident-event';
import type { StateStore } from '../state/state-store';

/**
 * The config an event runs with: its route's, or the route its incident took first, so an incident stays in the
 * team of its first event (its labels or tags may change later).
 */
export async function routedConfig(config: Config, event: IncidentEvent, store: Pick<StateStore, 'cache'>, dryRun: boolean): Promise<Config> {
  if (config.routes.length === 0) return config;
  const key = routeKey(config, event.source, event.incident.id);
  const taken = await takenRoute(store, key);
  const route = taken ? config.routes.find((r) => r.name === taken!.route) : routeFor(event, config.routes)?.route;
  const routed = configForRoute(config, route, taken?.team);
  if (!taken && !dryRun) await store.cache.set(key, JSON.stringify({ route: route?.name ?? '', team: routed.teamName }), ROUTE_MEMORY_MS);
  return routed;
}

/**
 * The config an incident already in a channel runs with, for an action from Mattermost: the route it took, or
 * else the first route for the team it is in.
 */
export async function configOfIncident(config: Config, source: string, incidentId: string, team: string, store: Pick<StateStore, 'cache'>): Promise<Config> {
  if (config.routes.length === 0) return team === config.teamName ? config : { ...config, teamName: team };
  const taken = await takenRoute(store, routeKey(config, source, incidentId));
  const route = taken ? config.routes.find((r) => r.name === taken.route) : config.routes.find((r) => r.set.teamName === team);
  return configForRoute(config, route, team);
}

function routeKey(config: Config, source: string, incidentId: string): string {
  return `route\n${config.mattermost.url}\n${source}\n${incidentId}`;
}

async function takenRoute(store: Pick<StateStore, 'cache'>, key: string): Promise<{ route?: string; team?: string } | undefined> {
  try {
    return JSON.parse((await store.cache.get(key)) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

/** How long an incident's route is remembered: past any incident's life. */
const ROUTE_MEMORY_MS = 90 * 24 * 3600 * 1000;

/** Locks are per incident and per Mattermost and team, so one store can serve several setups. */
export function lockKey(config: Config, incidentId: string): string {
  return `incident\n${config.mattermost.url}\n${config.teamName}\n${incidentId}`;
}
