// `npm run contracts` end to end: the runner starts the sim (its own process) and the built worker,
// replays contracts/contracts.json and gates on the result — passing as shipped, failing (exit 1,
// naming the cases) when the sim's contractViolation fault breaks every structured answer.
import { describe, expect, it } from 'vitest';
import { judge, loadContracts, runContracts, type ContractCase } from '../scripts/contracts.ts';
import { ROOT } from './harness/paths.ts';

const CONFIG = `${ROOT}/contracts/contracts.json`;

describe('npm run contracts', () => {
  it('passes against the sim: exit 0, every case valid', async () => {
    const out: string[] = [];
    const { exitCode, results } = await runContracts({ config: CONFIG, build: false, print: (t) => out.push(t) });
    expect(exitCode).toBe(0);
    expect(results).toHaveLength(loadContracts(CONFIG).length);
    expect(results.every((r) => r.ok && r.outcome === 'valid')).toBe(true);
    expect(out.at(-1)).toMatch(/^contracts: 8 passed, 0 failed/);
  }, 60_000);

  it('fails with the violation fault: exit 1, each case named with its errors', async () => {
    const out: string[] = [];
    const { exitCode, results } = await runContracts({ config: CONFIG, build: false, simFaults: { contractViolation: true }, print: (t) => out.push(t) });
    expect(exitCode).toBe(1);
    expect(results.every((r) => !r.ok && r.outcome === 'invalid')).toBe(true);
    const report = out.join('\n');
    expect(report).toContain('| invoice-extraction | sim-small | – | invalid |');
    expect(report).toMatch(/\*\*weather-tool\*\*:\n {2}- HTTP 422 schema_violation: tool_calls\[0\]\.arguments\/city_name/);
    expect(out.at(-1)).toMatch(/^contracts: 0 passed, 8 failed/);
  }, 60_000);
});

describe('judge (pure)', () => {
  const schemaCase = loadContracts(CONFIG).find((c) => c.name === 'ticket-triage')!;
  const toolCase = loadContracts(CONFIG).find((c) => c.name === 'weather-tool')!;
  const answer = (message: object, outcome = 'valid', finish = 'stop') => ({ choices: [{ message, finish_reason: finish }], gateway: { contract: { outcome, repairs: [] } } });
  const triage = JSON.stringify({ category: 'bug', priority: 2, needs_human: true, summary: 'exports time out' });

  it('a valid answer within the accepted verdict passes; a worse verdict fails', () => {
    expect(judge(schemaCase, 200, answer({ content: triage }))).toEqual({ outcome: 'valid', ok: true, problems: [] });
    const repaired = judge(schemaCase, 200, answer({ content: triage }, 'repaired'));
    expect(repaired.ok).toBe(false);
    expect(repaired.problems).toEqual(['gateway verdict "repaired" is worse than the accepted "valid"']);
  });

  it('delivered JSON must be valid as it stands, not a refusal, and the expected tool must be called', () => {
    const fenced = judge(schemaCase, 200, answer({ content: `\`\`\`json\n${triage}\n\`\`\`` }));
    expect(fenced.problems).toEqual(['delivered JSON needs repairs (code_fence)']);
    const refused = judge(schemaCase, 200, answer({ content: null, refusal: 'no' }));
    expect(refused.problems).toEqual(['refused: no', 'no JSON content (finish_reason stop)']);
    const noCall = judge(toolCase as ContractCase, 200, answer({ content: 'It will rain.' }));
    expect(noCall.problems).toEqual(['no call to get_weather (finish_reason stop)']);
    const badArgs = judge(toolCase, 200, answer({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city_name":"Bergen"}' } }] }));
    expect(badArgs.problems[0]).toMatch(/^tool_calls\[0\]\.arguments: .*days_ahead/);
  });

  it('an error status is a violation carrying its code', () => {
    const r = judge(schemaCase, 429, { error: { code: 'rate_limit_exceeded', message: 'slow down' } });
    expect(r).toEqual({ outcome: '', ok: false, problems: ['HTTP 429 rate_limit_exceeded: slow down'] });
  });
});
