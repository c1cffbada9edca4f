/**
 * The Docker and Compose command lines that test/containers/run.ts drives: a command runner
 * with captured output, the image builder this machine has (BuildKit when the client can use
 * it), and Compose v2 (`docker compose`) or v1.29 (`docker-compose`, Debian's package).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Return instead of throwing on a non-zero exit. */
  allowFail?: boolean;
  /** Copy the command's output to ours as it comes (long builds). */
  echo?: boolean;
  timeoutMs?: number;
}

/** Runs a command without a shell; throws with its output on a non-zero exit (unless allowFail). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.echo) process.stderr.write(d);
    });
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stderr += `\n(killed after ${opts.timeoutMs} ms)`;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code !== 0 && !opts.allowFail) {
        const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-30).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} exited ${result.code}\n${tail}`));
      } else {
        resolve(result);
      }
    });
  });
}

function executablesOnPath(name: string): string[] {
  const found: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (!found.includes(file)) found.push(file);
    } catch {
      // not here
    }
  }
  return found;
}

export interface Builder {
  /** How it is described in the output. */
  name: string;
  cmd: string;
  /** Arguments before the build's own (e.g. ['buildx', 'build', '--load']). */
  args: string[];
  env: Record<string, string>;
}

/**
 * BuildKit builds only the stages a target needs and caches across targets; the legacy builder
 * walks every stage above the target. Clients since Docker 23 need the buildx plugin for
 * BuildKit; older clients (Debian 12's docker.io, 20.10) have it built in with DOCKER_BUILDKIT=1.
 */
export async function detectBuilder(): Promise<Builder> {
  if ((await run('docker', ['buildx', 'version'], { allowFail: true })).code === 0) {
    return { name: 'BuildKit (docker buildx)', cmd: 'docker', args: ['buildx', 'build', '--load'], env: {} };
  }
  for (const docker of executablesOnPath('docker')) {
    const v = await run(docker, ['version', '--format', '{{.Client.Version}}'], { allowFail: true });
    const major = Number(/^(\d+)\./.exec(v.stdout.trim())?.[1] ?? Number.NaN);
    if (major >= 18 && major < 23) {
      return {
        name: `BuildKit (${docker} ${v.stdout.trim()}, DOCKER_BUILDKIT=1)`,
        cmd: docker,
        args: ['build'],
        env: { DOCKER_BUILDKIT: '1' },
      };
    }
  }
  return {
    name: 'legacy builder (no BuildKit client here)',
    cmd: 'docker',
    args: ['build'],
    env: { DOCKER_BUILDKIT: '0' },
  };
}

export interface ComposeOptions {
  project: string;
  files: string[];
  /** --env-file: the variables the files interpolate (instead of the project directory's .env). */
  envFile: string;
  cwd: string;
  profiles?: string[];
}

/** `docker compose` (v2) when the client has the plugin, else `docker-compose` (v1.29). */
export class Compose {
  private constructor(
    readonly version: string,
    private readonly cmd: string,
    private readonly base: string[],
    private readonly opts: ComposeOptions,
  ) {}

  static async detect(opts: ComposeOptions): Promise<Compose> {
    const flags = (envFlag: string[]) => [
      ...envFlag,
      '-p',
      opts.project,
      ...opts.files.flatMap((f) => ['-f', f]),
      ...(opts.profiles ?? []).flatMap((p) => ['--profile', p]),
    ];
    const v2 = await run('docker', ['compose', 'version', '--short'], { allowFail: true });
    if (v2.code === 0) {
      return new Compose(
        `docker compose ${v2.stdout.trim()}`,
        'docker',
        ['compose', ...flags(['--env-file', opts.envFile])],
        opts,
      );
    }
    const v1 = await run('docker-compose', ['version', '--short'], { allowFail: true }).catch(() => null);
    if (v1?.code === 0) {
      return new Compose(
        `docker-compose ${v1.stdout.trim()}`,
        'docker-compose',
        flags(['--env-file', opts.envFile]),
        opts,
      );
    }
    throw new Error('neither `docker compose` (v2) nor `docker-compose` (v1.29) is installed');
  }

  run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return run(this.cmd, [...this.base, ...args], { cwd: this.opts.cwd, ...opts });
  }

  /** Container ids of a service (all replicas, running or not). */
  async ids(service: string): Promise<string[]> {
    const { stdout } = await this.run(['ps', '-a', '-q', service]);
    return stdout.split('\n').filter(Boolean);
  }
}

export interface ContainerState {
  id: string;
  name: string;
  service: string;
  status: string;
  health: string | null;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
}

export async function inspect(ids: string[]): Promise<ContainerState[]> {
  if (ids.length === 0) return [];
  const { stdout } = await run('docker', ['inspect', ...ids]);
  interface Inspected {
    Id: string;
    Name: string;
    RestartCount?: number;
    Config?: { Labels?: Record<string, string> };
    State: {
      Status: string;
      Health?: { Status: string };
      ExitCode: number;
      StartedAt: string;
      FinishedAt: string;
    };
  }
  return (JSON.parse(stdout) as Inspected[]).map((c) => ({
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    service: c.Config?.Labels?.['com.docker.compose.service'] ?? '',
    status: c.State.Status,
    health: c.State.Health?.Status ?? null,
    exitCode: c.State.ExitCode,
    startedAt: c.State.StartedAt,
    finishedAt: c.State.FinishedAt,
    restartCount: c.RestartCount ?? 0,
  }));
}
