/**
 * CPU seconds spent by each part of the bench, from /proc (Linux): on a small machine, or one shared
 * with other jobs, CPU time says what a run costs better than wall time alone. Elsewhere every
 * reading is undefined and the report leaves the column out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface CpuParts {
  /** The worker process (all its threads: activities, workflow threads, the Rust core). */
  worker?: number;
  /** The Temporal dev server. */
  temporal?: number;
  /** The postmaster, its live backends and the backends that already exited. */
  postgres?: number;
  /** This process: the simulator, the Temporal client and the bench itself. */
  simulator: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  ppid: number;
  /** utime + stime, in ticks. */
  own: number;
  /** cutime + cstime: children already waited for, in ticks. */
  reaped: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state ppid ... utime(14) stime(15) cutime(16) cstime(17).
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(rest[1]),
      own: Number(rest[11]) + Number(rest[12]),
      reaped: Number(rest[13]) + Number(rest[14]),
    };
  } catch {
    return undefined;
  }
}

function processSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const stat = procStat(pid);
  return stat && stat.own / clockTicks();
}

function postgresSeconds(postmasterPidFile: string): number | undefined {
  if (!existsSync(postmasterPidFile)) return undefined;
  const postmaster = Number(readFileSync(postmasterPidFile, 'utf8').split('\n')[0]);
  const main = procStat(postmaster);
  if (!main) return undefined;
  let ticks = main.own + main.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.ppid === postmaster) ticks += stat.own;
  }
  return ticks / clockTicks();
}

export function cpuParts(pids: { worker?: number; temporal?: number; postgresDataDir: string }): CpuParts {
  const self = process.cpuUsage();
  const linux = os.platform() === 'linux';
  return {
    worker: linux ? processSeconds(pids.worker) : undefined,
    temporal: linux ? processSeconds(pids.temporal) : undefined,
    postgres: linux ? postgresSeconds(`${pids.postgresDataDir}/postmaster.pid`) : undefined,
    simulator: (self.user + self.system) / 1e6,
  };
}

/** after - before, part by part; a part missing from either is missing from the result. */
export function cpuSpent(before: CpuParts, after: CpuParts): CpuParts {
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : Math.max(0, b - a);
  return {
    worker: diff(before.worker, after.worker),
    temporal: diff(before.temporal, after.temporal),
    postgres: diff(before.postgres, after.postgres),
    simulator: after.simulator - before.simulator,
  };
}
