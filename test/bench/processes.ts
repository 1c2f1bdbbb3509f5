import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pids of every process in the group the local stack started for `name` (its restart loop and the process). */
function groupPids(stackDir: string, name: string): number[] {
  let leader: number;
  try {
    leader = Number(readFileSync(join(stackDir, 'run', `${name}.pid`), 'utf8').trim());
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === leader) pids.push(Number(entry)); // process group id
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Resident memory (KiB) of a stack process group. */
export function groupRssKib(stackDir: string, name: string): number {
  let total = 0;
  for (const pid of groupPids(stackDir, name)) {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += rss ? Number(rss[1]) : 0;
    } catch {
      // ended
    }
  }
  return total;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by a stack process group's live processes. */
export function groupCpuSeconds(stackDir: string, name: string): number {
  let ticks = 0;
  for (const pid of groupPids(stackDir, name)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // ended
    }
  }
  return ticks / TICKS_PER_SECOND;
}
