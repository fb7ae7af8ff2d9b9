import { alertGroupEvent, readGroup } from '../alert-group/parse-alert-group';
import type { AlertSource } from '../source';
import { PayloadError } from '../../errors';

/** Alertmanager's webhook receiver, `version: "4"`. It cannot sign: `sources.alertmanager.authorization` guards it. */
export const alertmanagerSource: AlertSource = {
  id: 'alertmanager',
  label: 'Alertmanager',
  maxBodyBytes: 4 * 1024 * 1024,
  verify: () => undefined,
  parse(body, config, context) {
    const group = readGroup(body, 'Alertmanager');
    const version = group.root.optionalText('version');
    if (version !== undefined && version !== '4') throw new PayloadError(`version: Alertmanager sends "4", got "${version.slice(0, 20)}"${version === '1' ? ' (a Grafana message: use the grafana hook)' : ''}`);
    const settings = config.sources.alertmanager;
    return [alertGroupEvent(group, { source: 'alertmanager', prefix: 'am', receivedAt: context.receivedAt, severityLabel: settings.severityLabel, serviceLabels: settings.serviceLabels }, { identity: '', links: [], details: [] })];
  },
};
