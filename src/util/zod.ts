import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The Worker's zod: `zod/mini` (the tree-shakable build, a fraction of classic zod's size in the
 * bundle) with the English messages. Mini loads no locale of its own, and the 400 bodies and
 * config errors quote zod's messages, so English is set here, once, before any schema parses.
 * Import it as `import * as z from './util/zod'`, never `zod` or `zod/mini` directly: a namespace
 * import of this module lets the bundler keep only what is used (the `z` namespace object that
 * `zod/mini` exports would pull in every locale).
 */
config(en());

export * from 'zod/mini';
