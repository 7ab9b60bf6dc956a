import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DENIED_SYSCALLS, seccompProgram } from '../../src/runtime/seccomp-filter.js';

/** Runs the classic BPF program the way the kernel does, for one seccomp_data. */
function evaluate(program: Uint8Array, data: { nr: number; arch: number; arg0?: number }): number {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  let acc = 0;
  for (let pc = 0; pc < program.length / 8; ) {
    const code = view.getUint16(pc * 8, true);
    const jt = view.getUint8(pc * 8 + 2);
    const jf = view.getUint8(pc * 8 + 3);
    const k = view.getUint32(pc * 8 + 4, true);
    if (code === 0x20) acc = k === 0 ? data.nr : k === 4 ? data.arch : k === 16 ? (data.arg0 ?? 0) : 0;
    else if (code === 0x06) return k;
    else if (code === 0x15) { pc += 1 + (acc === k ? jt : jf); continue; }
    else if (code === 0x35) { pc += 1 + (acc >>> 0 >= k ? jt : jf); continue; }
    else if (code === 0x45) { pc += 1 + ((acc & k) !== 0 ? jt : jf); continue; }
    else throw new Error(`unknown opcode ${code}`);
    pc += 1;
  }
  throw new Error('fell off the end of the program');
}

const X86_64 = 0xc000003e;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;

describe('the dyno seccomp filter', () => {
  const program = seccompProgram();

  it('allows ordinary syscalls (read, write, openat, clone of a thread or process, ptrace TRACEME)', () => {
    for (const nr of [0, 1, 257, 39, 60, 231]) assert.equal(evaluate(program, { nr, arch: X86_64 }), ALLOW, `syscall ${nr}`);
    assert.equal(evaluate(program, { nr: 56, arch: X86_64, arg0: 0x3d0f00 }), ALLOW, 'clone of a thread');
    assert.equal(evaluate(program, { nr: 101, arch: X86_64, arg0: 0 }), ALLOW, 'PTRACE_TRACEME');
  });

  it('answers EPERM for every denied syscall', () => {
    for (const [name, nr] of Object.entries(DENIED_SYSCALLS)) assert.equal(evaluate(program, { nr, arch: X86_64 }), EPERM, name);
  });

  it('refuses clone with CLONE_NEWUSER and ptrace attach or seize', () => {
    assert.equal(evaluate(program, { nr: 56, arch: X86_64, arg0: 0x10000000 | 17 }), EPERM);
    assert.equal(evaluate(program, { nr: 101, arch: X86_64, arg0: 16 }), EPERM);
    assert.equal(evaluate(program, { nr: 101, arch: X86_64, arg0: 0x4206 }), EPERM);
  });

  it('kills a process that uses another ABI (i386 or x32) to dodge the numbers', () => {
    assert.equal(evaluate(program, { nr: 310, arch: 0x40000003 }), 0x80000000);
    assert.equal(evaluate(program, { nr: 0x40000000 + 272, arch: X86_64 }), 0x80000000);
  });
});
