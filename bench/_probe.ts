import { spawnSim } from './sim.ts';
import { startGateway } from '../test/harness/gateway.ts';
import { TENANT_KEY, TEST_BINDINGS, testConfig } from '../test/harness/config.ts';
import { startFloor } from './floor.ts';
import { runSaturated } from './saturate.ts';
import { childPids } from './procstat.ts';
const sim = await spawnSim();
try {
  const fl = await startFloor(`${sim.url}/s/east/v1`);
  const fpids = childPids(process.pid, 'workerd');
  const gw = await startGateway(testConfig({ providerUrl: sim.url }), TEST_BINDINGS);
  const gpids = childPids(process.pid, 'workerd').filter((p) => !fpids.includes(p));
  try {
    for (const tokens of [1, 20, 100]) {
      await sim.reset();
      await sim.setFaults('east', { firstTokenMs: 0, interTokenMs: 0, tokens });
      for (const [name, url, headers, pids] of [['floor', `${fl.url}/x`, {}, fpids], ['gateway', `${gw.url}/v1/chat/completions`, { authorization: `Bearer ${TENANT_KEY}` }, gpids]] as const) {
        const r = await runSaturated({ name, url, headers }, 1, 3, { workerd: pids as number[], sim: [sim.pid], loadgen: [] });
        console.log(tokens, name, r.completed, r.rps.toFixed(0), r.latencyMs.p50.toFixed(2), JSON.stringify(Object.fromEntries(Object.entries(r.cpuMsPerReq).map(([k, v]) => [k, v.toFixed(2)]))));
      }
    }
  } finally { await gw.close(); await fl.close(); }
} finally { await sim.close(); }
