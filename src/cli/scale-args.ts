import { UsageError } from './cli-error.js';

/** One entry of `PATCH /apps/:app/formation` `updates`, as the official CLI sends it. */
export interface ScaleChange {
  type: string;
  /** `"3"`, or relative `"+1"` / `"-1"`; absent when only the size changes. */
  quantity?: string;
  size?: string;
}

const QUANTITY = /^([\w-]+)([=+-])(\d{1,9})(?::([\w-]+))?$/;
const SIZE_ONLY = /^([\w-]+)=([\w-]*[A-Za-z][\w-]*)$/;

const FORMS = 'Use TYPE=N, TYPE+N, TYPE-N, TYPE=N:SIZE or TYPE=SIZE, e.g. web=2, worker+1, web=2:Standard-2X.';

/**
 * `ps:scale` arguments → formation updates (heroku/hk scale.go rules plus the official CLI's
 * relative quantities): `web=3`, `worker+1`, `web-1`, `web=2:Standard-2X`, `web=standard-2x`.
 * Sizes are checked by the API. Pure.
 */
export function parseScaleArgs(args: readonly string[]): ScaleChange[] {
  return args.map((arg) => {
    const quantity = QUANTITY.exec(arg);
    if (quantity) {
      const [, type, op, n, size] = quantity as unknown as [string, string, string, string, string | undefined];
      const change: ScaleChange = { type, quantity: op === '=' ? n : `${op}${n}` };
      if (size !== undefined) change.size = size;
      return change;
    }
    const sizeOnly = SIZE_ONLY.exec(arg);
    if (sizeOnly) return { type: sizeOnly[1] as string, size: sizeOnly[2] as string };
    throw new UsageError(`Invalid scale argument ${JSON.stringify(arg)}. ${FORMS}`);
  });
}

/** `ps:type` arguments: `web=standard-2x …` → size-only updates. Pure. */
export function parseTypeArgs(args: readonly string[]): { type: string; size: string }[] {
  return args.map((arg) => {
    const match = /^([\w-]+)=([\w-]+)$/.exec(arg);
    if (!match) throw new UsageError(`Invalid argument ${JSON.stringify(arg)}: use TYPE=SIZE (e.g. web=standard-2x), or one SIZE for every process type.`);
    return { type: match[1] as string, size: match[2] as string };
  });
}
