import { describe, expect, it } from 'vitest';
import { laneBucket } from './admission';

const interactive = { capacity: 60, refillPerSecond: 1 };
const batch = { capacity: 10, refillPerSecond: 0.2 };

describe('laneBucket', () => {
  it('uses the lane’s own bucket when configured', () => {
    expect(laneBucket({ interactive, batch }, 'batch')).toEqual({ lane: 'batch', spec: batch });
    expect(laneBucket({ interactive, batch }, 'interactive')).toEqual({ lane: 'interactive', spec: interactive });
  });

  it('an unconfigured lane shares the configured one’s bucket, never unlimited', () => {
    expect(laneBucket({ interactive }, 'batch')).toEqual({ lane: 'interactive', spec: interactive });
    expect(laneBucket({ batch }, 'interactive')).toEqual({ lane: 'batch', spec: batch });
  });

  it('no lane limits at all: no lane bucket', () => {
    expect(laneBucket(undefined, 'batch')).toBeUndefined();
    expect(laneBucket({ tokensPerMinute: 1000 }, 'interactive')).toBeUndefined();
  });
});
