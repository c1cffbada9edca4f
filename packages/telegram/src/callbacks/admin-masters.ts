// biome-ignore lint/correctness/noUnusedImports: filled in by the feature
import { action, idArg, intArg, oneOfArg } from '../callback-args';

/** Admin bot: masters, moderation, finance, staff and access. Codes start with `a:m`, `a:f`, `a:p`. */
export const ADMIN_MASTERS_CALLBACKS = {} as const;
