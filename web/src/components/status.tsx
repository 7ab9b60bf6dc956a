// Status shown with an icon and a word beside the colour (readable without colour vision).
import type { Health } from '../lib/formation-model.js';

const HEALTH: Record<Health, { icon: string; label: string }> = {
  ok: { icon: '✓', label: 'Running' },
  converging: { icon: '◐', label: 'Changing' },
  failing: { icon: '✕', label: 'Failing' },
  idle: { icon: '○', label: 'No dynos' },
};

export function HealthBadge({ health, label }: { health: Health; label?: string }) {
  const h = HEALTH[health];
  return (
    <span class={`badge badge-${health}`} data-health={health}>
      <span aria-hidden="true">{h.icon}</span> {label ?? h.label}
    </span>
  );
}

const DYNO: Record<string, { icon: string; health: Health }> = {
  up: { icon: '✓', health: 'ok' },
  starting: { icon: '◐', health: 'converging' },
  restarting: { icon: '◐', health: 'converging' },
  crashed: { icon: '✕', health: 'failing' },
  down: { icon: '○', health: 'idle' },
};

export function DynoState({ state }: { state: string }) {
  const d = DYNO[state] ?? { icon: '?', health: 'idle' as Health };
  return (
    <span class={`badge badge-${d.health}`} data-state={state}>
      <span aria-hidden="true">{d.icon}</span> {state}
    </span>
  );
}
