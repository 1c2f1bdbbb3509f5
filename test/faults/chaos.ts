import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/test-stack';

const run = promisify(execFile);

export const SERVICES = ['api-gateway', 'query', 'writer', 'delivery', 'jobs'] as const;
export type Service = (typeof SERVICES)[number];
/** A service's process: `query` is replica 1, `query.2` replica 2 (deploy/local/stack.sh names them so). */
export type Instance = string;

export function instancesOf(service: Service, replicas: number): Instance[] {
  return Array.from({ length: replicas }, (_, i) => (i === 0 ? service : `${service}.${i + 1}`));
}

/**
 * Seeded PRNG (mulberry32): a failing run is replayed with the seed it printed. (The demo seeder has the same
 * few lines; the e2e project may not import outside itself.)
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Drives the stack's processes: SIGKILL and restart services, the broker and the database. */
export class Chaos {
  readonly counts = {
    kills: 0,
    sigterms: 0,
    pauses: 0,
    rebalances: 0,
    scalings: 0,
    live_writes: 0,
    live_deletes: 0,
    broker_restarts: 0,
    database_restarts: 0,
    destination_outages: 0,
    disk_fulls: 0,
  };
  /** What was done, in order, with milliseconds since the run started: printed with the run for replays. */
  readonly events: string[] = [];
  private readonly started = Date.now();

  private note(event: string): void {
    this.events.push(`${Date.now() - this.started}ms ${event}`);
  }

  constructor(private readonly env: Record<string, string>) {}

  private async stack(...args: string[]): Promise<void> {
    await run('bash', ['deploy/local/stack.sh', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      timeout: 180_000,
    });
  }

  private async destinations(...args: string[]): Promise<void> {
    await run('bash', ['deploy/local/test-destinations.sh', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      timeout: 60_000,
    });
  }

  /** SIGKILL the services, wait, start them again (each waits for its readiness probe). */
  async killAndRestart(services: Instance[], downMs: number): Promise<void> {
    for (const service of services) await this.stack('kill', service);
    this.counts.kills += services.length;
    this.note(`SIGKILL ${services.join('+')} for ${Math.round(downMs)}ms`);
    await sleep(downMs);
    for (const service of services) await this.stack('start-service', service);
  }

  /**
   * A rolling deploy: every replica of the service gets SIGTERM (the stack allows 10 s before SIGKILL, as a short
   * terminationGracePeriod would) and is started again before the next one stops. Each stop is a rebalance.
   */
  async rollingRestart(service: Service, replicas: number): Promise<void> {
    for (const instance of instancesOf(service, replicas)) {
      await this.stack('stop-service', instance);
      this.counts.sigterms += 1;
      this.counts.rebalances += 1;
      this.note(`SIGTERM ${instance} (rolling restart)`);
      await this.stack('start-service', instance);
    }
  }

  /**
   * Freezes a replica (SIGSTOP) for longer than its consumer session timeout, so its group moves its partitions to
   * another member while it holds work, then thaws it (SIGCONT): a zombie that must not write, deliver or commit
   * anything wrong when it wakes up.
   */
  async pause(instance: Instance, pausedMs: number): Promise<void> {
    await this.stack('pause', instance);
    this.counts.pauses += 1;
    this.counts.rebalances += 1;
    this.note(`SIGSTOP ${instance} for ${Math.round(pausedMs)}ms`);
    try {
      await sleep(pausedMs);
    } finally {
      await this.stack('resume', instance);
    }
  }

  /** Scales a service from two replicas to one and back (SIGTERM the second, start it again later). */
  async scaleDownAndUp(service: Service, downMs: number): Promise<void> {
    const second = instancesOf(service, 2)[1];
    await this.stack('stop-service', second);
    this.counts.scalings += 1;
    this.counts.rebalances += 2;
    this.note(`scale ${service} 2 -> 1 for ${Math.round(downMs)}ms -> 2`);
    await sleep(downMs);
    await this.stack('start-service', second);
  }

  async restartBroker(downMs: number): Promise<void> {
    await this.stack('kill', 'kafka');
    this.counts.broker_restarts += 1;
    this.note(`SIGKILL kafka for ${Math.round(downMs)}ms`);
    await sleep(downMs);
    await this.stack('start-kafka');
  }

  async restartDatabase(downMs: number): Promise<void> {
    await this.stack('kill', 'ferretdb');
    this.counts.database_restarts += 1;
    this.note(`SIGKILL ferretdb for ${Math.round(downMs)}ms`);
    await sleep(downMs);
    await this.stack('start-ferretdb');
  }

  async destinationOutage(server: 'sshd' | 'customer-s3', downMs: number): Promise<void> {
    await this.destinations('stop', server);
    this.counts.destination_outages += 1;
    this.note(`stop ${server} for ${Math.round(downMs)}ms`);
    await sleep(downMs);
    await this.destinations('start', server);
  }
}

/**
 * The writers' chunk folder on a small tmpfs of its own (needs root), so that the campaign can fill it up without
 * touching the machine's disk. False when it cannot be mounted: the disk-full fault is then left out, and said so.
 */
export function mountWriterDisk(dir: string, sizeMiB: number): boolean {
  unmountWriterDisk(dir);
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0777`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function unmountWriterDisk(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
}

/** Fills a file system to the last page (1 MiB writes, then 4 KiB ones); returns what frees it again. */
export async function fillDisk(dir: string): Promise<() => Promise<void>> {
  const filler = join(dir, `disk-filler-${process.pid}`);
  const file = await open(filler, 'w');
  try {
    for (const size of [1024 * 1024, 4096]) {
      const block = Buffer.alloc(size, 1);
      for (;;) {
        try {
          await file.write(block);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    await file.close();
  }
  return () => rm(filler, { force: true });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
