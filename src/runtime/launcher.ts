/**
 * The host-side launch chain of one dyno, all exec'd in one process (so the pid we spawn is the
 * pid of bwrap):
 *
 *   [nsenter --net=/proc/self/fd/N]  enter the prepared netns (bridge dynos; the agent passes
 *                                    the slot's netns fd as fd N)
 *   sh -c LAUNCH_SCRIPT              join the dyno's cgroups BEFORE anything forks, exec bwrap
 *   bwrap --args 3 -- CMD...         the sandbox, its options read from a pipe (no config vars
 *                                    in any host process list)
 *
 * The script is a constant; the cgroup paths reach it as argv elements.
 */

export const LAUNCH_SCRIPT = [
  'echo $$ > "$1/cgroup.procs" && echo $$ > "$2/cgroup.procs" && echo $$ > "$3/cgroup.procs" || {',
  '  echo "berth: the dyno could not join its cgroups; this is a platform fault" >&2; exit 125; }',
  'shift 3',
  'exec "$@"',
].join('\n');

export interface LaunchPlan {
  /** The fd (in the launcher) of the netns to enter; none: bwrap unshares a loopback-only one. */
  netnsFd?: number;
  cgroups: { memory: string; cpu: string; pids: string };
  /** The fd bwrap reads its NUL-separated options from. */
  argsFd: number;
  /** What bwrap runs inside the sandbox (setpriv … bash …). */
  command: readonly string[];
}

export function launchArgv(plan: LaunchPlan): string[] {
  return [
    ...(plan.netnsFd !== undefined ? ['/usr/bin/nsenter', `--net=/proc/self/fd/${plan.netnsFd}`, '--'] : []),
    '/bin/sh', '-c', LAUNCH_SCRIPT, 'berth-dyno',
    plan.cgroups.memory, plan.cgroups.cpu, plan.cgroups.pids,
    '/usr/bin/bwrap', '--args', String(plan.argsFd), '--', ...plan.command,
  ];
}

/** bwrap's --args format: NUL-terminated strings. */
export function encodeArgs(args: readonly string[]): Buffer {
  return Buffer.from(args.map((a) => `${a}\0`).join(''), 'utf8');
}
