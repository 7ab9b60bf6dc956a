/**
 * How Berth runs a data server (PostgreSQL, Redis) as its own unprivileged system user when its
 * directory lies under a data dir that user cannot reach (`~/.berth` under a 0700 `/root`, a 0700
 * temp dir). bubblewrap gives the server a private mount namespace that is the host's root plus
 * one extra mount: the server's own directory bound at JAIL_DIR (on a tmpfs /run, so nothing is
 * created on the host). setpriv then drops to the service user with no capabilities. No pid or
 * network namespace: the server's pid is the host's (adoption, signals) and it listens on the
 * host's addresses. The jail is not a sandbox for hostile code, only a way to keep the data dir
 * private to root while the server runs as `postgres` / `redis`.
 */
import { execFileSync } from 'node:child_process';

export const JAIL_DIR = '/run/berth-service';
const BWRAP = '/usr/bin/bwrap';
const SETPRIV = '/usr/bin/setpriv';

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/** The uid/gid of a system user (`getent passwd`), or an error naming the package to install. */
export function serviceUser(name: string, pkg: string): ServiceUser {
  let line: string;
  try {
    line = execFileSync('/usr/bin/getent', ['passwd', name], { encoding: 'utf8', timeout: 5_000 });
  } catch {
    throw new Error(`The system user ${name} does not exist; install Debian's ${pkg} package (scripts/install.sh does)`);
  }
  const fields = line.trim().split(':');
  return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** argv that runs `command` as `user` with `hostDir` mounted at JAIL_DIR (also its cwd). */
export function jailedArgv(hostDir: string, user: ServiceUser, command: readonly string[]): string[] {
  return [
    BWRAP, '--dev-bind', '/', '/', '--tmpfs', '/run', '--bind', hostDir, JAIL_DIR, '--chdir', JAIL_DIR, '--',
    SETPRIV, '--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups',
    '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
    ...command,
  ];
}

/** The environment data servers get: never Berth's own (no API keys, no NODE_* settings). */
export const SERVICE_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' } as const;
