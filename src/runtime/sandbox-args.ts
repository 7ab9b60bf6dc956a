/**
 * The bubblewrap arguments for one dyno: the root filesystem — a stack image (its /usr, /var and
 * /opt read-only, the usual /bin, /lib symlinks and a copy of its /etc, see stack-etc.ts) or, on
 * the host-root fallback, the host's /usr with a whitelisted copy of the host's /etc — the app at /app, private /tmp, /dev/shm,
 * /proc and /dev, a synthetic /sys/fs/cgroup/memory showing the quota, then setpriv (non-root
 * uid, no capabilities, no_new_privs) and bash, which sources .profile.d and execs the command.
 * Pure: the caller passes the arguments to bwrap over a pipe (`--args`), so config vars never
 * appear in a host process list.
 */
import { posix } from 'node:path';

/** Host /etc entries a dyno sees (copied by stack-etc.ts, each only if present). Not /etc
 *  wholesale: no host users, no keys, no Berth configuration. */
export const STACK_ETC = [
  'alternatives', // /usr/bin/awk, pager, editor... are symlinks through here
  'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d',
  'nsswitch.conf', 'host.conf', 'gai.conf', 'resolv.conf', 'protocols', 'services',
  'ssl/certs', 'ssl/openssl.cnf', // CA certificates (curl, node, psql), OpenSSL config
  'mime.types', 'inputrc', 'bash.bashrc', 'profile', 'os-release', 'debian_version',
  'postgresql-common', // psql's wrapper reads it
  // The language runtimes' Debian configuration (the buildpacks' lib/toolchain.sh): the JDKs'
  // conf/ and security files link here, Maven's conf/ and m2.conf, PHP's ini files that load its
  // extensions. Absent ones are skipped.
  'java-17-openjdk', 'java-21-openjdk', 'maven', 'php',
] as const;

/** bash, as the dyno uid, in /app (see launcher.ts for how it is reached). $0 is the command
 *  (never interpolated), $1 `tty` or `pipe`, $2 the fd to report "started" on, $3 the fd the dyno's
 *  environment arrives on (NUL-separated NAME=value): it is exported only here, after setpriv, so
 *  nothing a user controls (LD_PRELOAD, …) ever reaches a process running as root. Then: close
 *  stray descriptors, source .profile.d/*.sh in order and .profile, exec the command. */
export const PROFILE_WRAPPER = [
  'unset __BERTH_UID __BERTH_COMMAND __BERTH_MODE __BERTH_STARTED_FD __BERTH_ENV_FD',
  'while IFS= read -r -d \'\' berth_kv; do export "$berth_kv" 2>/dev/null; done <&"$3"',
  'unset berth_kv',
  '{ echo >&"$2"; } 2>/dev/null',
  'for berth_fd in /proc/self/fd/*; do berth_fd=${berth_fd##*/}; case $berth_fd in 0|1|2|*[!0-9]*) ;; *) exec {berth_fd}>&- ;; esac; done',
  'unset berth_fd',
  'for f in /app/.profile.d/*.sh; do if [ -r "$f" ]; then . "$f"; fi; done; unset f',
  'if [ -r /app/.profile ]; then . /app/.profile; fi',
  'if [ "$1" = tty ]; then',
  '  export __BERTH_TTY_COMMAND="$0"',
  `  exec /usr/bin/script -qfec 'c=$__BERTH_TTY_COMMAND; unset __BERTH_TTY_COMMAND; if [ -n "\${COLUMNS:-}" ] && [ -n "\${LINES:-}" ]; then stty cols "$COLUMNS" rows "$LINES" 2>/dev/null; fi; exec /bin/bash -c "$c"' /dev/null`,
  'fi',
  'exec /bin/bash -c "$0"',
].join('\n');

/** The dyno's environment in the form PROFILE_WRAPPER reads: NUL-terminated NAME=value. */
export function encodeEnv(env: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join(''), 'utf8');
}

export interface SandboxPlan {
  hostname: string;
  uid: number;
  cwd: string;
  command: string;
  tty: boolean;
  /** true: the launcher already entered a prepared netns; false: loopback only. */
  sharedNetns: boolean;
  /** Host path mounted at /app, and whether the dyno may write it. */
  app: { source: string; writable: boolean };
  binds: ReadonlyArray<{ source: string; target: string; readonly: boolean }>;
  /** A stack image (a root filesystem) to run on; absent: the host's /usr (host-root mode). */
  stackRoot?: string;
  /** On a stack image: the host's Node.js installation Berth's buildpacks run on, at /usr/local. */
  hostNode?: { binary: string; modules?: string };
  /** The stack's /etc (stack-etc.ts) and generated files bound over it and /sys. */
  generated: { etc: string; passwd: string; group: string; hosts: string; cgroupMemoryDir: string };
  tmpBytes: number;
  shmBytes: number;
  nodeBinary?: string;
  /** The fd bwrap reports the sandbox's pid on. */
  infoFd: number;
  /** The fd the wrapper writes one byte to once the command's shell runs. */
  startedFd: number;
  /** The fd the wrapper reads the dyno's environment from. */
  envFd: number;
  /** The fd bwrap reads the seccomp filter from; absent where none can be built. */
  seccompFd?: number;
}

function dirs(path: string): string[] {
  const out: string[] = [];
  for (let d = posix.dirname(path); d !== '/'; d = posix.dirname(d)) out.unshift(d);
  return out;
}

/** bwrap's options, written to its --args pipe: namespaces, mounts, and the __BERTH_* values
 *  ENTRY_SCRIPT needs (never the dyno's environment: that reaches only the unprivileged wrapper). */
export function bwrapArgs(plan: SandboxPlan): string[] {
  const a: string[] = [
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup',
    ...(plan.sharedNetns ? [] : ['--unshare-net']),
    '--hostname', plan.hostname,
    '--new-session',
    '--info-fd', String(plan.infoFd),
    ...(plan.stackRoot
      ? ['--ro-bind', `${plan.stackRoot}/usr`, '/usr', '--ro-bind', `${plan.stackRoot}/var`, '/var', '--ro-bind', `${plan.stackRoot}/opt`, '/opt']
      : ['--ro-bind', '/usr', '/usr']),
    '--perms', '0755', '--tmpfs', '/usr/local', // hide the host's (or image's) /usr/local
    '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
    '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64',
    '--ro-bind', plan.generated.etc, '/etc',
    '--ro-bind', plan.generated.passwd, '/etc/passwd',
    '--ro-bind', plan.generated.group, '/etc/group',
    '--ro-bind', plan.generated.hosts, '/etc/hosts',
    '--proc', '/proc',
    '--dev', '/dev',
    '--perms', '1777', '--size', String(plan.tmpBytes), '--tmpfs', '/tmp',
    '--perms', '1777', '--size', String(plan.shmBytes), '--tmpfs', '/dev/shm',
    '--perms', '0755', '--dir', '/sys', '--perms', '0755', '--dir', '/sys/fs', '--perms', '0755', '--dir', '/sys/fs/cgroup',
    '--ro-bind', plan.generated.cgroupMemoryDir, '/sys/fs/cgroup/memory',
    '--perms', '0755', '--dir', '/app',
    plan.app.writable ? '--bind' : '--ro-bind', plan.app.source, '/app',
  ];
  for (const bind of plan.binds) {
    for (const d of dirs(bind.target)) a.push('--perms', '0755', '--dir', d);
    a.push(bind.readonly ? '--ro-bind' : '--bind', bind.source, bind.target);
  }
  if (plan.nodeBinary) a.push('--perms', '0755', '--dir', '/usr/local/bin', '--ro-bind', plan.nodeBinary, '/usr/local/bin/node');
  else if (plan.stackRoot && plan.hostNode) {
    a.push('--perms', '0755', '--dir', '/usr/local/bin', '--ro-bind', plan.hostNode.binary, '/usr/local/bin/node');
    if (plan.hostNode.modules) {
      a.push('--perms', '0755', '--dir', '/usr/local/lib', '--ro-bind', plan.hostNode.modules, '/usr/local/lib/node_modules',
        '--symlink', '../lib/node_modules/npm/bin/npm-cli.js', '/usr/local/bin/npm', '--symlink', '../lib/node_modules/npm/bin/npx-cli.js', '/usr/local/bin/npx');
    }
  }
  a.push('--remount-ro', '/usr/local', '--remount-ro', '/', '--chdir', plan.cwd, '--clearenv');
  if (plan.seccompFd !== undefined) a.push('--seccomp', String(plan.seccompFd));
  // Only the launcher's own values here: the dyno's environment goes over envFd (see PROFILE_WRAPPER).
  a.push(
    '--setenv', '__BERTH_UID', String(plan.uid),
    '--setenv', '__BERTH_COMMAND', plan.command,
    '--setenv', '__BERTH_MODE', plan.tty ? 'tty' : 'pipe',
    '--setenv', '__BERTH_STARTED_FD', String(plan.startedFd),
    '--setenv', '__BERTH_ENV_FD', String(plan.envFd),
  );
  return a;
}

/** /etc/passwd and /etc/group for the dyno: root, nobody and the dyno user (home /app). */
export function passwdFile(uid: number): string {
  return `root:x:0:0:root:/root:/usr/sbin/nologin\ndyno:x:${uid}:${uid}:dyno:/app:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`;
}

export function groupFile(uid: number): string {
  return `root:x:0:\ndyno:x:${uid}:\nnogroup:x:65534:\n`;
}

export function hostsFile(hostname: string, address?: string): string {
  const own = address ? `${address}\t${hostname}\n` : `127.0.1.1\t${hostname}\n`;
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${own}`;
}
