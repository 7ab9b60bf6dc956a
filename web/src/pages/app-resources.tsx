// Resources: scale and resize each process type (PATCH /apps/:app/formation/:type), add-ons.
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { AddonJson, AppJson, FormationJson } from '../api/types.js';
import { Confirm } from '../components/confirm.js';
import { ErrorText, Loaded } from '../components/notice.js';
import { useResource } from '../lib/use-resource.js';

const SIZES = ['Eco', 'Basic', 'Standard-1X', 'Standard-2X', 'Performance-M', 'Performance-L'];

function FormationRow({ app, row, onSaved }: { app: string; row: FormationJson; onSaved(): void }) {
  const [quantity, setQuantity] = useState(String(row.quantity));
  const [size, setSize] = useState(row.size);
  const [error, setError] = useState<Error | undefined>();
  const [saved, setSaved] = useState(false);
  const changed = quantity !== String(row.quantity) || size.toLowerCase() !== row.size.toLowerCase();
  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await api.request('PATCH', `/apps/${encodeURIComponent(app)}/formation/${encodeURIComponent(row.type)}`, { body: { quantity: Number(quantity), size } });
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form class="formation-row card" onSubmit={save} data-type={row.type} aria-label={`Scale ${row.type}`}>
      <h3>
        {row.type} <code class="muted">{row.command}</code>
      </h3>
      <div class="inline">
        <label class="field">
          Dynos
          <input type="number" name="quantity" min="0" max="100" value={quantity} onInput={(e) => setQuantity((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          Size
          <select name="size" value={SIZES.find((s) => s.toLowerCase() === size.toLowerCase()) ?? size} onChange={(e) => setSize((e.target as HTMLSelectElement).value)}>
            {SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={!changed}>
          Save
        </button>
        {saved && !changed && (
          <span role="status" class="ok-text">
            <span aria-hidden="true">✓</span> Saved
          </span>
        )}
      </div>
      <ErrorText error={error} />
    </form>
  );
}

function Addons({ app }: { app: string }) {
  const addons = useResource<AddonJson[]>(`/apps/${encodeURIComponent(app)}/addons`, { pollMs: 10_000 });
  const [plan, setPlan] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [removing, setRemoving] = useState<AddonJson | undefined>();
  const add = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.request('POST', `/apps/${encodeURIComponent(app)}/addons`, { body: { plan: plan.trim() } });
      setPlan('');
      await addons.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <Loaded resource={addons} empty="This Berth has no add-ons.">
        {(list) =>
          list.length === 0 ? (
            <p class="empty">No add-ons.</p>
          ) : (
            <ul class="rows">
              {list.map((a) => (
                <li key={a.id}>
                  <strong>{a.name}</strong> <span class="muted">{a.addon_service.name}:{a.plan.name.replace(/^.*:/, '')} · {a.state}</span>
                  {a.config_vars.length > 0 && <code class="muted"> {a.config_vars.join(', ')}</code>}
                  <button type="button" class="small danger" onClick={() => setRemoving(a)}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form class="inline" onSubmit={add} aria-label="Add an add-on">
        <label class="field">
          Add-on plan
          <input name="plan" value={plan} placeholder="heroku-postgresql:essential-0" onInput={(e) => setPlan((e.target as HTMLInputElement).value)} required />
        </label>
        <button type="submit">Add</button>
      </form>
      <ErrorText error={error} />
      {removing && (
        <Confirm
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove add-on"
          danger
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await api.request('DELETE', `/apps/${encodeURIComponent(app)}/addons/${encodeURIComponent(removing.id)}`).catch((e: Error) => setError(e));
            await addons.reload();
          }}
        >
          <p>Its data is deleted and its config vars removed (a new release).</p>
        </Confirm>
      )}
    </>
  );
}

export function ResourcesTab({ app }: { app: AppJson }) {
  const formation = useResource<FormationJson[]>(`/apps/${encodeURIComponent(app.name)}/formation`);
  return (
    <>
      <h2>Dynos</h2>
      <Loaded resource={formation}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="empty">No process types yet: push code to create a release.</p>
          ) : (
            <div class="stack">
              {rows.map((row) => (
                <FormationRow key={row.id} app={app.name} row={row} onSaved={() => void formation.reload()} />
              ))}
            </div>
          )
        }
      </Loaded>
      <h2>Add-ons</h2>
      <Addons app={app.name} />
    </>
  );
}
