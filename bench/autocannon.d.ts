// The part of autocannon 8's API that bench/saturate.ts uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface Request {
    method?: string;
    setupRequest?: (req: object) => object;
  }
  export interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: Request[];
    connections?: number;
    duration?: number;
    /** seconds */
    timeout?: number;
  }
  export interface Result {
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  function autocannon(opts: Options, done: (err: Error | null, result: Result) => void): EventEmitter;
  export default autocannon;
}
