// A webhook receiver on 127.0.0.1:0 for tests: records every POST (headers, raw body, JSON) as a
// named event and answers per path as the test says (a status sequence, or `hang`).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EventQueue } from './event-queue.js';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, any>;
}

/** A receiver whose answer per path the test sets: a status, or `hang` (never answers until released). */
export class Receiver {
  readonly received = new EventQueue<Received>((r) => `${r.path} ${r.json.resource}:${r.json.action}`);
  readonly answers = new Map<string, number[] | 'hang'>();
  readonly hanging: ServerResponse[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const answer = this.answers.get(path) ?? [200];
        this.received.push({ path, headers: req.headers, body, json: JSON.parse(body) as Record<string, any> });
        if (answer === 'hang') return void this.hanging.push(res);
        res.statusCode = (answer.length > 1 ? answer.shift() : answer[0]) as number;
        res.end('thanks');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

