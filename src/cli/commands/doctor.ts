import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { checkDisk, checkDns, checkNode, checkPorts, type PortPlan } from '../doctor-host-probes.js';
import { checkBubblewrap, checkCgroups, checkNamespaces, checkOverlay, checkPrograms, checkRoot } from '../doctor-probes.js';
import { formatDoctorReport, type CheckResult } from '../doctor-report.js';

/** The ports `bin/berth up` listens on by default, with the flag that moves each. */
const PORTS: [flag: string, name: string, port: number][] = [
  ['api-port', 'API', 5000],
  ['api-tls-port', 'API over HTTPS and git', 5443],
  ['rendezvous-port', 'run rendezvous', 5001],
  ['router-port', 'router', 8080],
  ['router-tls-port', 'router over HTTPS', 8443],
];

const portFlag = (name: string, port: number) => ({ type: 'string' as const, value: 'N', description: `the ${name} port to check (default ${port})` });

export const doctor: Command = {
  name: 'doctor',
  summary: 'check this machine for what Berth needs, and say what to fix',
  description:
    'Checks, without changing anything: root, Node.js, user and network namespaces, overlayfs,\n' +
    'the cgroup layout (v1 or hybrid: Berth uses cgroup v1; unified: cgroup v2, delegated to\n' +
    'Berth by its service\'s Delegate=yes) and each controller dynos use (memory, cpu, pids),\n' +
    'bubblewrap (with a trial sandbox), git and the other programs, PostgreSQL, the ports\n' +
    'bin/berth up would listen on (naming the process that holds one), free disk under the data\n' +
    'dir, and the DNS of the domain (a wildcard record). Exits 1 when a check fails.',
  usage: 'doctor [--domain D] [--bind ADDR] [--data-dir DIR] [--api-port N …] [--json]',
  flags: {
    domain: { type: 'string', value: 'D', description: 'the domain apps are served under (default localhost)' },
    bind: { type: 'string', value: 'ADDR', description: 'the listen address to check ports on (default 127.0.0.1)' },
    'data-dir': { type: 'string', value: 'DIR', description: 'the data dir (default BERTH_DATA_DIR, else ~/.berth)' },
    ...Object.fromEntries(PORTS.map(([flag, name, port]) => [flag, portFlag(name, port)])),
    json: { ...jsonFlag, description: 'print the checks as JSON' },
  },
  examples: ['berth doctor', 'berth doctor --domain example.com --bind 0.0.0.0 --router-port 80 --router-tls-port 443', 'berth doctor --json'],
  async run(ctx) {
    const env = ctx.io.env;
    const dataDir = resolve(ctx.io.cwd, ctx.string('data-dir') ?? env.BERTH_DATA_DIR ?? resolve(env.HOME || homedir(), '.berth'));
    const plans: PortPlan[] = PORTS.map(([flag, name, fallback]) => {
      const text = ctx.string(flag);
      const port = text === undefined ? fallback : Number(text);
      if (text !== undefined && (!/^\d+$/.test(text) || port < 1 || port > 65535)) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not a port (1-65535).`);
      return { name, port };
    });
    const checks: CheckResult[] = [
      await checkRoot(),
      checkNode(),
      ...(await checkNamespaces(env)),
      await checkOverlay(),
      ...(await checkCgroups()),
      await checkBubblewrap(env),
      ...(await checkPrograms(env)),
      ...(await checkPorts(plans, ctx.string('bind') ?? '127.0.0.1', dataDir)),
      await checkDisk(dataDir),
      await checkDns(ctx.string('domain') ?? 'localhost'),
    ];
    const ok = checks.every((c) => c.status !== 'fail');
    if (ctx.bool('json')) ctx.printJson({ ok, checks });
    else for (const line of formatDoctorReport(checks, ctx.colours.out)) ctx.print(line);
    return ok ? 0 : 1;
  },
};
