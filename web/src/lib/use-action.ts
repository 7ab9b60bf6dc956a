// A change the user starts from a page (add, remove): clears the last error, runs the request,
// reloads what it changed, and keeps the error to show when any of it fails.
import { useState } from 'preact/hooks';

export function useAction(reload: () => Promise<unknown>): { run: (task: () => Promise<unknown>) => Promise<void>; error: Error | undefined } {
  const [error, setError] = useState<Error | undefined>();
  const run = async (task: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await task();
      await reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return { run, error };
}
