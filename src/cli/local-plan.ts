import type { ProcessTypes } from '../core/procfile.js';
import { UsageError } from './cli-error.js';

/** One process `berth local` starts: `web.1` running the web command with PORT 5000. */
export interface LocalProcess {
  name: string;
  type: string;
  command: string;
  port: number;
}

/**
 * Which processes `berth local` runs, as Heroku's `heroku local` (foreman) decides: every type
 * but `release` when nothing is asked; `web`, `web,worker` or `web=2,worker=1` otherwise. PORT is
 * the base port plus 100 per process type (in Procfile order) plus one per extra instance, so
 * web.1 gets 5000 and worker.1 5100. Pure.
 */
export function planLocalProcesses(types: ProcessTypes, selection: string | undefined, basePort: number): LocalProcess[] {
  const known = Object.keys(types);
  const wanted = new Map<string, number>();
  if (selection === undefined || selection.trim() === '') {
    for (const type of known) if (type !== 'release') wanted.set(type, 1);
  } else {
    for (const part of selection.split(',')) {
      const match = /^([A-Za-z0-9_-]+)(?:=(\d+))?$/.exec(part.trim());
      if (!match) throw new UsageError(`${JSON.stringify(part)} is not a process type: use TYPE, TYPE,TYPE or TYPE=N,TYPE=N.`);
      const [, type, count] = match as unknown as [string, string, string | undefined];
      if (!(type in types)) throw new UsageError(`The Procfile has no process type ${type}.`, `Its types: ${known.join(', ') || 'none'}.`);
      const quantity = count === undefined ? 1 : Number(count);
      if (quantity > 100) throw new UsageError(`${type}=${count}: at most 100 processes of a type.`);
      wanted.set(type, quantity);
    }
  }
  const processes: LocalProcess[] = [];
  known.forEach((type, typeIndex) => {
    const quantity = wanted.get(type) ?? 0;
    for (let i = 0; i < quantity; i++) {
      processes.push({ name: `${type}.${i + 1}`, type, command: types[type] as string, port: basePort + typeIndex * 100 + i });
    }
  });
  const last = processes[processes.length - 1];
  if (last !== undefined && last.port > 65535) throw new UsageError(`Port ${last.port} for ${last.name} is above 65535: pass a lower base port with -p.`);
  if (processes.length === 0) throw new UsageError('Nothing to run: the Procfile declares no process type to start.');
  return processes;
}
