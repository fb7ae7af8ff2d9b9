import type { AlertGroupSettings, SourcesConfig } from './config';
import type { Section } from './config-fields';
import { parseDuration } from './duration';
import type { Env } from './validate-config';

const DEFAULT_REOPEN_WITHIN_MS = 10 * 60 * 1000;
const DEFAULT_MAX_AGE_MS = 5 * 60 * 1000;
const SERVICE_LABELS = ['service', 'job', 'namespace', 'grafana_folder'];

/** `sources:` in conf.yaml, each sender's checks and settings; secrets may come from the environment. */
export function validateSources(root: Section, env: Env): SourcesConfig {
  const sources = root.section('sources');
  const authorization = (section: Section, envName: string) => {
    const fromEnv = env[envName]?.trim();
    return fromEnv ? fromEnv.split(',').map((s) => s.trim()).filter(Boolean) : section.secrets('authorization');
  };
  const alertGroup = (section: Section): AlertGroupSettings => {
    const raw = section.raw('reopen_within');
    const reopenWithinMs = raw === undefined || raw === null ? DEFAULT_REOPEN_WITHIN_MS : parseDuration(raw);
    if (reopenWithinMs === undefined) section.problem('reopen_within', 'must be a duration such as 10m, 90s or 1h, or seconds');
    return {
      reopenWithinMs: reopenWithinMs ?? DEFAULT_REOPEN_WITHIN_MS,
      severityLabel: section.string('severity_label') ?? 'severity',
      serviceLabels: section.has('service_label') ? [section.string('service_label') ?? 'service'] : SERVICE_LABELS,
    };
  };
  const pagerduty = sources.section('pagerduty');
  const alertmanager = sources.section('alertmanager');
  const grafana = sources.section('grafana');
  const opsgenie = sources.section('opsgenie');
  const grafanaSecretsEnv = env.GRAFANA_WEBHOOK_SECRETS?.trim();
  const maxAge = grafana.number('max_age_seconds', { min: 0, max: 86400 });
  return {
    pagerduty: { authorization: authorization(pagerduty, 'PAGERDUTY_AUTHORIZATION') },
    alertmanager: { ...alertGroup(alertmanager), authorization: authorization(alertmanager, 'ALERTMANAGER_AUTHORIZATION'), apiUrl: alertmanager.string('api_url')?.replace(/\/+$/, '') },
    grafana: {
      ...alertGroup(grafana),
      authorization: authorization(grafana, 'GRAFANA_AUTHORIZATION'),
      webhookSecrets: grafanaSecretsEnv ? grafanaSecretsEnv.split(',').map((s) => s.trim()).filter(Boolean) : grafana.secrets('webhook_secrets'),
      maxAgeMs: maxAge !== undefined ? maxAge * 1000 : DEFAULT_MAX_AGE_MS,
    },
    opsgenie: { authorization: authorization(opsgenie, 'OPSGENIE_AUTHORIZATION'), webUrl: (opsgenie.string('url') ?? 'https://app.opsgenie.com').replace(/\/+$/, '') },
  };
}
