// A confirmation in a modal <dialog> (focus trapped, Escape cancels). With `typeToConfirm`, the
// button stays disabled until the exact text is typed (deleting an app).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

export interface ConfirmProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  typeToConfirm?: string;
  onConfirm(): void | Promise<void>;
  onClose(): void;
}

export function Confirm(props: ConfirmProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const ready = !busy && (props.typeToConfirm === undefined || typed === props.typeToConfirm);
  const confirm = async (event: Event) => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      props.onClose();
    }
  };
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="confirm-title" onClose={props.onClose}>
      <form method="dialog" onSubmit={confirm}>
        <h2 id="confirm-title">{props.title}</h2>
        <div>{props.children}</div>
        {props.typeToConfirm !== undefined && (
          <label class="field">
            Type <code>{props.typeToConfirm}</code> to confirm
            <input value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} autocomplete="off" autoFocus />
          </label>
        )}
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={!ready}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
