import { GatewayError } from '../errors';
import type { StageFailure } from './stage';

/** A stage marked required in config failed: the request fails with it, clearly. */
export function requiredStageFailed(stage: string, failure: StageFailure, detail: string): GatewayError {
  const code = `${stage.split(':')[0]}_${failure === 'timeout' ? 'timeout' : 'failed'}`;
  return new GatewayError(`The required stage "${stage}" ${failure === 'timeout' ? 'did not answer in time' : 'failed'}: ${detail}`, {
    status: failure === 'timeout' ? 504 : 502,
    code,
  });
}

export const noOrigin = () =>
  new GatewayError('This gateway has no origin configured, so it cannot run retrieval or tools.', {
    status: 400,
    code: 'origin_not_configured',
    param: 'gateway',
  });
