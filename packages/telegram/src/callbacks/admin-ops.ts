// biome-ignore lint/correctness/noUnusedImports: filled in by the feature
import { action, idArg, intArg, oneOfArg } from '../callback-args';

/** Admin bot: reports, settings, logs. Codes start with `a:r`, `a:s`, `a:l`. */
export const ADMIN_OPS_CALLBACKS = {} as const;
