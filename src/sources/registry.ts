import type { AlertSource, SourceId } from './source';

/** The source a hook names. Each is loaded only when a delivery is for it. */
export function sourceFor(id: SourceId): AlertSource {
  switch (id) {
    case 'pagerduty':
      return (require('./pagerduty/pagerduty-source') as typeof import('./pagerduty/pagerduty-source')).pagerdutySource;
    case 'alertmanager':
      return (require('./alertmanager/alertmanager-source') as typeof import('./alertmanager/alertmanager-source')).alertmanagerSource;
    case 'grafana':
      return (require('./grafana/grafana-source') as typeof import('./grafana/grafana-source')).grafanaSource;
    case 'opsgenie':
      return (require('./opsgenie/opsgenie-source') as typeof import('./opsgenie/opsgenie-source')).opsgenieSource;
    default:
      return id satisfies never;
  }
}

export const SOURCE_IDS: readonly SourceId[] = ['pagerduty', 'alertmanager', 'grafana', 'opsgenie'];
