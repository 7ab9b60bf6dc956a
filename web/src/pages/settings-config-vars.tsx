// Config vars: hidden until revealed, edited and deleted one at a time (each save is one PATCH,
// so one release). Values are text nodes: HTML or script in a value is shown, never run.
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { Confirm } from '../components/confirm.js';
import { ErrorText, Loaded } from '../components/notice.js';
import { useResource } from '../lib/use-resource.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function VarRow({ name, value, revealed, onSave, onDelete }: { name: string; value: string; revealed: boolean; onSave(value: string): Promise<void>; onDelete(): void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const save = async (event: Event) => {
    event.preventDefault();
    await onSave(draft).then(() => setEditing(false), () => undefined);
  };
  return (
    <li data-var={name}>
      <code class="key">{name}</code>
      {editing ? (
        <form class="inline grow" onSubmit={save} aria-label={`Edit ${name}`}>
          <label class="field grow">
            <span class="sr-only">Value of {name}</span>
            <textarea name="value" rows={Math.min(6, draft.split('\n').length)} value={draft} onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)} />
          </label>
          <button type="submit" class="primary small">
            Save
          </button>
          <button type="button" class="small" onClick={() => { setEditing(false); setDraft(value); }}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <span class="value mono" data-value>
            {revealed ? value : '•'.repeat(Math.min(12, Math.max(4, value.length)))}
          </span>
          <button type="button" class="small" onClick={() => { setDraft(value); setEditing(true); }} aria-label={`Edit ${name}`}>
            Edit
          </button>
          <button type="button" class="small danger" onClick={onDelete} aria-label={`Delete ${name}`}>
            Delete
          </button>
        </>
      )}
    </li>
  );
}

export function ConfigVars({ app }: { app: string }) {
  const path = `/apps/${encodeURIComponent(app)}/config-vars`;
  const vars = useResource<Record<string, string>>(path);
  const [revealed, setRevealed] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [saved, setSaved] = useState('');
  const [deleting, setDeleting] = useState<string | undefined>();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const patch = async (body: Record<string, string | null>, what: string) => {
    setError(undefined);
    setSaved('');
    try {
      await api.request('PATCH', path, { body });
      setSaved(what);
      await vars.reload();
    } catch (e) {
      setError(e as Error);
      throw e;
    }
  };
  const add = async (event: Event) => {
    event.preventDefault();
    if (!KEY.test(key)) {
      setError(new Error(`${JSON.stringify(key)} is not a valid config var name: use letters, digits and _, not starting with a digit.`));
      return;
    }
    await patch({ [key]: value }, `Set ${key}`).then(() => {
      setKey('');
      setValue('');
    }, () => undefined);
  };
  return (
    <section aria-labelledby="config-vars">
      <h3 id="config-vars">Config vars</h3>
      <p class="muted">Each change makes a new release and restarts the dynos.</p>
      <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
        {revealed ? 'Hide values' : 'Reveal values'}
      </button>
      <Loaded resource={vars}>
        {(all) => {
          const names = Object.keys(all).sort();
          return names.length === 0 ? (
            <p class="empty">No config vars.</p>
          ) : (
            <ul class="rows vars">
              {names.map((name) => (
                <VarRow key={name} name={name} value={all[name] ?? ''} revealed={revealed} onSave={(v) => patch({ [name]: v }, `Set ${name}`)} onDelete={() => setDeleting(name)} />
              ))}
            </ul>
          );
        }}
      </Loaded>
      <form class="inline" onSubmit={add} aria-label="Add a config var">
        <label class="field">
          Key
          <input name="key" value={key} autocomplete="off" required onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field grow">
          Value
          <input name="value" value={value} autocomplete="off" onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          Add
        </button>
      </form>
      <ErrorText error={error} />
      {saved && (
        <p role="status" class="ok-text">
          <span aria-hidden="true">✓ </span>
          {saved}: a new release was made.
        </p>
      )}
      {deleting && (
        <Confirm title={`Delete ${deleting}?`} confirmLabel="Delete config var" danger onClose={() => setDeleting(undefined)} onConfirm={() => patch({ [deleting]: null }, `Deleted ${deleting}`).catch(() => undefined)}>
          <p>The app restarts without it (a new release).</p>
        </Confirm>
      )}
    </section>
  );
}
