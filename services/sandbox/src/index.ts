/** The sandbox: a local Bot API for both bots plus a web chat UI (see docs/sandbox.md). */
export { type SandboxConfig, sandboxSchema } from './config';
export { BOT_IDENTITIES, type Sandbox, type SandboxOptions, startSandbox } from './sandbox';
