/**
 * Everything the runtime can fail at, with a stable code and a message that says what failed
 * and how to fix it. `stderr` carries a helper tool's own explanation when one failed.
 */
export type RuntimeErrorCode =
  | 'invalid_spec' // the DynoSpec is malformed (message names the field)
  | 'unknown_size' // no such dyno size
  | 'no_address' // the instance's /24 has no free dyno address left
  | 'outbound_disabled' // a dyno asked for outbound network on a runtime that does not allow it
  | 'no_subnet' // no free private /24 found for the bridge
  | 'command_failed' // a helper (ip, iptables, mkfifo) failed
  | 'not_running' // asked a dyno that has exited
  | 'uid_collision' // the app's uid is held by a running dyno of another app (uid-claims.ts)
  | 'no_dedicated_cpu' // a performance dyno found no CPU free to dedicate (cpu-sets.ts)
  | 'shut_down'; // the runtime was shut down

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly stderr: string;
  constructor(code: RuntimeErrorCode, message: string, stderr = '', options?: { cause?: unknown }) {
    super(stderr ? `${message}: ${stderr.trim()}` : message, options);
    this.name = 'RuntimeError';
    this.code = code;
    this.stderr = stderr;
  }
}
