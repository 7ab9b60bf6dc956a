/**
 * The seccomp filter every dyno (and build dyno) runs under: a classic BPF program in the form
 * bwrap's `--seccomp FD` loads (what libseccomp's seccomp_export_bpf writes), assembled here so
 * no library is needed. A deny list modelled on Docker's default profile, for what a process
 * without capabilities can still reach: new user namespaces (the door to kernel code that
 * assumes root), keyrings, bpf, attaching ptrace to processes that are not its own children,
 * kernel modules, mounts, clocks, reboot/kexec, perf, userfaultfd and file handles. Denied calls
 * fail with EPERM (ENOSYS for clone3, so libc falls back to clone, which is checked by flags).
 * Syscalls of another ABI (i386 via int 0x80, x32) are refused outright: a deny list by number
 * only holds for the native table.
 */

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const CLONE_NEWUSER = 0x10000000;
const PTRACE_ATTACH = 16;
const PTRACE_SEIZE = 0x4206;
const EPERM = 1;
const ENOSYS = 38;

/** x86_64 syscall numbers denied whatever their arguments. */
export const DENIED_SYSCALLS: Readonly<Record<string, number>> = {
  unshare: 272, setns: 308, keyctl: 250, add_key: 248, request_key: 249, bpf: 321,
  init_module: 175, finit_module: 313, delete_module: 176, create_module: 174, get_kernel_syms: 177, query_module: 178,
  mount: 165, umount2: 166, pivot_root: 155, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433,
  move_mount: 429, open_tree: 428, mount_setattr: 442, swapon: 167, swapoff: 168, quotactl: 179,
  reboot: 169, kexec_load: 246, kexec_file_load: 320, acct: 163, settimeofday: 164, clock_settime: 227,
  clock_adjtime: 305, iopl: 172, ioperm: 173, lookup_dcookie: 212, perf_event_open: 298, userfaultfd: 323,
  open_by_handle_at: 304, name_to_handle_at: 303, uselib: 134, syslog: 103, vhangup: 153, _sysctl: 156, nfsservctl: 180,
};
const CLONE = 56;
const CLONE3 = 435;
const PTRACE = 101;

// Classic BPF opcodes.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const RET_KILL_PROCESS = 0x80000000;

// seccomp_data offsets: nr, arch, instruction pointer, args[6] (low 32 bits first, little-endian).
const NR = 0;
const ARCH = 4;
const ARG0_LOW = 16;

interface Insn { code: number; jt: number; jf: number; k: number }
const insn = (code: number, k: number): Insn => ({ code, jt: 0, jf: 0, k });

/** True when the filter can be built for this machine (x86_64 only for now). */
export function seccompSupported(arch: string): boolean {
  return arch === 'x64';
}

/** The filter program, 8 bytes per instruction (struct sock_filter), host byte order. */
export function seccompProgram(): Uint8Array {
  const labels = { allow: -1, deny: -2, nosys: -3, kill: -4 } as const;
  type Target = number;
  const prog: Array<{ code: number; k: number; jt?: Target; jf?: Target }> = [];
  const op = (code: number, k: number, jt?: Target, jf?: Target) => prog.push({ code, k, ...(jt !== undefined ? { jt } : {}), ...(jf !== undefined ? { jf } : {}) });
  const NEXT = 0; // fall through (a positive target is an instruction index; jumps only go forward)

  op(LD_W_ABS, ARCH);
  op(JEQ_K, AUDIT_ARCH_X86_64, NEXT, labels.kill);
  op(LD_W_ABS, NR);
  op(JGE_K, X32_SYSCALL_BIT, labels.kill, NEXT);
  for (const nr of Object.values(DENIED_SYSCALLS)) op(JEQ_K, nr, labels.deny, NEXT);
  op(JEQ_K, CLONE3, labels.nosys, NEXT);
  // clone(flags, …): refuse a new user namespace. (Other CLONE_NEW* need capabilities anyway.)
  const cloneAt = prog.length;
  op(JEQ_K, CLONE, NEXT, cloneAt + 3); // not clone: on to the ptrace check
  op(LD_W_ABS, ARG0_LOW);
  op(JSET_K, CLONE_NEWUSER, labels.deny, labels.allow);
  // ptrace(request, pid, …): a tracee's own PTRACE_TRACEME works (strace, gdb run a program);
  // attaching to a running process does not.
  op(JEQ_K, PTRACE, NEXT, labels.allow);
  op(LD_W_ABS, ARG0_LOW);
  op(JEQ_K, PTRACE_ATTACH, labels.deny, NEXT);
  op(JEQ_K, PTRACE_SEIZE, labels.deny, labels.allow);

  const base = prog.length;
  const returns: Record<number, number> = { [labels.allow]: base, [labels.deny]: base + 1, [labels.nosys]: base + 2, [labels.kill]: base + 3 };
  const insns: Insn[] = prog.map((p, i) => {
    const resolve = (t: Target | undefined): number => {
      if (t === undefined || t === NEXT) return 0;
      const to = t < 0 ? (returns[t] as number) : t;
      const offset = to - i - 1;
      if (offset < 0 || offset > 255) throw new Error(`seccomp jump out of range at ${i}`);
      return offset;
    };
    return { code: p.code, jt: resolve(p.jt), jf: resolve(p.jf), k: p.k };
  });
  insns.push(insn(RET_K, RET_ALLOW), insn(RET_K, RET_ERRNO | EPERM), insn(RET_K, RET_ERRNO | ENOSYS), insn(RET_K, RET_KILL_PROCESS));
  const bytes = new Uint8Array(insns.length * 8);
  const view = new DataView(bytes.buffer);
  insns.forEach((insn, i) => {
    view.setUint16(i * 8, insn.code, true);
    view.setUint8(i * 8 + 2, insn.jt);
    view.setUint8(i * 8 + 3, insn.jf);
    view.setUint32(i * 8 + 4, insn.k, true);
  });
  return bytes;
}
