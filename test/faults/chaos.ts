import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../support/test-stack';

const run = promisify(execFile);

export const SERVICES = ['api-gateway', 'query', 'writer', 'delivery', 'jobs'] as const;
export type Service = (typeof SERVICES)[number];

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
  readonly counts = { kills: 0, broker_restarts: 0, database_restarts: 0, destination_outages: 0 };
  /** What was done, in order, with milliseconds since the run started: printed with the run for replays. */
  readonly events: string[] = [];
  private readonly started = Date.now();

  private note(event: string): void {
    this.events.push(`${Date.now() - this.started}ms ${event}`);
  }

  constructor(private readonly env: Record<string, string>) {}

  private async stack(...args: string[]): Promise<void> {
    await run('bash', ['deploy/local/stack.sh', ...args], { cwd: ROOT, env: { ...process.env, ...this.env }, timeout: 180_000 });
  }

  private async destinations(...args: string[]): Promise<void> {
    await run('bash', ['deploy/local/test-destinations.sh', ...args], { cwd: ROOT, env: { ...process.env, ...this.env }, timeout: 60_000 });
  }

  /** SIGKILL the services, wait, start them again (each waits for its readiness probe). */
  async killAndRestart(services: Service[], downMs: number): Promise<void> {
    for (const service of services) await this.stack('kill', service);
    this.counts.kills += services.length;
    this.note(`SIGKILL ${services.join('+')} for ${Math.round(downMs)}ms`);
    await sleep(downMs);
    for (const service of services) await this.stack('start-service', service);
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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
