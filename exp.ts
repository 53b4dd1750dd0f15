import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import autocannon from 'autocannon';
import { spawnSim } from './bench/sim.ts';
import { childPids, totalCpuMs } from './bench/procstat.ts';
const sim = await spawnSim();
await sim.setFaults('east', { firstTokenMs: 0, interTokenMs: 0, tokens: 20 });
const mf = new Miniflare(convertV4MiniflareOptions({ host: '127.0.0.1', port: 0, handleStructuredLogs: () => {},
  workers: [{ compatibilityDate: '2026-08-01', modules: true, scriptPath: '/work/main/.build/exp/w.js', bindings: { UPSTREAM: `${sim.url}/s/east/v1` } }] } as any));
const url = (await mf.ready).toString();
const pids = childPids(process.pid, 'workerd');
for (const mode of ['sse-native', 'sse-rs', 'sse-its', 'sse-js', 'sse-rs', 'sse-its']) {
  await sim.reset(); await sim.setFaults('east', { firstTokenMs: 0, interTokenMs: 0, tokens: 20 });
  const c0 = totalCpuMs(pids);
  const r: any = await autocannon({ url: `${url}?mode=${mode}`, method: 'POST', connections: 8, duration: 4, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sim-small', messages: [{ role: 'user', content: 'hello there' }] }) });
  const c1 = totalCpuMs(pids);
  console.log(mode, Math.round(r.requests.average), 'req/s', ((c1 - c0) / r['2xx']).toFixed(2), 'ms cpu/req', r.non2xx);
}
await mf.dispose(); await sim.close();
