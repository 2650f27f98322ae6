import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** CPU seconds (user + system) used so far by the processes whose command line matches, from /proc (Linux only). */
export function cpuSeconds(match: (cmdline: string, pid: number) => boolean): number {
  const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!match(cmd, pid)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      /* the process ended meanwhile */
    }
  }
  return total;
}

/** The pids of a process and its descendants. */
export function descendants(root: number): Set<number> {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, pp] of parent)
      if (out.has(pp) && !out.has(pid)) {
        out.add(pid);
        grew = true;
      }
  }
  return out;
}

/** CPU seconds used so far by the embedded PostgreSQL whose data lives under `dataDir` (its postmaster and backends). */
export function postgresCpu(dataDir: string): () => number {
  const postmaster = [...descendants(1)].find((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
    } catch {
      return false;
    }
  });
  return () => {
    const pids = postmaster ? descendants(postmaster) : new Set<number>();
    return cpuSeconds((_c, pid) => pids.has(pid));
  };
}
