/**
 * Coalesces concurrent single-item calls into batch calls: while `maxInFlight` batches are
 * running, new items wait and go together in the next one (at most `maxBatch` per call). Under
 * no load an item runs at once, alone; under load the statements per item fall with the load.
 */
export class Batcher<In, Out> {
  private queue: { item: In; resolve: (v: Out) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly opts: { maxInFlight: number; maxBatch: number },
  ) {}

  load(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing is queued or running. */
  drained(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      this.run(batch.map((b) => b.item))
        .then(
          (outs) => {
            batch.forEach((b, i) => {
              b.resolve(outs[i] as Out);
            });
          },
          (err) => {
            for (const b of batch) b.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.inFlight === 0 && this.queue.length === 0) for (const r of this.idle.splice(0)) r();
        });
    }
  }
}
