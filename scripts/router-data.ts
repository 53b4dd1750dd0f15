// The router's labelled set as the trainer and the report read it: loading, the request each item
// stands for, its features, the deterministic train / held-out split, and the figures both print.
import { readFileSync } from 'node:fs';
import type { ChatRequest } from '../src/chat-request';
import { routeFeatures, type RouteFeatures } from '../src/routing/features';
import { fnv1a } from '../src/routing/learned';
import type { Tier } from '../src/routing/router';

export interface EvalItem {
  id: string;
  category: string;
  messages: Array<{ role: string; content: unknown }>;
  max_tokens?: number;
  tools?: unknown[];
  response_format?: Record<string, unknown>;
  small_ok: boolean;
  expected_output_tokens: number;
  note?: string;
}

export interface Prices {
  model: string;
  inputPer1M: number;
  outputPer1M: number;
}

export const ROOT = new URL('..', import.meta.url);
export const SET_PATH = new URL('eval/router-set.json', ROOT).pathname;

export function fail(message: string): never {
  console.error(`router-data: ${message}`);
  process.exit(1);
  // (Unreachable; under the unit tests' types `process.exit` is not declared `never`.)
  throw new Error(message);
}

export function loadSet(path = SET_PATH): EvalItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`cannot load ${path}: ${(err as Error).message} (run: node eval/build-router-set.ts)`);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown }).items;
  if (!Array.isArray(items) || items.length === 0) fail(`${path}: expected a non-empty "items" array`);
  items.forEach((it: Partial<EvalItem>, i) => {
    const ok =
      typeof it?.id === 'string' &&
      typeof it.category === 'string' &&
      Array.isArray(it.messages) &&
      it.messages.length > 0 &&
      typeof it.small_ok === 'boolean' &&
      typeof it.expected_output_tokens === 'number' &&
      it.expected_output_tokens >= 0;
    if (!ok) fail(`${path}: item ${i} (${String(it?.id)}) lacks id/category/messages/small_ok/expected_output_tokens`);
  });
  return items as EvalItem[];
}

export function loadPrices(): Record<Tier, Prices> {
  const path = new URL('config/demo.json', ROOT).pathname;
  let models: Array<{ id: string; tier: string; inputPer1M: number; outputPer1M: number }>;
  try {
    models = (JSON.parse(readFileSync(path, 'utf8')) as { models: typeof models }).models;
  } catch (err) {
    fail(`cannot load the catalog ${path}: ${(err as Error).message}`);
  }
  const byTier = (tier: Tier): Prices => {
    const m = models.find((x) => x.tier === tier);
    if (!m) fail(`${path}: no model with tier "${tier}"`);
    return { model: m.id, inputPer1M: m.inputPer1M, outputPer1M: m.outputPer1M };
  };
  return { small: byTier('small'), large: byTier('large') };
}

export function toRequest(it: EvalItem): ChatRequest {
  const body: Record<string, unknown> = { model: 'auto', messages: it.messages };
  if (it.max_tokens !== undefined) body.max_tokens = it.max_tokens;
  if (it.tools !== undefined) body.tools = it.tools;
  if (it.response_format !== undefined) body.response_format = it.response_format;
  return body as ChatRequest;
}

export interface Example {
  item: EvalItem;
  features: RouteFeatures;
  /** 1 when the item needs the large model. */
  y: 0 | 1;
}

export const examples = (items: readonly EvalItem[]): Example[] =>
  items.map((item) => ({ item, features: routeFeatures(toRequest(item)), y: item.small_ok ? 0 : 1 }));

/** Share of each category held out, never trained or tuned on. */
export const HELD_OUT_SHARE = 0.3;

/**
 * The split: within each category, items ordered by a hash of their id; the first 30% (rounded)
 * are held out. Deterministic, stratified, and stable as items are added (an item's side depends
 * on its id and its category's size only).
 */
export function split<T extends { item: EvalItem } | EvalItem>(rows: readonly T[]): { train: T[]; heldOut: T[] } {
  const itemOf = (r: T): EvalItem => ('item' in r ? r.item : r) as EvalItem;
  const byCategory = new Map<string, T[]>();
  for (const r of rows) byCategory.set(itemOf(r).category, [...(byCategory.get(itemOf(r).category) ?? []), r]);
  const held = new Set<string>();
  for (const rs of byCategory.values()) {
    const ordered = [...rs].sort((a, b) => fnv1a(itemOf(a).id) - fnv1a(itemOf(b).id) || (itemOf(a).id < itemOf(b).id ? -1 : 1));
    for (const r of ordered.slice(0, Math.round(rs.length * HELD_OUT_SHARE))) held.add(itemOf(r).id);
  }
  return { train: rows.filter((r) => !held.has(itemOf(r).id)), heldOut: rows.filter((r) => held.has(itemOf(r).id)) };
}

/** Cross-validation fold of a training item (by a second hash of its id). */
export const foldOf = (item: EvalItem, folds: number): number => fnv1a(`${item.id}#cv`) % folds;

export interface Figures {
  n: number;
  hard: number;
  accuracy: number;
  largeShare: number;
  /** Hard requests (labelled needs-large) sent small: the quality risk. */
  hardSentSmall: number;
  /** Small-ok requests sent large: the wasted cost. */
  wasted: number;
  /** Cost of the routed requests ÷ cost of sending all of them large. */
  costVsLarge: number;
}

export function figures(rows: ReadonlyArray<{ item: EvalItem; features: RouteFeatures; tier: Tier }>, prices: Record<Tier, Prices>): Figures {
  const cost = (r: { item: EvalItem; features: RouteFeatures }, tier: Tier) =>
    r.features.promptTokens * prices[tier].inputPer1M + r.item.expected_output_tokens * prices[tier].outputPer1M;
  const n = rows.length;
  let correct = 0, large = 0, hard = 0, risk = 0, wasted = 0, routed = 0, allLarge = 0;
  for (const r of rows) {
    const needsLarge = !r.item.small_ok;
    if (needsLarge) hard++;
    if (r.tier === 'large') large++;
    if ((r.tier === 'large') === needsLarge) correct++;
    else if (needsLarge) risk++;
    else wasted++;
    routed += cost(r, r.tier);
    allLarge += cost(r, 'large');
  }
  return { n, hard, accuracy: correct / n, largeShare: large / n, hardSentSmall: risk, wasted, costVsLarge: routed / allLarge };
}
