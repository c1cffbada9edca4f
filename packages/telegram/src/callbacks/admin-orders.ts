// biome-ignore lint/correctness/noUnusedImports: filled in by the feature
import { action, idArg, intArg, oneOfArg } from '../callback-args';

/** Admin bot: order queue, filters, search, order card and its actions. Codes start with `a:q`. */
export const ADMIN_ORDERS_CALLBACKS = {} as const;
