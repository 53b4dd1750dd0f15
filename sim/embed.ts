// Deterministic text embeddings for the simulated provider: a bag of normalized content words,
// hashed into a fixed number of dimensions, so paraphrases (the same content words, or their
// synonyms) land close and unrelated texts far apart. No model, no randomness: the same text
// always gives the same unit vector, and tests can compute it.
import { hash32 } from './text.ts';

/** Dimensions of every sim embedding (OpenAI's `dimensions` may ask for fewer). */
export const SIM_EMBEDDING_DIMENSIONS = 256;

/** Function words that carry no topic. Negations are kept: "not" changes what is asked. */
const STOP = new Set(
  ('a an the and or but if then so of to in on at by for from with about into over as is are was were be been being am ' +
    'do does did doing done have has had having i me my mine we us our you your yours it its this that these those there here ' +
    'what which who whom whose how why when where can could would should shall will may might must please hi hello thanks thank ' +
    'any some just also very really quite get got getting go going way ways possible somehow anyone someone something ' +
    'know tell explain need want like help let lets sure still already yet up out now currently exactly best proper properly right correct correctly ' +
    'd s m ll ve re t account app all every each different higher specific exact own else someone somebody process offer between set pass ' +
    'keep values value method make')
    .split(' '),
);

/**
 * Phrases first (longest match), then single words: each mapped to one canonical word, so the
 * common ways of saying the same thing in support and developer questions share features.
 */
const PHRASES: Array<[RegExp, string]> = [
  [/\blog(?:ging|ged)? ?in(?:to)?\b|\bsign(?:ing|ed)? ?in(?:to)?\b|\blogin\b|\bsignin\b/g, ' login '],
  [/\blog(?:ging|ged)? ?out\b|\bsign(?:ing|ed)? ?out\b|\blogout\b|\bsignout\b/g, ' logout '],
  [/\bsign(?:ing|ed)? ?up\b|\bsignup\b|\bregister\b|\bcreate an account\b|\bopen an account\b/g, ' signup '],
  [/\bset ?up\b|\bsetup\b|\bconfigure\b|\bconfiguring\b|\bconfiguration\b/g, ' setup '],
  [/\bturn(?:ing)? on\b|\bswitch(?:ing)? on\b|\bactivate\b|\benable\b/g, ' enable '],
  [/\bturn(?:ing)? off\b|\bswitch(?:ing)? off\b|\bdeactivate\b|\bdisable\b/g, ' disable '],
  [/\bget rid of\b|\bdelete\b|\berase\b|\bremove\b|\bwipe\b/g, ' remove '],
  [/\bpay(?:ing)? back\b|\bmoney back\b|\breimburse(?:ment)?\b|\brefund\b/g, ' refund '],
  [/\btwo[- ]factor(?: authentication)?\b|\b2fa\b|\bmfa\b|\bmulti[- ]factor(?: authentication)?\b/g, ' 2fa '],
  [/\bpass ?word\b|\bpasscode\b/g, ' password '],
  [/\be-?mail address\b|\bemail\b|\be-mail\b/g, ' email '],
  [/\bget a copy of\b|\ba copy of\b/g, ' download '],
  [/\broll(?:ing|ed)? back\b/g, ' restore '],
  [/\bin-flight\b|\bin flight\b/g, ' running '],
  [/\bout of memory\b|\boom\b/g, ' oom '],
  [/\bcan ?not\b|\bcan't\b|\bcannot\b|\bwon't\b|\bn't\b/g, ' not '],
];

const SYNONYMS: Record<string, string> = {
  modify: 'change', update: 'change', alter: 'change', edit: 'change', switch: 'change', swap: 'change',
  reset: 'reset', forgot: 'reset', forgotten: 'reset', forget: 'reset', lost: 'reset',
  restore: 'restore', recover: 'restore', undo: 'restore', revert: 'restore', rollback: 'restore',
  add: 'add', create: 'add', generate: 'add', new: 'add', insert: 'add', invite: 'add',
  rotate: 'rotate', regenerate: 'rotate', renew: 'rotate',
  verify: 'verify', confirm: 'verify', validate: 'verify',
  apply: 'use', enter: 'use', redeem: 'use',
  leave: 'leave', quit: 'leave', exit: 'leave',
  increase: 'increase', raise: 'increase', more: 'increase', extend: 'increase',
  history: 'history', past: 'history', previous: 'history',
  reach: 'contact', talk: 'contact', speak: 'contact', email_us: 'contact', flight: 'run',
  cancel: 'cancel', terminate: 'cancel', end: 'cancel', stop: 'cancel', unsubscribe: 'cancel',
  purchase: 'buy', order: 'buy', acquire: 'buy',
  bill: 'invoice', receipt: 'invoice', invoices: 'invoice', billing: 'invoice',
  charge: 'charge', charged: 'charge', billed: 'charge', fee: 'charge', fees: 'charge',
  price: 'cost', pricing: 'cost', costs: 'cost', expensive: 'cost', much: 'cost',
  subscription: 'plan', membership: 'plan', tier: 'plan', plans: 'plan', subscriptions: 'plan',
  error: 'error', errors: 'error', exception: 'error', failure: 'error', failing: 'error', fails: 'error', fail: 'error', failed: 'error', broken: 'error', crash: 'error', crashes: 'error', crashing: 'error',
  fix: 'fix', solve: 'fix', resolve: 'fix', repair: 'fix', troubleshoot: 'fix', debug: 'fix',
  install: 'install', installing: 'install', installation: 'install',
  upgrade: 'upgrade', upgrading: 'upgrade', migrate: 'upgrade', migrating: 'upgrade', migration: 'upgrade',
  slow: 'slow', sluggish: 'slow', laggy: 'slow', lag: 'slow', latency: 'slow', performance: 'slow',
  fast: 'speed', faster: 'speed', speed: 'speed', quicker: 'speed', quickly: 'speed', accelerate: 'speed',
  ship: 'deliver', shipping: 'deliver', delivery: 'deliver', arrive: 'deliver', arrival: 'deliver', shipped: 'deliver', receive: 'deliver', received: 'deliver',
  package: 'package', parcel: 'package', shipment: 'package', arrived: 'deliver',
  return: 'return',
  account: 'account', profile: 'account',
  username: 'username', nickname: 'username',
  contact: 'contact', support: 'support', agent: 'support', human: 'support', representative: 'support', customer: 'support', service: 'support',
  download: 'download', export: 'download', save: 'download',
  upload: 'upload', import: 'upload',
  file: 'file', files: 'file', document: 'file', documents: 'file', attachment: 'file',
  photo: 'image', picture: 'image', image: 'image', avatar: 'image',
  phone: 'phone', mobile: 'phone', cell: 'phone',
  number: 'number', numbers: 'number',
  address: 'address', location: 'address',
  shipping_address: 'address',
  teammate: 'member', colleague: 'member', member: 'member', user: 'member', users: 'member', members: 'member', seat: 'member', seats: 'member',
  team: 'workspace', workspace: 'workspace', organization: 'workspace', organisation: 'workspace', org: 'workspace', company: 'workspace',
  permission: 'permission', permissions: 'permission', access: 'permission', role: 'permission', roles: 'permission', rights: 'permission',
  notification: 'notification', notifications: 'notification', alert: 'notification', alerts: 'notification',
  key: 'key', token: 'key', credential: 'key', credentials: 'key', secret: 'key',
  limit: 'limit', limits: 'limit', quota: 'limit', cap: 'limit', throttle: 'limit', throttled: 'limit', throttling: 'limit',
  dark: 'dark', night: 'dark',
  language: 'language', locale: 'language',
  translate: 'language', translation: 'language',
  connect: 'connect', integrate: 'connect', link: 'connect', integration: 'connect', sync: 'connect', synchronize: 'connect',
  duplicate: 'copy', clone: 'copy', copy: 'copy',
  rename: 'rename',
  find: 'find', locate: 'find', see: 'find', view: 'find', show: 'find', display: 'find', check: 'find', look: 'find', where: 'find', list: 'find',
  card: 'card', debit: 'card', credit: 'card', payment: 'card',
  setting: 'setting', settings: 'setting', preference: 'setting', preferences: 'setting', option: 'setting', options: 'setting',
  open: 'run',
  discount: 'discount', coupon: 'discount', promo: 'discount', voucher: 'discount',
  trial: 'trial',
  free: 'free',
  data: 'data', information: 'data', info: 'data', details: 'data', personal: 'data',
  backup: 'backup', backups: 'backup', snapshot: 'backup', snapshots: 'backup',
  run: 'run', execute: 'run', start: 'run', launch: 'run', running: 'run',
  variable: 'variable', variables: 'variable', env: 'variable', environment: 'variable',
  deploy: 'deploy', deployment: 'deploy', publish: 'deploy', release: 'deploy',
  test: 'test', tests: 'test', testing: 'test', spec: 'test',
  branch: 'branch', branches: 'branch',
  commit: 'commit', commits: 'commit',
  merge: 'merge', combine: 'merge', join: 'merge', concatenate: 'merge',
  sort: 'sort', order_by: 'sort',
  string: 'string', text: 'string', str: 'string',
  convert: 'convert', transform: 'convert', turn: 'convert', cast: 'convert', parse: 'convert',
  array: 'list', arrays: 'list', lists: 'list',
  dictionary: 'dict', dict: 'dict', map: 'dict', hashmap: 'dict', object: 'dict',
  function: 'function', method: 'function', func: 'function',
  memory: 'memory', ram: 'memory', heap: 'memory',
  leak: 'leak', leaking: 'leak', leaks: 'leak',
  container: 'container', containers: 'container',
  image_size: 'size', size: 'size', big: 'size', large: 'size', huge: 'size', smaller: 'size', shrink: 'size', reduce: 'size',
  request: 'request', requests: 'request', call: 'request', calls: 'request',
  timeout: 'timeout', timeouts: 'timeout', timing: 'timeout',
  query: 'query', queries: 'query',
  table: 'table', tables: 'table',
  column: 'column', columns: 'column', field: 'column', fields: 'column',
  row: 'row', rows: 'row', record: 'row', records: 'row', entries: 'row', entry: 'row',
  duplicates: 'copy',
  certificate: 'certificate', cert: 'certificate', ssl: 'certificate', tls: 'certificate', https: 'certificate',
  domain: 'domain', domains: 'domain', dns: 'domain',
  port: 'port', ports: 'port',
  log: 'log', logs: 'log', logging: 'log',
  version: 'version', versions: 'version',
  mean: 'meaning', meaning: 'meaning', means: 'meaning', difference: 'difference', differ: 'difference', versus: 'difference', vs: 'difference', compare: 'difference', comparison: 'difference',
  use: 'use', using: 'use', usage: 'use', utilize: 'use',
  work: 'work', works: 'work', working: 'work', function_: 'work',
  happen: 'happen', happens: 'happen', happening: 'happen', occur: 'happen', occurs: 'happen',
  wrong: 'error', issue: 'error', issues: 'error', problem: 'error', problems: 'error', trouble: 'error', bug: 'error',
  long: 'time', take: 'time', takes: 'time', duration: 'time', time: 'time',
  days: 'day', day: 'day',
  weeks: 'week', week: 'week',
  month: 'month', monthly: 'month', months: 'month',
  year: 'year', yearly: 'year', annual: 'year', annually: 'year', years: 'year',
};

/** Crude suffix stripping (plurals, -ing, -ed, -ly): enough for "refunds"/"refund", "charged"/"charge". */
function stem(word: string): string {
  if (word.length <= 4) return word;
  if (/(?:ss|us|is)$/.test(word)) return word;
  if (/(?:sses|xes|ches|shes|zes)$/.test(word)) return word.slice(0, -2);
  for (const [suffix, keep] of [['ies', 'y'], ['ing', ''], ['edly', ''], ['ed', ''], ['ly', ''], ['s', '']] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) return word.slice(0, -suffix.length) + keep;
  }
  return word;
}

/** The text's content words: lowercased, phrases and synonyms mapped, stop words and punctuation dropped, stemmed. */
export function contentWords(text: string): string[] {
  let t = ` ${text.toLowerCase().normalize('NFKC').replace(/[’‘]/g, "'")} `;
  for (const [pattern, word] of PHRASES) t = t.replace(pattern, word);
  const out: string[] = [];
  for (const raw of t.split(/[^a-z0-9_.+#]+/)) {
    const token = raw.replace(/^[.+]+|[.+]+$/g, '');
    if (!token || STOP.has(token)) continue;
    const stemmed = stem(token);
    const mapped = SYNONYMS[token] ?? SYNONYMS[stemmed] ?? SYNONYMS[`${stemmed}e`] ?? stemmed;
    if (!STOP.has(mapped)) out.push(mapped);
  }
  return out;
}

/**
 * The embedding: each content word adds ±1 at two hashed positions (feature hashing, so collisions
 * mostly cancel), then the vector is scaled to unit length. `dimensions` below the default keeps
 * the leading ones, re-normalized (as OpenAI's shortened embeddings are).
 */
export function simEmbedding(text: string, dimensions = SIM_EMBEDDING_DIMENSIONS): number[] {
  const v = new Array<number>(SIM_EMBEDDING_DIMENSIONS).fill(0);
  for (const word of new Set(contentWords(text))) {
    for (const salt of ['a', 'b']) {
      const h = hash32(`${salt}:${word}`);
      v[h % SIM_EMBEDDING_DIMENSIONS]! += h & 0x80000000 ? -1 : 1;
    }
  }
  const out = v.slice(0, Math.max(1, Math.min(dimensions, SIM_EMBEDDING_DIMENSIONS)));
  const norm = Math.hypot(...out);
  // Nothing to embed (no content words): a fixed unit vector, far from most texts.
  if (norm === 0) return out.map((_, i) => (i === 0 ? 1 : 0));
  return out.map((x) => x / norm);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** A float vector as OpenAI's `encoding_format: "base64"` sends it: little-endian float32 bytes, base64. */
export function toBase64(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
