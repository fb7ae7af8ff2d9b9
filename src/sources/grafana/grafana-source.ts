import { PayloadError } from '../../errors';
import { alertGroupEvent, readGroup } from '../alert-group/parse-alert-group';
import { JsonReader } from '../json-reader';
import type { AlertSource } from '../source';
import { verifyGrafanaSignature } from './grafana-signature';

/** Grafana's unified alerting "Webhook" contact point, `version: "1"`: Alertmanager's body with Grafana's fields. */
export const grafanaSource: AlertSource = {
  id: 'grafana',
  label: 'Grafana',
  maxBodyBytes: 4 * 1024 * 1024,
  verify(request, _body, config, context) {
    const { webhookSecrets, maxAgeMs } = config.sources.grafana;
    if (webhookSecrets.length === 0) return;
    verifyGrafanaSignature(request.body, request.headers['x-grafana-alerting-signature'], request.headers['x-grafana-alerting-timestamp'], webhookSecrets, maxAgeMs, Date.parse(context.receivedAt));
  },
  parse(body, config, context) {
    const root = JsonReader.root(body, '');
    if (!root.has('alerts') && (root.has('ruleId') || root.has('evalMatches') || root.has('ruleName'))) {
      throw new PayloadError('the legacy Grafana alerting format (Grafana 8 and older) is not supported: use a contact point of Grafana unified alerting (Grafana 9 or newer)');
    }
    const group = readGroup(body, 'Grafana');
    const version = group.root.optionalText('version');
    if (version !== undefined && version !== '1') throw new PayloadError(`version: Grafana sends "1", got "${version.slice(0, 20)}"${version === '4' ? ' (an Alertmanager message: use the alertmanager hook)' : ''}`);
    const first = group.alerts[0];
    const firstLabels = first?.optionalObject('labels');
    // The contact point's "Test" button: a new group key every click, so it would open a channel every time.
    if (firstLabels?.optionalString('alertname') === 'TestAlert' && firstLabels?.optionalString('instance') === 'Grafana') {
      return [{ kind: 'ignored', eventType: 'grafana.test', reason: "a contact point's test notification; no incident channel is made" }];
    }
    const settings = config.sources.grafana;
    const orgId = group.root.optionalText('orgId') ?? '';
    const url = (key: string) => first?.optionalString(key);
    const links = [
      ...(url('dashboardURL') ? [{ label: 'Dashboard', url: url('dashboardURL')! }] : []),
      ...(url('panelURL') ? [{ label: 'Panel', url: url('panelURL')! }] : []),
      ...(url('silenceURL') ? [{ label: 'Silence', url: url('silenceURL')! }] : []),
    ];
    const values = first?.optionalObject('values');
    const valueText = values
      ? values
          .keys()
          .slice(0, 10)
          .map((k) => `${k}=${values.optionalText(k) ?? ''}`)
          .join(', ')
      : undefined;
    const message = group.root.optionalString('message');
    const title = group.root.optionalString('title')?.replace(/^\[(FIRING|RESOLVED)[^\]]*\]\s*/, '').trim();
    const details = [...(valueText ? [{ title: 'Values', value: valueText }] : []), ...(message ? [{ title: 'Message', value: message.slice(0, 2000) }] : [])];
    return [
      alertGroupEvent(group, { source: 'grafana', prefix: 'grafana', receivedAt: context.receivedAt, severityLabel: settings.severityLabel, serviceLabels: settings.serviceLabels }, { identity: `org ${orgId}`, title: title || undefined, links, details, imageUrl: url('imageURL') }),
    ];
  },
};
