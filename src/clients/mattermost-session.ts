import type { Transport } from './node-transport';
import type { Config } from '../config/config';
import type { Deadline, Sleep } from '../deadline';
import type { Logger } from '../log';
import { type MattermostClient, createMattermostClient } from './mattermost-client';

export interface SessionOptions {
  readonly config: Config;
  readonly deadline: Deadline;
  readonly log: Logger;
  readonly dryRun?: (line: string) => void;
  readonly transport?: Transport;
  readonly sleep?: Sleep;
}

/** A client ready to use: with the configured token, or after the legacy password login. */
export async function openSession(options: SessionOptions): Promise<MattermostClient> {
  const { config } = options;
  const auth = config.mattermost.auth;
  const client = createMattermostClient({
    baseUrl: config.mattermost.url,
    caFile: config.mattermost.caFile,
    token: auth.kind === 'token' ? auth.token : undefined,
    deadline: options.deadline,
    transport: options.transport,
    sleep: options.sleep,
    dryRun: options.dryRun,
    onRetry: (message) => options.log.warn(message),
  });
  if (auth.kind === 'login') {
    try {
      client.setToken(await client.login(auth.loginId, auth.password));
    } catch (error) {
      client.close();
      throw error;
    }
  }
  return client;
}
