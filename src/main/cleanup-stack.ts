/**
 * What a composition root undoes when it stops, last acquired first: each step registers its
 * cleanup as soon as it holds the resource, so a failure half-way undoes exactly what was done.
 * A failing cleanup is reported and the rest still run; each runs once.
 */
export class CleanupStack {
  private readonly steps: Array<() => Promise<void>> = [];

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Registers a cleanup; it runs before every cleanup registered earlier. */
  defer(cleanup: () => Promise<void> | void): void {
    this.steps.push(async () => cleanup());
  }

  /** Runs every cleanup, newest first, and forgets them. */
  async unwind(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step().catch(this.onError);
  }
}
