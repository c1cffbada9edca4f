/**
 * `pnpm test:containers` (scripts/test-containers.sh runs this with tsx): the real images and the
 * compose stack, end to end, on a Docker engine.
 *
 *  1. builds the migrate image and every service image of docker-compose.yml from infra/Dockerfile,
 *     and checks their hygiene (non-root, only /app/{package.json,dist,node_modules}, no dev
 *     dependencies, no secrets in `docker history` or the image's environment);
 *  2. `compose up` (project fsci, with the monitoring and client profiles) with the sandbox's Bot API as
 *     Telegram: migrate exits 0, every service becomes healthy;
 *  3. the seed path through the containers: order → push at the fake → accept → assigned;
 *  4. notifications-sender=3 and distribution-scheduler=2, 500 orders: one offer per order, one
 *     push per offer, no duplicate sends;
 *  5. another 500 orders, one sender SIGKILLed mid-burst: nothing lost (duplicates only for the
 *     sends in flight at the kill);
 *  6. every sender stopped: Prometheus' NoSenderUp reaches the staff alert chat at the fake Bot
 *     API through Alertmanager's Telegram receiver within 3 minutes, and resolves once the
 *     senders are back;
 *  7. `compose stop`: every container exits 0 within its grace period.
 * Each step's time and the image sizes are printed; containers, network and volumes are removed
 * at the end (the images stay as the next run's cache). Results: test-output/containers.json.
 *
 * The sandbox (services/sandbox, the fake Bot API of `pnpm dev`) runs here in the driver, bound
 * to the default Docker bridge's gateway address, which containers on the project network reach
 * through their own gateway. PostgreSQL and Redis are published on loopback ports for the driver.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@fs/config';
import { createDb, type Db, SettingsCache } from '@fs/db';
import { createOrder } from '@fs/dispatch';
import { createLogger } from '@fs/observability';
import { createRedis, Queues } from '@fs/queue';
import { createCity, createMaster, type FakeCall } from '@fs/testkit';
import { type Sandbox, sandboxSchema, startSandbox } from '../../services/sandbox/src';
import { offerCounts, pushCounts, seedWorld } from '../scale/cluster';
import { type Builder, Compose, detectBuilder, inspect, run } from './docker';

const ROOT = path.resolve(__dirname, '../..');
const PROJECT = 'fsci';
const TAG = 'fsci';
const REDIS_PREFIX = '{fs}';
const MASTER_TOKEN = '111111:fsci-master-bot-token';
const ADMIN_TOKEN = '222222:fsci-admin-bot-token';
const CLIENT_TOKEN = '333333:fsci-client-bot-token';
const ALERT_CHAT_ID = -1001300130013;
const NETWORK = 'fs-ci-net';
const BURST = 500;
/** The issue's bound for an alert to reach the chat. */
const ALERT_LIMIT_MS = 180_000;
/** Packages that must never be in an image (build and test tooling). */
const DEV_ONLY = [
  'typescript',
  'tsup',
  'tsx',
  'esbuild',
  'jest',
  '@swc/core',
  '@biomejs/biome',
  'playwright-core',
  '@fs/testkit',
  '@types/node',
];
/** The services docker-compose.yml builds from infra/Dockerfile (`args: { SERVICE: … }`). */
const SERVICES = [
  ...readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/SERVICE:\s*([\w-]+)/g),
].map((m) => m[1]!);
const APP_SERVICES = SERVICES;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secondsSince = (t0: number) => (performance.now() - t0) / 1000;

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await sleep(everyMs);
  }
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

// ── the run's record ────────────────────────────────────────────────────────────────────

interface StepResult {
  name: string;
  ok: boolean | null;
  seconds: number;
  detail: string;
}
const steps: StepResult[] = [];
const facts: Record<string, unknown> = {};

/** Runs a step unless an earlier one it needs failed; records its time and outcome. */
async function step(name: string, fn: () => Promise<string | undefined>, needs = true): Promise<boolean> {
  console.log(`\n── ${name}`);
  if (!needs) {
    steps.push({ name, ok: null, seconds: 0, detail: 'not run: an earlier step failed' });
    console.log('   not run: an earlier step failed');
    return false;
  }
  const t0 = performance.now();
  try {
    const detail = (await fn()) ?? '';
    steps.push({ name, ok: true, seconds: secondsSince(t0), detail });
    console.log(`   ok (${secondsSince(t0).toFixed(1)} s)${detail ? `: ${detail}` : ''}`);
    return true;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    steps.push({ name, ok: false, seconds: secondsSince(t0), detail });
    console.log(`   FAILED (${secondsSince(t0).toFixed(1)} s): ${detail}`);
    return false;
  }
}

// ── the run ─────────────────────────────────────────────────────────────────────────────

interface Env {
  compose: Compose;
  builder: Builder;
  work: string;
  secrets: string[];
  pgPassword: string;
  pgPort: number;
  redisPort: number;
  sandbox: Sandbox | null;
  db: Db | null;
  redis: ReturnType<typeof createRedis> | null;
  queues: Queues | null;
  calls: FakeCall[];
}

function image(name: string): string {
  return `field-service/${name}:${TAG}`;
}

async function buildImages(env: Env): Promise<string> {
  const logDir = path.join(ROOT, 'test-output/containers');
  mkdirSync(logDir, { recursive: true });
  const targets = [
    { name: 'migrate', args: ['--target', 'migrate'] },
    ...SERVICES.map((s) => ({ name: s, args: ['--target', 'service', '--build-arg', `SERVICE=${s}`] })),
  ];
  const times: Record<string, number> = {};
  for (const t of targets) {
    const t0 = performance.now();
    const progress = env.builder.env.DOCKER_BUILDKIT === '0' ? [] : ['--progress=plain'];
    const result = await run(
      env.builder.cmd,
      [
        ...env.builder.args,
        ...progress,
        '-f',
        'infra/Dockerfile',
        // No NAT for bridge containers when dockerd runs with --iptables=false; harmless elsewhere.
        '--network',
        'host',
        ...t.args,
        '-t',
        image(t.name),
        '.',
      ],
      { cwd: ROOT, env: env.builder.env, allowFail: true },
    );
    writeFileSync(path.join(logDir, `build-${t.name}.log`), result.stdout + result.stderr);
    if (result.code !== 0) {
      const tail = (result.stdout + result.stderr).trim().split('\n').slice(-40).join('\n');
      throw new Error(`build of ${t.name} failed (log: test-output/containers/build-${t.name}.log)\n${tail}`);
    }
    times[t.name] = secondsSince(t0);
    console.log(`   ${image(t.name)}: ${times[t.name]!.toFixed(1)} s`);
  }
  facts.buildSeconds = times;
  return `${targets.length} images with ${env.builder.name}`;
}

/** What an image holds, read by its own node: the checks of the issue's "image hygiene". */
const INSPECT_APP = `
const fs = require('fs'), path = require('path');
function size(p) { const s = fs.lstatSync(p); return s.isDirectory() ? fs.readdirSync(p).reduce((n, f) => n + size(path.join(p, f)), 0) : s.size; }
const names = new Set(), files = [];
function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) {
      const pkg = path.join(p, 'package.json');
      if (p.includes('node_modules') && fs.existsSync(pkg)) { try { names.add(JSON.parse(fs.readFileSync(pkg, 'utf8')).name); } catch {} }
      walk(p);
    } else files.push(p);
  }
}
walk('/app');
console.log(JSON.stringify({
  uid: process.getuid(), node: process.version, app: fs.readdirSync('/app').sort(),
  distBytes: fs.readdirSync('/app').filter((f) => f !== 'node_modules').reduce((n, f) => n + size(path.join('/app', f)), 0),
  modulesBytes: fs.existsSync('/app/node_modules') ? size('/app/node_modules') : 0,
  packages: [...names].sort(),
  suspicious: files.filter((f) => /(^|\\/)\\.env|\\.test\\.|\\/src\\/|\\.ts$/.test(f) && !f.endsWith('.d.ts')).slice(0, 20),
}));
`;

async function checkImages(env: Env): Promise<string> {
  const sizes: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of ['migrate', ...SERVICES]) {
    const ref = image(name);
    const [meta] = JSON.parse((await run('docker', ['image', 'inspect', ref])).stdout) as Array<{
      Size: number;
      Config: { User: string; Env: string[] };
    }>;
    const history = (await run('docker', ['history', '--no-trunc', '--format', '{{.CreatedBy}}', ref]))
      .stdout;
    const inside = JSON.parse(
      (
        await run('docker', [
          'run',
          '--rm',
          '--network',
          'none',
          '--entrypoint',
          'node',
          ref,
          '-e',
          INSPECT_APP,
        ])
      ).stdout,
    ) as {
      uid: number;
      node: string;
      app: string[];
      distBytes: number;
      modulesBytes: number;
      packages: string[];
      suspicious: string[];
    };
    const mb = (n: number) => Math.round((n / 1e6) * 10) / 10;
    sizes[name] = {
      imageMB: mb(meta!.Size),
      distMB: mb(inside.distBytes),
      nodeModulesMB: mb(inside.modulesBytes),
      packages: inside.packages.length,
      node: inside.node,
    };
    console.log(
      `   ${ref}: ${mb(meta!.Size)} MB (node ${inside.node}; app ${mb(inside.distBytes)} MB, node_modules ${mb(inside.modulesBytes)} MB: ${inside.packages.join(' ') || 'none'})`,
    );
    if (meta!.Config.User !== 'node' || inside.uid !== 1000)
      problems.push(`${name}: runs as ${meta!.Config.User || 'root'} (uid ${inside.uid}), not node (1000)`);
    const allowed = name === 'migrate' ? null : ['dist', 'node_modules', 'package.json'];
    if (allowed && inside.app.some((f) => !allowed.includes(f)))
      problems.push(`${name}: /app holds ${inside.app.join(', ')} (only ${allowed.join(', ')} belong there)`);
    const dev = inside.packages.filter((p) => DEV_ONLY.includes(p));
    if (dev.length > 0) problems.push(`${name}: dev dependencies in the image: ${dev.join(', ')}`);
    if (inside.suspicious.length > 0)
      problems.push(`${name}: files that do not belong in an image: ${inside.suspicious.join(', ')}`);
    const leaked = env.secrets.filter(
      (s) => history.includes(s) || meta!.Config.Env.some((e) => e.includes(s)),
    );
    if (leaked.length > 0)
      problems.push(`${name}: a secret of this run is in docker history or the image env`);
    if (/_authToken|_password|NPM_CONFIG_|NODE_EXTRA_CA_CERTS/i.test(history))
      problems.push(`${name}: registry settings in docker history`);
    const secretEnv = meta!.Config.Env.filter((e) => /TOKEN|PASSWORD|SECRET/i.test(e.split('=')[0]!));
    if (secretEnv.length > 0)
      problems.push(`${name}: secret-looking variables in the image: ${secretEnv.join(', ')}`);
  }
  facts.images = sizes;
  check(problems.length === 0, problems.join('\n'));
  return 'non-root, only production modules, no secrets in history or env';
}

async function startSandboxForContainers(env: Env): Promise<string> {
  // The project's network, made here so its gateway is known before anything starts.
  await run('docker', ['network', 'rm', NETWORK], { allowFail: true });
  await run('docker', ['network', 'create', '--label', 'org.field-service.ci=1', NETWORK]);
  const gateway = (
    await run('docker', [
      'network',
      'inspect',
      NETWORK,
      '--format',
      '{{range .IPAM.Config}}{{.Gateway}}{{end}}',
    ])
  ).stdout.trim();
  check(/^\d+\.\d+\.\d+\.\d+$/.test(gateway), `no gateway address on network ${NETWORK} (got "${gateway}")`);
  // The sandbox's people come from the database; it needs one only for its web chat.
  const config = parseConfig('sandbox', sandboxSchema, {
    DATABASE_URL: `postgres://postgres:${env.pgPassword}@127.0.0.1:${env.pgPort}/field_service`,
    MASTER_BOT_TOKEN: MASTER_TOKEN,
    ADMIN_BOT_TOKEN: ADMIN_TOKEN,
    CLIENT_BOT_TOKEN: CLIENT_TOKEN,
    LOG_LEVEL: 'silent',
    SANDBOX_API_PORT: '0',
    SANDBOX_SMS_PORT: '0',
    SANDBOX_WEB_PORT: '0',
  });
  env.sandbox = await startSandbox(config, {
    apiHost: gateway,
    logger: createLogger({ service: 'sandbox', level: 'silent', pretty: false }),
  });
  env.sandbox.fake.onCall((call) => env.calls.push(call));
  return `fake Bot API at ${env.sandbox.apiRoot}`;
}

function writeConfigs(env: Env): { envFile: string; promDir: string; amDir: string } {
  const envFile = path.join(env.work, 'fsci.env');
  const promDir = path.join(env.work, 'prometheus');
  const amDir = path.join(env.work, 'alertmanager');
  // Variables for the compose files' interpolation and, through env_file, for the services.
  const vars: Record<string, string> = {
    FS_ENV_FILE: envFile,
    TAG,
    POSTGRES_PASSWORD: env.pgPassword,
    FS_CI_PG_PORT: String(env.pgPort),
    FS_CI_REDIS_PORT: String(env.redisPort),
    FS_CI_PROMETHEUS_DIR: promDir,
    FS_CI_ALERTMANAGER_DIR: amDir,
    FS_CI_NETWORK: NETWORK,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    REDIS_PREFIX,
    TELEGRAM_API_ROOT: env.sandbox!.apiRoot,
    MASTER_BOT_TOKEN: MASTER_TOKEN,
    ADMIN_BOT_TOKEN: ADMIN_TOKEN,
    CLIENT_BOT_TOKEN: CLIENT_TOKEN,
    BOT_MODE: 'polling',
    ALERTS_TELEGRAM_CHAT_ID: String(ALERT_CHAT_ID),
    DATABASE_POOL_SIZE: '5',
    SETTINGS_CACHE_MS: '1000',
    OUTBOX_RELAY_INTERVAL_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    // 100 pushes/s in total: a 500-order burst lasts long enough to kill a sender in the middle.
    SENDER_RATE_PER_SECOND: '100',
    SENDER_PER_CHAT_INTERVAL_MS: '0',
  };
  writeFileSync(
    envFile,
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );

  // Test-only monitoring config: the production files with shorter intervals and `for:`.
  mkdirSync(promDir);
  const prom = readFileSync(path.join(ROOT, 'infra/prometheus/prometheus.yml'), 'utf8')
    .replace(/(scrape_interval|evaluation_interval|refresh_interval): \d+[sm]/g, '$1: 5s')
    .replace(/scrape_timeout: \d+[sm]/, 'scrape_timeout: 4s');
  writeFileSync(path.join(promDir, 'prometheus.yml'), prom);
  const rules = readFileSync(path.join(ROOT, 'infra/prometheus/alerts.yml'), 'utf8').replace(
    /^(\s+for:) \d+[smh]$/gm,
    '$1 10s',
  );
  check(rules.includes('for: 10s'), 'alerts.yml: no `for:` to shorten');
  writeFileSync(path.join(promDir, 'alerts.yml'), rules);
  mkdirSync(amDir);
  cpSync(path.join(ROOT, 'infra/alertmanager'), amDir, { recursive: true });
  const am = readFileSync(path.join(amDir, 'alertmanager.yml'), 'utf8')
    .replace(/group_wait: \S+/, 'group_wait: 5s')
    .replace(/group_interval: \S+/, 'group_interval: 10s');
  check(
    am.includes('group_wait: 5s') && am.includes('group_interval: 10s'),
    'alertmanager.yml: no group timings',
  );
  writeFileSync(path.join(amDir, 'alertmanager.yml'), am);
  return { envFile, promDir, amDir };
}

async function states(env: Env, services: string[]) {
  const ids = (await Promise.all(services.map((s) => env.compose.ids(s)))).flat();
  return inspect(ids);
}

async function logsOf(env: Env, service: string): Promise<string> {
  const r = await env.compose.run(['logs', '--no-color', '--tail', '40', service], { allowFail: true });
  return r.stdout.slice(-4000);
}

async function waitHealthy(env: Env, expect: Record<string, number>, timeoutMs: number): Promise<void> {
  await waitUntil(
    `healthy: ${Object.entries(expect)
      .map(([s, n]) => `${s}×${n}`)
      .join(', ')}`,
    async () => {
      const all = await states(env, Object.keys(expect));
      for (const c of all) {
        if (c.status === 'exited' || c.status === 'dead') {
          throw new Error(`${c.name} exited with ${c.exitCode}\n${await logsOf(env, c.service)}`);
        }
      }
      return Object.entries(expect).every(
        ([s, n]) =>
          all.filter(
            (c) =>
              c.service === s &&
              c.status === 'running' &&
              c.health !== 'starting' &&
              c.health !== 'unhealthy',
          ).length === n,
      );
    },
    timeoutMs,
    1000,
  ).catch(async (err) => {
    const all = await states(env, Object.keys(expect));
    throw new Error(
      `${err.message}\n${all.map((c) => `${c.name}: ${c.status} ${c.health ?? ''}`).join('\n')}`,
    );
  });
}

async function composeUp(env: Env): Promise<string> {
  await env.compose.run(['up', '-d', '--no-build'], { timeoutMs: 600_000 });
  const migrate = await waitUntil(
    'migrate to exit',
    async () => {
      const [c] = await states(env, ['migrate']);
      return c && c.status === 'exited' ? c : null;
    },
    240_000,
    1000,
  );
  check(migrate.exitCode === 0, `migrate exited ${migrate.exitCode}\n${await logsOf(env, 'migrate')}`);
  const t0 = performance.now();
  await waitHealthy(
    env,
    Object.fromEntries(
      ['postgres', 'redis', ...APP_SERVICES, 'prometheus', 'alertmanager'].map((s) => [s, 1]),
    ),
    240_000,
  );
  facts.healthyAfterMigrateSeconds = secondsSince(t0);
  return `migrate exited 0; ${APP_SERVICES.length} services healthy`;
}

async function connectDriver(env: Env): Promise<void> {
  env.db = createDb(`postgres://postgres:${env.pgPassword}@127.0.0.1:${env.pgPort}/field_service`, {
    poolSize: 4,
    applicationName: 'test-containers',
  });
  env.redis = createRedis(`redis://127.0.0.1:${env.redisPort}`);
  env.queues = new Queues({ connection: env.redis, prefix: REDIS_PREFIX });
}

const isPushTo = (chatId: number, orderId: number) => (c: FakeCall) =>
  c.token === MASTER_TOKEN &&
  c.method === 'sendMessage' &&
  Number(c.params.chat_id) === chatId &&
  String(c.params.text).includes(`Новый заказ #${orderId}`);

async function seedPath(env: Env): Promise<string> {
  const db = env.db!;
  const fake = env.sandbox!.fake;
  const { city, districts } = await createCity(db, {
    name: 'Контейнерск',
    timezone: 'Asia/Novosibirsk',
    districts: ['Центральный'],
    workingHoursStart: '00:00',
    workingHoursEnd: '00:00',
  });
  const master = await createMaster(db, {
    cityId: city.id,
    districtIds: [districts[0]!.id],
    skills: ['plumbing'],
  });
  const t0 = performance.now();
  const { orderId, status } = await createOrder(
    {
      db,
      queues: env.queues!,
      settings: new SettingsCache(db, 0),
      logger: createLogger({ service: 'test-containers', level: 'silent', pretty: false }),
    },
    {
      cityId: city.id,
      districtId: districts[0]!.id,
      street: 'Ленина',
      house: '1',
      clientName: 'Анна',
      clientPhone: '+79990001122',
      category: 'plumbing',
      description: 'Течёт кран',
    },
  );
  check(status === 'searching', `the order is ${status}, not searching`);
  const push = await fake.waitFor(isPushTo(master.tg_user_id, orderId), 60_000);
  const pushSeconds = secondsSince(t0);
  const markup = push.params.reply_markup;
  const keyboard = (typeof markup === 'string' ? JSON.parse(markup) : markup) as {
    inline_keyboard: { text: string; callback_data: string }[][];
  };
  const accept = keyboard.inline_keyboard.flat().find((b) => b.text === '✅ Принять');
  check(accept, 'the push has no ✅ Принять button');
  const messageId = (push.response as { result: { message_id: number } }).result.message_id;
  await fake.userPressesButton(
    MASTER_TOKEN,
    { id: master.tg_user_id, first_name: 'Мастер' },
    { messageId, data: accept.callback_data },
  );
  const order = await waitUntil(
    'the order to be assigned',
    async () => {
      const o = await db
        .selectFrom('orders')
        .select(['status', 'assigned_master_id'])
        .where('id', '=', orderId)
        .executeTakeFirstOrThrow();
      return o.status === 'assigned' ? o : null;
    },
    60_000,
  );
  check(
    order.assigned_master_id === master.id,
    `assigned to master ${order.assigned_master_id}, not ${master.id}`,
  );
  facts.seedPath = { orderId, pushSeconds, assignedSeconds: secondsSince(t0) };
  return `order #${orderId}: push after ${pushSeconds.toFixed(1)} s, assigned after ${secondsSince(t0).toFixed(1)} s`;
}

async function burst(env: Env): Promise<{ orders: number[]; set: Set<number> }> {
  const orders = await seedWorld(env.db!, 5, 100, BURST);
  return { orders, set: new Set(orders) };
}

async function waitBurstDone(env: Env, set: Set<number>, timeoutMs: number): Promise<void> {
  await waitUntil(
    `all ${set.size} pushes delivered`,
    async () => {
      const { unsent } = await offerCounts(env.db!);
      return unsent === 0 && pushCounts(env.calls, set).perPush.size === set.size;
    },
    timeoutMs,
    1000,
  ).catch(async (err) => {
    throw new Error(
      `${err.message}: ${JSON.stringify(await offerCounts(env.db!))}, ${pushCounts(env.calls, set).perPush.size} at the fake`,
    );
  });
}

/** Each duplicated push: chat, order and when Telegram got each copy (ms after the first). */
function describeDuplicates(env: Env, perPush: Map<string, number>): string {
  const dups = [...perPush].filter(([, n]) => n > 1).map(([key]) => key);
  return dups
    .slice(0, 10)
    .map((key) => {
      const [chat, order] = key.split(':');
      const at = env.calls
        .filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === chat)
        .filter((c) => String(c.params.text).includes(`Новый заказ #${order}`))
        .map((c) => c.at);
      return `chat ${chat} order #${order} at +${at.map((t) => t - at[0]!).join(', +')} ms`;
    })
    .join('; ');
}

async function scaleAndBurst(env: Env): Promise<string> {
  await env.compose.run(
    [
      'up',
      '-d',
      '--no-build',
      '--no-recreate',
      '--scale',
      'notifications-sender=3',
      '--scale',
      'distribution-scheduler=2',
    ],
    { timeoutMs: 300_000 },
  );
  await waitHealthy(env, { 'notifications-sender': 3, 'distribution-scheduler': 2 }, 240_000);
  const { orders, set } = await burst(env);
  const t0 = performance.now();
  await env.queues!.wakeOrders(orders, 'created');
  await waitBurstDone(env, set, 300_000);
  const seconds = secondsSince(t0);
  const counts = await offerCounts(env.db!);
  const sent = pushCounts(env.calls, set);
  facts.scale = {
    orders: BURST,
    seconds,
    ordersPerSecond: BURST / seconds,
    ...counts,
    ...sent,
    perPush: undefined,
  };
  check(counts.doubleOffers === 0, `${counts.doubleOffers} orders got more than one offer`);
  check(counts.repeatedMasterOffers === 0, `${counts.repeatedMasterOffers} repeated offers to one master`);
  check(
    sent.duplicateSends === 0,
    `${sent.duplicateSends} pushes were sent twice: ${describeDuplicates(env, sent.perPush)}`,
  );
  check(sent.pushes === BURST, `${sent.pushes} pushes for ${BURST} orders`);
  return `${BURST} orders in ${seconds.toFixed(1)} s (${(BURST / seconds).toFixed(0)}/s, SENDER_RATE_PER_SECOND=100): 0 double offers, 0 duplicate sends`;
}

async function sigkillSender(env: Env): Promise<string> {
  const { orders, set } = await burst(env);
  const senders = await states(env, ['notifications-sender']);
  check(senders.length === 3, `${senders.length} sender containers, expected 3`);
  const victim = senders[1]!;
  await env.queues!.wakeOrders(orders, 'created');
  await waitUntil(
    'a fifth of the burst delivered',
    async () => pushCounts(env.calls, set).perPush.size >= BURST / 5,
    120_000,
    50,
  );
  await run('docker', ['kill', '--signal', 'KILL', victim.id]);
  const killedAt = performance.now();
  const deliveredAtKill = pushCounts(env.calls, set).perPush.size;
  // Everything any replica held at the kill: an upper bound of the victim's sends in flight.
  const activeAtKill = await env.queues!.notifyMaster.getActiveCount();
  check(
    deliveredAtKill < BURST - 50,
    `the kill came too late (${deliveredAtKill} of ${BURST} already delivered)`,
  );
  const [dead] = await inspect([victim.id]);
  check(
    dead!.status === 'exited' && dead!.exitCode === 137,
    `${victim.name} is ${dead!.status} (${dead!.exitCode})`,
  );
  // The dead worker's jobs come back after BullMQ's lock (30 s) and stalled check (30 s).
  await waitBurstDone(env, set, 240_000);
  const recovered = secondsSince(killedAt);
  const counts = await offerCounts(env.db!);
  const sent = pushCounts(env.calls, set);
  facts.sigkill = {
    victim: victim.name,
    deliveredAtKill,
    activeAtKill,
    recoveredSeconds: recovered,
    ...counts,
    duplicateSends: sent.duplicateSends,
  };
  check(counts.doubleOffers === 0, `${counts.doubleOffers} orders got more than one offer`);
  check(
    sent.duplicateSends <= activeAtKill,
    `${sent.duplicateSends} duplicate sends, more than the ${activeAtKill} jobs in flight at the kill`,
  );
  return `${victim.name} killed after ${deliveredAtKill}/${BURST}; all ${BURST} delivered ${recovered.toFixed(1)} s later, ${sent.duplicateSends} duplicates (≤ ${activeAtKill} in flight)`;
}

const isAlert = (title: string, after: number) => (c: FakeCall) =>
  c.token === ADMIN_TOKEN &&
  c.method === 'sendMessage' &&
  Number(c.params.chat_id) === ALERT_CHAT_ID &&
  c.at > after &&
  String(c.params.text).includes(title) &&
  c.response?.ok === true;

async function alertReachesChat(env: Env): Promise<string> {
  const fake = env.sandbox!.fake;
  const running = (await states(env, ['notifications-sender'])).filter((c) => c.status === 'running');
  const stoppedAt = Date.now();
  await env.compose.run(['stop', 'notifications-sender'], { timeoutMs: 120_000 });
  const stopped = await inspect(running.map((c) => c.id));
  check(
    stopped.every((c) => c.status === 'exited' && c.exitCode === 0),
    `senders not stopped cleanly: ${stopped.map((c) => `${c.name} ${c.status} ${c.exitCode}`).join(', ')}`,
  );
  const firing = await fake.waitFor(isAlert('Тревога: NoSenderUp', stoppedAt), ALERT_LIMIT_MS).catch(() => {
    throw new Error(`no NoSenderUp alert in chat ${ALERT_CHAT_ID} within ${ALERT_LIMIT_MS / 1000} s`);
  });
  const firingSeconds = (firing.at - stoppedAt) / 1000;
  const startedAt = Date.now();
  await env.compose.run(['start', 'notifications-sender'], { timeoutMs: 120_000 });
  const resolved = await fake.waitFor(isAlert('Отбой: NoSenderUp', startedAt), ALERT_LIMIT_MS).catch(() => {
    throw new Error(`NoSenderUp not resolved in chat ${ALERT_CHAT_ID} within ${ALERT_LIMIT_MS / 1000} s`);
  });
  const resolvedSeconds = (resolved.at - startedAt) / 1000;
  facts.alert = {
    firingSeconds,
    resolvedSeconds,
    firingText: firing.params.text,
    resolvedText: resolved.params.text,
  };
  console.log(`   the chat got:\n${String(firing.params.text).replace(/^/gm, '     | ')}`);
  return `NoSenderUp in the alert chat ${firingSeconds.toFixed(0)} s after the stop, resolved ${resolvedSeconds.toFixed(0)} s after the start`;
}

async function disconnectDriver(env: Env): Promise<void> {
  await env.queues?.close().catch(() => {});
  env.redis?.disconnect();
  await env.db?.destroy().catch(() => {});
  env.queues = null;
  env.redis = null;
  env.db = null;
}

async function cleanStop(env: Env): Promise<string> {
  // The driver lets go first: its connections must not see PostgreSQL and Redis go away.
  await disconnectDriver(env);
  const all = await states(env, [
    'postgres',
    'redis',
    'migrate',
    ...APP_SERVICES,
    'prometheus',
    'alertmanager',
  ]);
  const stopAt = Date.now();
  await env.compose.run(['stop'], { timeoutMs: 180_000 });
  const after = await inspect(all.map((c) => c.id));
  const slowest = Math.max(...after.map((c) => (Date.parse(c.finishedAt) - stopAt) / 1000));
  const bad = after.filter((c) => c.status !== 'exited' || c.exitCode !== 0);
  facts.stop = {
    seconds: (Date.now() - stopAt) / 1000,
    slowestExitSeconds: slowest,
    containers: after.length,
  };
  check(
    bad.length === 0,
    `not a clean exit: ${bad.map((c) => `${c.name} ${c.status} ${c.exitCode}`).join(', ')}`,
  );
  // Every service's grace period is 30 s (stop_grace_period); a SIGKILL after it would be exit 137.
  return `${after.length} containers exited 0; the slowest after ${slowest.toFixed(1)} s (grace 30 s)`;
}

async function cleanup(env: Env): Promise<void> {
  await disconnectDriver(env);
  // Every container's log, for a failure's post-mortem (the stack is removed next).
  const logs = await env.compose.run(['logs', '--no-color', '--timestamps'], {
    allowFail: true,
    timeoutMs: 120_000,
  });
  writeFileSync(path.join(ROOT, 'test-output/containers/compose.log'), logs.stdout + logs.stderr);
  await env.compose.run(['down', '-v', '--remove-orphans'], { allowFail: true, timeoutMs: 180_000 });
  await env.sandbox?.stop().catch(() => {});
  await run('docker', ['network', 'rm', NETWORK], { allowFail: true });
  rmSync(env.work, { recursive: true, force: true });
}

async function main(): Promise<number> {
  const started = performance.now();
  const work = mkdtempSync(path.join(tmpdir(), 'fs-ci-containers-'));
  const pgPassword = randomBytes(12).toString('hex');
  const env: Env = {
    compose: null as unknown as Compose,
    builder: await detectBuilder(),
    work,
    secrets: [pgPassword, MASTER_TOKEN, ADMIN_TOKEN],
    pgPassword,
    pgPort: await freePort(),
    redisPort: await freePort(),
    sandbox: null,
    db: null,
    redis: null,
    queues: null,
    calls: [],
  };
  console.log(`cat /proc/loadavg: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  try {
    const built = await step('build the images', () => buildImages(env));
    const clean = await step('image hygiene and sizes', () => checkImages(env), built);
    const sandboxUp = await step('sandbox Bot API for the containers', () => startSandboxForContainers(env));
    let up = false;
    if (built && sandboxUp) {
      const { envFile } = writeConfigs(env);
      env.compose = await Compose.detect({
        project: PROJECT,
        files: [path.join(ROOT, 'docker-compose.yml'), path.join(ROOT, 'test/containers/compose.test.yml')],
        envFile,
        cwd: ROOT,
        // Every service docker-compose.yml builds runs here: the client bot is behind its profile.
        profiles: ['monitoring', 'client'],
      });
      console.log(`   compose: ${env.compose.version}`);
      await env.compose.run(['down', '-v', '--remove-orphans'], { allowFail: true });
      up = await step('compose up: migrate exits 0, every service healthy', () => composeUp(env));
      if (up) await connectDriver(env);
    } else {
      await step('compose up: migrate exits 0, every service healthy', async () => undefined, false);
    }
    const seeded = await step('seed path through the containers', () => seedPath(env), up);
    const scaled = await step(`sender×3 + scheduler×2, ${BURST} orders`, () => scaleAndBurst(env), seeded);
    await step(`SIGKILL a sender mid-burst (${BURST} orders)`, () => sigkillSender(env), scaled);
    await step('alert: NoSenderUp reaches the staff chat and resolves', () => alertReachesChat(env), up);
    await step('clean stop: every container exits 0 within its grace period', () => cleanStop(env), up);
    void clean;
  } finally {
    const t0 = performance.now();
    if (env.compose) await cleanup(env);
    else {
      await run('docker', ['network', 'rm', NETWORK], { allowFail: true });
      rmSync(work, { recursive: true, force: true });
    }
    await env.sandbox?.stop().catch(() => {});
    facts.cleanupSeconds = secondsSince(t0);
  }
  facts.totalSeconds = secondsSince(started);
  facts.loadavg = readFileSync('/proc/loadavg', 'utf8').trim();
  facts.builder = env.builder.name;
  facts.compose = env.compose?.version;
  facts.steps = steps;
  mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
  writeFileSync(path.join(ROOT, 'test-output/containers.json'), `${JSON.stringify(facts, null, 2)}\n`);

  console.log('\n── summary (test-output/containers.json)');
  for (const s of steps) {
    const result = s.ok === null ? 'not run' : s.ok ? 'ok' : 'FAILED';
    console.log(`   ${result.padEnd(8)} ${s.seconds.toFixed(1).padStart(7)} s  ${s.name}`);
  }
  console.log(
    `   cleanup ${Number(facts.cleanupSeconds).toFixed(1)} s, total ${Number(facts.totalSeconds).toFixed(1)} s; loadavg ${facts.loadavg}`,
  );
  const passed = steps.filter((s) => s.ok === true).length;
  const failed = steps.length - passed;
  console.log(`containers: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
