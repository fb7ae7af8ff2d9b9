/** Payloads for the tests: the flows of test_data, and builders that vary them (another incident, a later time). */
import { testData } from './world';

/** trigger → acknowledge → resolve of incident PT4KHLK, in each PagerDuty generation. */
export const FLOWS = {
  V2: ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json'],
  V1: ['v1/incident.trigger.json', 'v1/incident.acknowledge.json', 'v1/incident.resolve.json'],
  V3: ['v3/incident.triggered.json', 'v3/incident.acknowledged.json', 'v3/incident.resolved.json'],
} as const;

export const FLOW = FLOWS.V2;

/** A test_data file for another incident: its id, number and message id changed. */
export function withIncident(file: string, id: string, number: number): string {
  return testData(file)
    .split('PT4KHLK')
    .join(id)
    .replace(/"incident_number": 1042/, `"incident_number": ${number}`)
    .replace(/("id": "[0-9a-f]{8})/, `$1${id.slice(-4).toLowerCase()}`);
}

const FIRST_RESOLVE = Date.parse('2026-03-02T10:15:00Z');
const minutesAfter = (minutes: number) => new Date(FIRST_RESOLVE + minutes * 60_000).toISOString();

/** A V3 `incident.reopened` some minutes after the first resolution. */
export function reopenedV3(minutesAfterResolve: number): string {
  const body = JSON.parse(testData('v3/incident.triggered.json'));
  body.event.event_type = 'incident.reopened';
  body.event.id = `01HQREOPEN${minutesAfterResolve}`;
  body.event.occurred_at = minutesAfter(minutesAfterResolve);
  body.event.data.reopened_at = body.event.occurred_at;
  return JSON.stringify(body);
}

/** Another resolve of the incident, some minutes after the first resolution. */
export function laterResolve(minutesAfterFirst: number, generation: 'v2' | 'v3' = 'v2'): string {
  if (generation === 'v3') {
    const body = JSON.parse(testData('v3/incident.resolved.json'));
    body.event.id = `01HQRESOLVE${minutesAfterFirst}`;
    body.event.occurred_at = minutesAfter(minutesAfterFirst);
    return JSON.stringify(body);
  }
  const body = JSON.parse(testData('incident.resolve.json'));
  const at = minutesAfter(minutesAfterFirst);
  Object.assign(body.messages[0], { id: `resolve-${minutesAfterFirst}`, created_on: at });
  body.messages[0].incident.last_status_change_at = at;
  return JSON.stringify(body);
}
