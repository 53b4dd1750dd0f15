// Reads a V8 CPU profile (the `Profiler.stop` result) of the gateway's isolate: self time per
// function and per source file, with bundle positions mapped back to `src/**` through the bundle's
// source map (or, without one, through the `// src/…` comments esbuild leaves before each module).
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';

export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based */
  lineNumber: number;
  /** 0-based */
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
  /** 1-based lines of the node's own script, with the samples that landed on each. */
  positionTicks?: Array<{ line: number; ticks: number }>;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  /** µs since the previous sample (the first: since startTime). */
  timeDeltas?: number[];
}

/** Where a bundle position came from. */
export interface Origin {
  /** `src/app.ts`, `node_modules/hono/dist/hono-base.js`, … */
  file: string;
  /** 1-based; undefined when only the file is known. */
  line?: number;
}

/** Maps 0-based positions in the bundle to their sources. */
export class BundleMapper {
  readonly #lines: string[];
  readonly #map: SourceMap | undefined;
  /** Without a map: the `// path` comment lines esbuild puts before each module, ascending. */
  readonly #markers: Array<{ line: number; file: string }> = [];

  constructor(bundle: string, map: SourceMapPayload | undefined) {
    this.#lines = bundle.split('\n');
    this.#map = map ? new SourceMap(map) : undefined;
    if (!this.#map) {
      this.#lines.forEach((text, line) => {
        const m = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(text);
        if (m) this.#markers.push({ line, file: m[1]! });
      });
    }
  }

  get hasSourceMap(): boolean {
    return this.#map !== undefined;
  }

  /** The origin of a 0-based bundle position; `column` undefined = the line's first code. */
  origin(line: number, column?: number): Origin | undefined {
    const text = this.#lines[line];
    if (text === undefined) return undefined;
    const col = column ?? text.length - text.trimStart().length;
    if (this.#map) {
      const entry = this.#map.findEntry(line, col);
      if (!('originalSource' in entry)) return undefined;
      // findEntry gives the nearest mapping at or before the position, possibly on an earlier line.
      if (entry.generatedLine !== line && column === undefined) return undefined;
      return { file: normalizeSource(entry.originalSource), line: entry.originalLine + 1 };
    }
    let lo = 0;
    let hi = this.#markers.length - 1;
    let found: { line: number; file: string } | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.#markers[mid]!.line <= line) {
        found = this.#markers[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && { file: found.file };
  }
}

/** `../../src/app.ts` (relative to the bundle's directory) → `src/app.ts`. */
function normalizeSource(source: string): string {
  const s = source.replace(/^webpack:\/\/|^file:\/\//, '');
  const i = s.search(/(^|\/)(src|node_modules)\//);
  return i < 0 ? s : s.slice(s[i] === '/' ? i + 1 : i);
}

/** `src/app.ts` stays; `node_modules/@scope/pkg/…` → `node_modules/@scope/pkg`. */
export function fileGroup(file: string): string {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  return m ? `node_modules/${m[1]}` : file;
}

export interface FunctionRow {
  name: string;
  /** `src/app.ts:42`; `(native)` for functions with no script; else the script's url and line. */
  location: string;
  group: string;
  samples: number;
  /**
   * The line with the most of this function's samples, where V8 recorded lines. For a native
   * function, the line of the JavaScript that called it.
   */
  hotLine?: { location: string; share: number };
}

export interface GroupRow {
  group: string;
  samples: number;
  /** For (runtime/native): its samples by the file of the nearest JavaScript caller. */
  callers?: Array<{ group: string; samples: number }>;
}

export interface Analysis {
  totalSamples: number;
  totalMs: number;
  /** Median gap between samples, µs. */
  medianIntervalUs: number;
  /** Samples outside JavaScript: (program), (idle), (garbage collector), (root). */
  special: Record<string, number>;
  functions: FunctionRow[];
  groups: GroupRow[];
  bundleUrl: string | undefined;
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
/** The group for samples in no script (native code, the runtime's C++). */
export const NATIVE = '(runtime/native)';
/** Bundle lines no source maps to: esbuild's helpers at the top (`__name`, `__export`, …). */
const UNMAPPED = '(bundle: esbuild helpers, unmapped)';

/**
 * Self samples per function and per file. `isBundle` says which script url is the worker's bundle
 * (its positions are mapped through `mapper`); other scripts (the runtime's own JavaScript) are
 * reported by url. Counts samples rather than summing time deltas: the gaps between samples
 * stretch while the isolate waits outside JavaScript, and would charge that wait to whatever ran
 * last.
 */
export function analyze(profile: CpuProfile, mapper: BundleMapper, isBundle: (url: string) => boolean): Analysis {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = profile.samples ?? [];
  const selfSamples = new Map<number, number>();
  for (const id of samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);

  /** The nearest ancestor (or the node itself) that runs in a script. */
  const scripted = (id: number): ProfileNode | undefined => {
    for (let n = byId.get(id); n; n = byId.get(parent.get(n.id) ?? -1)) if (n.callFrame.url) return n;
    return undefined;
  };
  const where = (url: string, line: number, column?: number): { location: string; group: string } => {
    if (!isBundle(url)) return { location: `${url}:${line + 1}`, group: `(runtime JS) ${url}` };
    const o = mapper.origin(line, column);
    if (!o) return { location: `bundle :${line + 1}`, group: UNMAPPED };
    return { location: o.line === undefined ? `${o.file} (bundle :${line + 1})` : `${o.file}:${o.line}`, group: fileGroup(o.file) };
  };

  const special: Record<string, number> = {};
  const functions = new Map<string, FunctionRow & { lineTicks: Map<string, number> }>();
  const groups = new Map<string, GroupRow & { byCaller: Map<string, number> }>();
  let bundleUrl: string | undefined;

  for (const [id, n] of selfSamples) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (!url && SPECIAL.has(functionName)) {
      special[functionName] = (special[functionName] ?? 0) + n;
      continue;
    }
    // A native function's line ticks are positions in its caller's script.
    const caller = url ? node : scripted(id);
    let location: string;
    let group: string;
    if (!url) {
      location = '(native)';
      group = NATIVE;
    } else {
      if (isBundle(url)) bundleUrl = url;
      ({ location, group } = where(url, lineNumber, columnNumber));
    }
    const name = functionName || '(anonymous)';
    const key = `${name}\0${location}`;
    const row = functions.get(key) ?? { name, location, group, samples: 0, lineTicks: new Map<string, number>() };
    row.samples += n;
    if (caller) {
      for (const { line, ticks } of node.positionTicks ?? []) {
        const at = where(caller.callFrame.url, line - 1).location;
        row.lineTicks.set(at, (row.lineTicks.get(at) ?? 0) + ticks);
      }
    }
    functions.set(key, row);
    const g = groups.get(group) ?? { group, samples: 0, byCaller: new Map<string, number>() };
    g.samples += n;
    if (group === NATIVE) {
      const from = caller ? where(caller.callFrame.url, caller.callFrame.lineNumber, caller.callFrame.columnNumber).group : '(no JavaScript caller: runtime callbacks)';
      g.byCaller.set(from, (g.byCaller.get(from) ?? 0) + n);
    }
    groups.set(group, g);
  }

  const rows: FunctionRow[] = [...functions.values()].map(({ lineTicks, ...row }) => {
    const total = [...lineTicks.values()].reduce((a, b) => a + b, 0);
    const top = [...lineTicks.entries()].sort((a, b) => b[1] - a[1])[0];
    return top && total ? { ...row, hotLine: { location: top[0], share: top[1] / total } } : row;
  });
  const groupRows: GroupRow[] = [...groups.values()].map(({ byCaller, ...g }) =>
    byCaller.size ? { ...g, callers: [...byCaller.entries()].map(([group, samples]) => ({ group, samples })).sort((a, b) => b.samples - a.samples) } : g,
  );
  const deltas = [...(profile.timeDeltas ?? [])].sort((a, b) => a - b);

  return {
    totalSamples: samples.length,
    totalMs: (profile.endTime - profile.startTime) / 1000,
    medianIntervalUs: deltas[deltas.length >> 1] ?? NaN,
    special,
    functions: rows.sort((a, b) => b.samples - a.samples),
    groups: groupRows.sort((a, b) => b.samples - a.samples),
    bundleUrl,
  };
}
