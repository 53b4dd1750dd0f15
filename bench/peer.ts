// The peer: the Portkey AI gateway from npm (design §7), installed apart from the project's own
// dependencies in bench/peer/ (`npm run bench:peer:install`), so its hono pins never touch ours.
// Its stock install answers 500 on every stream unless hono 4.9.7, @hono/node-server 1.13.5 and
// @hono/node-ws 1.2.0 are pinned: bench/peer/package.json does that with npm `overrides`.
//
// Started as its package's bin (`build/start-server.js --port=0 --headless`) in a Node process of
// its own, in its own process group (stopped by group id), with bench/peer/loopback.mjs preloaded
// to keep it on 127.0.0.1 and report the port it got. It proxies the same simulated provider as the
// other paths: each request carries `x-portkey-provider: openai` and
// `x-portkey-custom-host: <sim>/s/<scope>/v1` (loopback hosts are on its default trusted list).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ROOT } from '../test/harness/paths.ts';

export const PEER_DIR = `${ROOT}/bench/peer`;
const PACKAGE = `${PEER_DIR}/node_modules/@portkey-ai/gateway`;
export const PEER_INSTALL = 'npm run bench:peer:install';

export interface Peer {
  url: string;
  /** The peer's Node process (its group leader): watch its CPU and RSS. */
  pid: number;
  version: string;
  /** Headers that point it at the upstream, for every request. */
  headers: Record<string, string>;
  close(): Promise<void>;
}

/** Why the peer cannot run here (not installed, or installed without the pins), or undefined. */
export function peerMissing(): string | undefined {
  if (!existsSync(`${PACKAGE}/package.json`)) return `the peer is not installed (${PEER_INSTALL})`;
  const pins: Record<string, string> = (JSON.parse(readFileSync(`${PEER_DIR}/package.json`, 'utf8')) as { overrides: Record<string, string> }).overrides;
  for (const [name, want] of Object.entries(pins)) {
    let got = 'missing';
    try {
      got = (JSON.parse(readFileSync(`${PEER_DIR}/node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
    } catch {}
    if (got !== want) return `the peer's ${name} is ${got}, not the pinned ${want} (re-run ${PEER_INSTALL})`;
  }
  return undefined;
}

export function peerVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${PACKAGE}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** `upstream`: the OpenAI-compatible base URL the peer forwards to (…/v1). */
export async function startPeer(upstream: string): Promise<Peer> {
  const bin = `${PACKAGE}/${(JSON.parse(readFileSync(`${PACKAGE}/package.json`, 'utf8')) as { bin: string }).bin}`;
  const child = spawn(process.execPath, ['--import', `${PEER_DIR}/loopback.mjs`, bin, '--port=0', '--headless'], {
    cwd: PEER_DIR,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group, stopped by group id
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {}
  };
  const killOnExit = () => killGroup('SIGKILL');
  process.once('exit', killOnExit);
  const close = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`the peer did not start within 15 s: ${err}`)), 15_000);
      child.stderr!.setEncoding('utf8');
      const onData = (text: string) => {
        err += text;
        const m = /peer listening on (http:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          child.stderr!.off('data', onData);
          resolve(m[1]!);
        }
      };
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the peer exited with ${code}: ${err}`));
      });
    });
  } catch (e) {
    await close();
    throw e;
  }
  child.stderr!.resume(); // keep draining what it logs
  return {
    url,
    pid,
    version: peerVersion(),
    headers: {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': upstream,
      authorization: 'Bearer sk-bench', // the sim ignores it; the peer's openai provider forwards it
    },
    close,
  };
}
