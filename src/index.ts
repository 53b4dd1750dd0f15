import { createApp } from './app';
import type { Env } from './env';

export { GatewayStats } from './stats/durable-object';
export { GatewayVectors } from './cache/semantic/durable-object';

const app = createApp();

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
