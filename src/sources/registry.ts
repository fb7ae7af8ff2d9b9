import type { AlertSource, SourceId } from './source';

/** The source a hook names. Each is loaded only when a delivery is for it. */
export function sourceFor(id: SourceId): AlertSource {
  switch (id) {
    case 'pagerduty':
      return (require('./pagerduty/pagerduty-source') as typeof import('./pagerduty/pagerduty-source')).pagerdutySource;
    default:
      return id satisfies never;
  }
}

export const SOURCE_IDS: readonly SourceId[] = ['pagerduty'];
