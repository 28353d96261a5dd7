// What long reads report as they go (pages read, requests retried), for progress to show: a context's own channel.

/** A request about to be sent again, and when. */
export interface RetryEvent {
  /** What went wrong, short: "503", "429", "connection dropped". */
  reason: string;
  /** How long tally waits before the next attempt. */
  delayMs: number;
  /** Which retry this is (1 for the first) of how many allowed (--retries). */
  attempt: number;
  retries: number;
}

/** What one read reports of each page: the entries new to it, and the provider's count of all it will read, where known. */
export type PageReport = (entries: number, total?: number) => void;

export interface ActivityListener {
  /** `read` tells reads apart (an --all fan-out runs several at once). */
  page?(read: number, entries: number, total: number | undefined): void;
  retry?(event: RetryEvent): void;
}

export interface Activity {
  /**
   * A new read's page reporter. `total: false` (or a function saying so, asked at the first page) when the provider's total does not say how much this read
   * will take (it stops early: --since applied locally, a checkpoint); `upTo`: the most it will read (--limit).
   */
  read(options?: { total?: boolean | (() => boolean); upTo?: number }): PageReport;
  retry(event: RetryEvent): void;
  /** Hears of every page and retry from now on; returns a function that stops it. */
  listen(listener: ActivityListener): () => void;
}

export function createActivity(): Activity {
  const listeners = new Set<ActivityListener>();
  let reads = 0;
  return {
    read(options = {}) {
      const id = ++reads;
      const { upTo } = options;
      let counted: boolean | undefined;
      return (entries, total) => {
        counted ??= typeof options.total === 'function' ? options.total() : options.total !== false;
        const known = counted && total !== undefined ? Math.min(total, upTo ?? total) : undefined;
        for (const l of listeners) l.page?.(id, entries, known);
      };
    },
    retry(event) {
      for (const l of listeners) l.retry?.(event);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
