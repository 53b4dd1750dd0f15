// The cost benchmark as a small SVG (no library: two bar pairs and their labels), for the README.
import type { CostRun } from './cost.ts';

const W = 800;
const H = 260;

export function costChart(naive: CostRun, gw: CostRun, goal: { costRatio: number; failurePoints: number }, learned?: CostRun): string {
  const runs = [naive, gw, ...(learned ? [learned] : [])];
  const labels = ['naive', 'gateway', 'learned'];
  const panels = [
    { title: 'Cost per successful task, $ per 1,000 tasks', values: runs.map((r) => r.perSuccessfulTaskUsd * 1000), fmt: (v: number) => `$${v.toFixed(3)}`, goal: naive.perSuccessfulTaskUsd * 1000 * goal.costRatio, goalLabel: `goal ≤ ${goal.costRatio * 100}% of naive` },
    { title: 'Failed tasks (%)', values: runs.map((r) => r.failureRate * 100), fmt: (v: number) => `${v.toFixed(1)}%`, goal: naive.failureRate * 100 + goal.failurePoints, goalLabel: `goal ≤ naive + ${goal.failurePoints} pt` },
  ];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
  ];
  panels.forEach((p, i) => {
    const x0 = 20 + i * (W / 2);
    const base = H - 40;
    const top = 50;
    const max = Math.max(...p.values, p.goal) * 1.15 || 1;
    const y = (v: number) => base - ((base - top) * v) / max;
    out.push(`<text x="${x0}" y="24" font-weight="600">${p.title}</text>`);
    p.values.forEach((v, j) => {
      const bx = x0 + 20 + j * 80;
      out.push(`<rect x="${bx}" y="${y(v)}" width="60" height="${base - y(v)}" fill="${['#9aa5b1', '#2b6cb0', '#2f855a'][j]}"/>`);
      out.push(`<text x="${bx + 30}" y="${y(v) - 6}" text-anchor="middle">${p.fmt(v)}</text>`);
      out.push(`<text x="${bx + 30}" y="${base + 16}" text-anchor="middle">${labels[j]}</text>`);
    });
    out.push(`<line x1="${x0 + 20}" x2="${x0 + 255}" y1="${y(p.goal)}" y2="${y(p.goal)}" stroke="#c53030" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x0 + 262}" y="${y(p.goal) + 4}" fill="#c53030" font-size="10">${p.goalLabel}</text>`);
    out.push(`<line x1="${x0 + 20}" x2="${x0 + 255}" y1="${base}" y2="${base}" stroke="#333"/>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
