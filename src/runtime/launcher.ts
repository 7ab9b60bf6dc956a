/**
 * How a dyno's sandbox is launched. The launcher is spawned BEFORE the dyno is known (a standby
 * sandbox) or while its filesystem is being mounted, and waits inside bwrap for its options:
 *
 *   [nsenter --net=/proc/self/fd/5]  enter the prepared netns (the agent passes its fd as fd 5)
 *   sh -c LAUNCH_SCRIPT              join the dyno's cgroups BEFORE anything forks, exec bwrap
 *   bwrap --args 3 -- sh -c ENTRY    bwrap blocks reading its options (mounts, env, hostname)
 *                                    from fd 3 until the agent writes them: so config vars never
 *                                    appear in a host process list, and the slow part (fork,
 *                                    exec, cgroup attach) is done ahead of time
 *   sh -c ENTRY                      inside the sandbox, as root: exec setpriv to the dyno's uid
 *                                    (no caps, no_new_privs) and bash with PROFILE_WRAPPER, which
 *                                    reads the dyno's environment from fd 7
 *
 * bwrap takes the command only from its own argv, so the dyno-specific values ENTRY needs reach it
 * as environment variables (__BERTH_*: uid, command, fds), which PROFILE_WRAPPER unsets. The dyno's
 * own environment (config vars) comes over fd 7 and is exported only by PROFILE_WRAPPER, after
 * setpriv: nothing a user controls (LD_PRELOAD, …) ever reaches sh, bwrap or setpriv running as root.
 * The scripts are constants; paths and values are argv elements or environment, never code.
 */
import { PROFILE_WRAPPER } from './sandbox-args.js';

/** Joins each cgroup directory before `--` (four on cgroup v1, one on v2), then execs the rest. */
export const LAUNCH_SCRIPT = [
  'while [ "$1" != -- ]; do',
  '  echo $$ > "$1/cgroup.procs" || {',
  '    echo "berth: the dyno could not join its cgroups; this is a platform fault" >&2; exit 125; }',
  '  shift',
  'done',
  'shift',
  'exec "$@"',
].join('\n');

export const ENTRY_SCRIPT =
  'exec /usr/bin/setpriv --reuid "$__BERTH_UID" --regid "$__BERTH_UID" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- ' +
  '/bin/bash -c "$0" "$__BERTH_COMMAND" "$__BERTH_MODE" "$__BERTH_STARTED_FD" "$__BERTH_ENV_FD"';

export const ARGS_FD = 3;
export const INFO_FD = 4;
export const NETNS_FD = 5;
export const STARTED_FD = 6;
export const ENV_FD = 7;
/** The seccomp filter program (seccomp-filter.ts), read by bwrap's `--seccomp`. */
export const SECCOMP_FD = 8;

export function launchArgv(cgroupDirs: readonly string[], withNetns: boolean): string[] {
  return [
    ...(withNetns ? ['/usr/bin/nsenter', `--net=/proc/self/fd/${NETNS_FD}`, '--'] : []),
    '/bin/sh', '-c', LAUNCH_SCRIPT, 'berth-dyno', ...cgroupDirs, '--',
    '/usr/bin/bwrap', '--args', String(ARGS_FD), '--', '/bin/sh', '-c', ENTRY_SCRIPT, PROFILE_WRAPPER,
  ];
}

/** bwrap's --args format: NUL-terminated strings. */
export function encodeArgs(args: readonly string[]): Buffer {
  return Buffer.from(args.map((a) => `${a}\0`).join(''), 'utf8');
}
