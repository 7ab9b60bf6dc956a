import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Where the host agent keeps its sockets, pid, logs and dyno state under the data dir. */
export function agentPaths(dataDir: string) {
  const run = join(dataDir, 'run');
  return {
    run,
    agentSocket: join(run, 'agent.sock'),
    logSocket: join(run, 'logs.sock'),
    agentPid: join(run, 'agent.pid'),
    agentLog: join(run, 'agent.log'),
    /** The dyno subnet last used (taken again when free, so add-on URLs keep their address). */
    subnet: join(run, 'subnet'),
    logs: join(dataDir, 'logs'),
    dynos: join(dataDir, 'dynos'),
  };
}

/** The per-instance prefix for cgroup, bridge and netns names, derived from the data dir. */
export function instancePrefix(dataDir: string): string {
  return `b${createHash('sha256').update(dataDir).digest('hex').slice(0, 5)}`;
}
