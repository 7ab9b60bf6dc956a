// Logs: a live tail (the log session's stream) with filters by source, dyno and text, pause and
// resume, colour by source (and the source named on every line). Memory is bounded: the last
// KEEP lines are kept, the last SHOW matching ones drawn, at most ten times a second.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AppJson } from '../api/types.js';
import { matches, sourceClass, type LogEntry, type LogFilter } from '../lib/log-line.js';
import { LogTail, type TailState } from '../lib/log-tail.js';

const KEEP = 5000;
const SHOW = 500;
const FRAME_MS = 100;

function useTail(app: string, paused: boolean) {
  const buffer = useRef<LogEntry[]>([]);
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<TailState>('connecting');
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const pending = useRef(0);
  useEffect(() => {
    buffer.current = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      if (!pausedRef.current) setVersion((v) => v + 1);
    };
    const tail = new LogTail(app, {
      lines(entries) {
        const b = buffer.current;
        b.push(...entries);
        if (b.length > KEEP) b.splice(0, b.length - KEEP);
        pending.current += entries.length;
        if (timer === undefined) timer = setTimeout(flush, FRAME_MS);
      },
      state: setState,
    });
    tail.start();
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      tail.stop();
    };
  }, [app]);
  useEffect(() => {
    if (!paused) setVersion((v) => v + 1);
  }, [paused]);
  return { buffer, version, state };
}

const STATE_TEXT: Record<TailState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Stopped',
};

export function LogsTab({ app }: { app: AppJson }) {
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState<LogFilter>({ source: '', dyno: '', text: '' });
  const { buffer, version, state } = useTail(app.name, paused);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  // What is drawn changes only on a new frame (version) or filter; paused freezes it.
  const snapshot = useMemo(() => buffer.current.slice(), [version]);
  const shown = useMemo(() => {
    const out: LogEntry[] = [];
    for (let i = snapshot.length - 1; i >= 0 && out.length < SHOW; i--) {
      const entry = snapshot[i] as LogEntry;
      if (matches(entry, filter)) out.push(entry);
    }
    return out.reverse();
  }, [snapshot, filter]);
  const dynos = useMemo(() => [...new Set(snapshot.map((e) => e.dyno).filter(Boolean))].sort(), [snapshot]);
  useLayoutEffect(() => {
    const node = box.current;
    if (node && follow.current) node.scrollTop = node.scrollHeight;
  }, [shown]);
  const set = (patch: Partial<LogFilter>) => setFilter((f) => ({ ...f, ...patch }));
  return (
    <>
      <h2>Logs</h2>
      <div class="toolbar" role="group" aria-label="Log filters">
        <label class="field">
          Source
          <select name="source" value={filter.source} onChange={(e) => set({ source: (e.target as HTMLSelectElement).value as LogFilter['source'] })}>
            <option value="">All</option>
            <option value="app">app</option>
            <option value="heroku">heroku (router, platform)</option>
          </select>
        </label>
        <label class="field">
          Dyno
          <select name="dyno" value={filter.dyno} onChange={(e) => set({ dyno: (e.target as HTMLSelectElement).value })}>
            <option value="">All</option>
            {dynos.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label class="field grow">
          Text
          <input type="search" name="text" value={filter.text} onInput={(e) => set({ text: (e.target as HTMLInputElement).value })} />
        </label>
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
        <span class={`badge ${state === 'live' ? 'badge-ok' : 'badge-converging'}`} role="status" data-tail={state}>
          <span aria-hidden="true">{state === 'live' ? '●' : '◐'}</span> {paused ? 'Paused' : STATE_TEXT[state]}
        </span>
      </div>
      <div
        ref={box}
        class="log logs"
        role="log"
        aria-label={`Logs of ${app.name}`}
        tabIndex={0}
        onScroll={(e) => {
          const n = e.currentTarget as HTMLDivElement;
          follow.current = n.scrollTop + n.clientHeight >= n.scrollHeight - 8;
        }}
      >
        {shown.length === 0 && <p class="muted">No log lines yet{filter.source || filter.dyno || filter.text ? ' matching the filters' : ''}.</p>}
        {shown.map((e) => (
          <div key={e.seq} class={`line ${sourceClass(e)}`} data-seq={e.seq}>
            <span class="ts">{e.time.slice(11, 23)}</span> <span class="src">{e.source ? `${e.source}[${e.dyno}]` : ''}</span> {e.text}
          </div>
        ))}
      </div>
    </>
  );
}
