import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { checkPortFree, findPortHolders } from '../../src/main/port-holder.js';

describe('the router port check before the host agent starts', () => {
  let held: Server;
  let port: number;
  before(async () => {
    held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    port = (held.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => held.close(() => resolve())));

  it('finds the process listening on a port from /proc', async () => {
    const holders = await findPortHolders(port);
    assert.deepEqual(holders.map((h) => h.pid), [process.pid]);
    assert.equal(holders[0]?.name, 'node');
  });

  it('refuses a taken port with a message naming the process that holds it and the flag to change', async () => {
    await assert.rejects(checkPortFree(port, '127.0.0.1', '--router-port'), {
      message: `Port ${port} is already in use by node (pid ${process.pid}): stop it, or choose another port with --router-port.`,
    });
  });

  it('passes a free port, and port 0 without looking', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const freePort = (free.address() as AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    await checkPortFree(freePort, '127.0.0.1', '--router-port');
    await checkPortFree(0, '127.0.0.1', '--router-port');
    assert.deepEqual(await findPortHolders(freePort), []);
  });
});
