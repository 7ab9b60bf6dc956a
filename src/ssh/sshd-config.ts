/**
 * The sshd_config Berth runs its own sshd with (never the system's /etc/ssh/sshd_config): one
 * login user (`git`), public keys only, each key checked by Berth (AuthorizedKeysCommand) and every
 * session forced through Berth's gate (ForceCommand), with no shell, no TTY, no forwarding of any
 * kind, no tunnels, no agent or X11, no sftp, no user rc or environment files.
 */

export interface SshdSettings {
  bind: string;
  port: number;
  hostKeyPaths: readonly string[];
  pidFile: string;
  /** Absolute, shell-safe path of the AuthorizedKeysCommand program (owned by root). */
  keysCommand: string;
  /** Absolute, shell-safe path of the ForceCommand program. */
  gitCommand: string;
  /** The Unix user git clients log in as (and the AuthorizedKeysCommand runs as). */
  user: string;
}

/** Shell- and sshd-safe: the commands are split on spaces by sshd and run by the user's shell. */
export const SAFE_PATH = /^\/[A-Za-z0-9_./-]+$/;

export function renderSshdConfig(s: SshdSettings): string {
  for (const path of [s.keysCommand, s.gitCommand, s.pidFile, ...s.hostKeyPaths]) {
    if (!SAFE_PATH.test(path)) throw new Error(`sshd paths may contain only letters, digits and _ . / -: ${JSON.stringify(path)}`);
  }
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(s.user)) throw new Error(`not a user name: ${JSON.stringify(s.user)}`);
  return [
    '# Written by Berth at every start; edits are lost. Berth runs this sshd for git over SSH only.',
    `Port ${s.port}`,
    `ListenAddress ${s.bind}`,
    ...s.hostKeyPaths.map((path) => `HostKey ${path}`),
    `PidFile ${s.pidFile}`,
    'LogLevel INFO',
    // Who may log in, and how: the git user, with a public key Berth knows, nothing else.
    `AllowUsers ${s.user}`,
    'PermitRootLogin no',
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'PermitEmptyPasswords no',
    'IgnoreRhosts yes',
    'UsePAM no',
    'AuthorizedKeysFile none',
    `AuthorizedKeysCommand ${s.keysCommand} %t %k`,
    `AuthorizedKeysCommandUser ${s.user}`,
    'StrictModes yes',
    'MaxAuthTries 6',
    'LoginGraceTime 30',
    'MaxSessions 4',
    // What a session may do: only Berth's gate runs; no TTY, shell, forwarding or tunnels.
    `ForceCommand ${s.gitCommand}`,
    'ExposeAuthInfo yes',
    'AcceptEnv GIT_PROTOCOL',
    'PermitTTY no',
    'DisableForwarding yes',
    'AllowTcpForwarding no',
    'AllowStreamLocalForwarding no',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PermitTunnel no',
    'GatewayPorts no',
    'PermitListen none',
    'PermitOpen none',
    'PermitUserEnvironment no',
    'PermitUserRC no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    'Banner none',
    '',
  ].join('\n');
}
