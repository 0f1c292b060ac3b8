import { announce, listen } from './channel';
import { Outbox } from './outbox';
import { resolveEndpoint } from './settings';
import { LogShipper } from './shipper';
import {
  DEFAULT_LOGGING_SETTINGS,
  type LoggingSettings,
  type OutboxStatus,
  type RejectedRecord,
} from './types';

export interface LoggingSnapshot {
  /** False until the stored settings were read; nothing is sent before. */
  loaded: boolean;
  settings: LoggingSettings;
  status: OutboxStatus;
  /** The records the server refused, newest last, with its reasons (first 50). */
  rejected: RejectedRecord[];
}

/** Periodic look at the outbox: covers a notice missed while the page was asleep. */
const SAFETY_FLUSH_MS = 30_000;

/**
 * The page side of logging: holds the settings, runs the shipper, reacts to online/offline and to
 * records queued by the worker, and offers a snapshot for the settings panel (useSyncExternalStore).
 */
export class LoggingController {
  private readonly outbox: Outbox;
  private readonly shipper: LogShipper;
  private snapshot: LoggingSnapshot;
  private readonly listeners = new Set<() => void>();
  private started = false;
  private teardown: (() => void)[] = [];

  constructor(outbox = new Outbox()) {
    this.outbox = outbox;
    this.shipper = new LogShipper({
      outbox,
      settings: async () => this.snapshot.settings,
      baseUrl: () => globalThis.location?.href ?? 'http://localhost/',
      onStatus: (status) => {
        this.set({ status });
        if (status.rejected !== this.snapshot.rejected.length) void this.loadRejected();
      },
    });
    this.snapshot = {
      loaded: false,
      settings: { ...DEFAULT_LOGGING_SETTINGS },
      status: this.shipper.status,
      rejected: [],
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LoggingSnapshot => this.snapshot;

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.shipper.resume();
    let settings: LoggingSettings;
    try {
      settings = await this.outbox.loadSettings();
    } catch (error) {
      // No IndexedDB (some private modes): logging stays off and the panel says why.
      const reason = error instanceof Error ? error.message : String(error);
      this.set({ status: { ...this.snapshot.status, lastError: `no outbox storage: ${reason}` } });
      return;
    }
    this.set({ loaded: true, settings });
    const onOnline = () => void this.shipper.flush(true);
    const onOffline = () => void this.shipper.refresh();
    globalThis.addEventListener?.('online', onOnline);
    globalThis.addEventListener?.('offline', onOffline);
    const stopListening = listen((notice) => {
      if (notice.type === 'settings') void this.reloadSettings();
      else void this.shipper.flush();
    });
    const timer = setInterval(() => void this.shipper.flush(), SAFETY_FLUSH_MS);
    this.teardown = [
      () => globalThis.removeEventListener?.('online', onOnline),
      () => globalThis.removeEventListener?.('offline', onOffline),
      stopListening,
      () => clearInterval(timer),
      () => this.shipper.stop(),
    ];
    await this.loadRejected();
    await this.shipper.flush(true);
  }

  stop(): void {
    for (const undo of this.teardown) undo();
    this.teardown = [];
    this.started = false;
  }

  /**
   * Saves a change (checked first: an unusable endpoint is refused with the reason) and tells the
   * worker and other tabs; sending starts or stops at once.
   */
  async update(change: Partial<LoggingSettings>): Promise<void> {
    const next = { ...this.snapshot.settings, ...change };
    resolveEndpoint(next.endpoint, globalThis.location?.href ?? 'http://localhost/');
    await this.outbox.saveSettings(next);
    this.set({ settings: await this.outbox.loadSettings() });
    announce({ type: 'settings' });
    await this.shipper.flush(true);
  }

  /** Tries at once instead of waiting for the backoff. */
  retryNow(): Promise<void> {
    return this.shipper.flush(true);
  }

  /** Forgets queued records; offered only while logging is off (the user changed their mind). */
  async discardQueued(): Promise<void> {
    if (this.snapshot.settings.enabled)
      throw new Error('turn logging off before discarding records');
    await this.outbox.discardQueued();
    await this.shipper.refresh();
  }

  private async reloadSettings(): Promise<void> {
    const settings = await this.outbox.loadSettings();
    // This page's own announcement comes back too: unchanged settings must not cut a backoff short.
    const current = this.snapshot.settings;
    if (
      settings.enabled === current.enabled &&
      settings.endpoint === current.endpoint &&
      settings.includeSmiles === current.includeSmiles
    )
      return;
    this.set({ settings });
    await this.shipper.flush(true);
  }

  private async loadRejected(): Promise<void> {
    this.set({ rejected: await this.outbox.rejectedRecords() });
  }

  private set(change: Partial<LoggingSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

let pageController: LoggingController | null = null;

/** One controller per page, started on first use. */
export function pageLogging(): LoggingController {
  if (!pageController) {
    pageController = new LoggingController();
    void pageController.start();
  }
  return pageController;
}
