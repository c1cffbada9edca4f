// biome-ignore lint/correctness/noUnusedImports: filled in by the feature
import { action, idArg, intArg, oneOfArg } from '../callback-args';

/** Admin bot: order creation wizard. Codes start with `a:n`. */
export const ADMIN_ORDER_CREATE_CALLBACKS = {} as const;
