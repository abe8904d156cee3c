// A fault-injecting network between SyncEngines and the real server: an in-process wrapper
// around Node's fetch. Every decision comes from a seeded PRNG per device, so a run with the same
// seed makes the same choices for the same sequence of requests. Faults:
//   drop       the request never reaches the server (network error)
//   loseReply  the server handles it (and commits), the client gets a network error
//   duplicate  the request reaches the server twice (sequentially or concurrently); one reply
//   reorder    a push is held: the client sees a timeout; the held request is delivered late,
//              after the device's next request has passed (or after a while)
//   delay      random latency before delivery and before the reply
//   offline    a device whose every request fails
//   kill       the server is SIGKILLed while a push is in flight, then restarted on the same
//              database (and the same port): everyone sees connection errors meanwhile
import type { World } from './world';
import { rng } from './world';

export interface FaultRates {
  drop: number;
  loseReply: number;
  duplicate: number;
  reorder: number;
  delayMs: number;
}

export const NO_FAULTS: FaultRates = { drop: 0, loseReply: 0, duplicate: 0, reorder: 0, delayMs: 0 };

export interface FaultStats {
  requests: number; delivered: number; drop: number; loseReply: number; duplicate: number;
  reorder: number; lateDelivered: number; offline: number; kills: number; connErrors: number;
}

/** The host the engines are given; the wrapper rewrites it to the live server's address. */
export const FAKE_BASE = 'http://boucle.test';

interface Held { url: string; init: RequestInit; since: number }

export class FaultyNet {
  rates: FaultRates;
  enabled = true;
  offline = new Set<string>();
  stats: FaultStats = { requests: 0, delivered: 0, drop: 0, loseReply: 0, duplicate: 0, reorder: 0, lateDelivered: 0, offline: 0, kills: 0, connErrors: 0 };
  private rngs = new Map<string, () => number>();
  private held = new Map<string, Held[]>();
  private killArmed = false;
  private restarting: Promise<void> | null = null;
  log: string[] = [];
  /** Self-check of the tests: remove device_time from pushes (the skew test must then fail). */
  stripDeviceTime = process.env.BOUCLE_FAULT_STRIP_DEVICE_TIME === '1';
  /** Pushes seen, and how many carried `device_time` (docs/SYNC.md "Clocks"). */
  pushes = { total: 0, withDeviceTime: 0, answeredUnderFaults: 0, skewSeen: [] as number[] };

  constructor(private world: World, private seed: number, rates: Partial<FaultRates> = {}) {
    this.rates = { ...NO_FAULTS, ...rates };
  }

  private rand(device: string): () => number {
    let r = this.rngs.get(device);
    if (!r) {
      let h = this.seed >>> 0;
      for (const ch of device) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
      r = rng(h);
      this.rngs.set(device, r);
    }
    return r;
  }

  /** SIGKILL the server while the next push is in flight, then restart it after `downMs`. */
  armKill(): void {
    this.killArmed = true;
  }

  /** Resolves when no restart is in progress. */
  async settled(): Promise<void> {
    while (this.restarting) await this.restarting;
  }

  /** Deliver every held request now (their replies are discarded). */
  async flushHeld(): Promise<void> {
    const all = [...this.held.values()].flat();
    this.held.clear();
    for (const h of all) await this.deliverLate(h);
  }

  private async deliverLate(h: Held): Promise<void> {
    try {
      const res = await globalThis.fetch(this.world.baseUrl + h.url, { ...h.init, signal: undefined });
      await res.arrayBuffer();
      this.stats.lateDelivered++;
    } catch { /* the late copy was lost too */ }
  }

  private async killDuring(send: Promise<Response>, r: () => number): Promise<void> {
    this.stats.kills++;
    // Let the request reach the server, then kill it at a random point of the push's handling.
    await new Promise((res) => setTimeout(res, Math.floor(r() * 4)));
    const restart = (async () => {
      await this.world.kill();
      this.log.push(`killed server during a push at ${new Date().toISOString()}`);
      await new Promise((res) => setTimeout(res, 400 + Math.floor(r() * 400)));
      await this.world.restart();
      this.log.push(`restarted server at ${this.world.baseUrl}`);
    })();
    this.restarting = restart;
    await restart;
    this.restarting = null;
    await send.catch(() => undefined);
  }

  /** The fetch a device's engine uses. */
  forDevice(device: string): typeof fetch {
    const f = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
      const r = this.rand(device);
      const url = String(input).replace(FAKE_BASE, '');
      const method = (init.method ?? 'GET').toUpperCase();
      const isPush = url.startsWith('/api/v1/sync/push');
      this.stats.requests++;
      if (isPush && typeof init.body === 'string') {
        this.pushes.total++;
        try {
          const b = JSON.parse(init.body);
          const dt = typeof b.device_time === 'number' ? b.device_time
            : typeof b.device_time === 'string' ? Date.parse(b.device_time) / 1000 : NaN;
          if (Number.isFinite(dt)) {
            this.pushes.withDeviceTime++;
            this.pushes.skewSeen.push(Math.round(dt - Date.now() / 1000));
          }
        } catch { /* not JSON */ }
        if (this.stripDeviceTime) {
          const b = JSON.parse(init.body);
          delete b.device_time;
          init = { ...init, body: JSON.stringify(b) };
        }
      }
      if (this.offline.has(device)) {
        this.stats.offline++;
        throw new TypeError('fetch failed (device offline)');
      }
      const on = this.enabled;
      const rates = this.rates;
      const draw = () => r();
      const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
      if (on && rates.delayMs) await sleep(Math.floor(draw() * rates.delayMs));
      if (on && draw() < rates.drop) {
        this.stats.drop++;
        throw new TypeError('fetch failed (dropped)');
      }
      if (on && isPush && draw() < rates.reorder) {
        this.stats.reorder++;
        const list = this.held.get(device) ?? [];
        list.push({ url, init: { ...init }, since: Date.now() });
        this.held.set(device, list);
        throw new TypeError('fetch failed (timeout; request held)');
      }
      const target = this.world.baseUrl + url;
      const send = () => globalThis.fetch(target, init);
      let res: Response;
      try {
        if (on && isPush && this.killArmed && !this.restarting) {
          this.killArmed = false;
          const p = send();
          p.catch(() => undefined); // handled below, after the restart
          await this.killDuring(p, r);
          res = await p; // most likely a connection error; maybe the reply made it first
        } else if (on && draw() < rates.duplicate) {
          this.stats.duplicate++;
          if (draw() < 0.5) {
            const [a, b] = await Promise.allSettled([send(), globalThis.fetch(target, { ...init, signal: undefined })]);
            const pick = draw() < 0.5 ? [a, b] : [b, a];
            const ok = pick.find((x) => x.status === 'fulfilled' && x.value.status < 500) ?? pick[0];
            for (const x of pick) if (x !== ok && x.status === 'fulfilled') await x.value.arrayBuffer().catch(() => undefined);
            if (ok.status === 'rejected') throw ok.reason;
            res = ok.value;
          } else {
            const first = await send();
            await first.arrayBuffer();
            res = await globalThis.fetch(target, { ...init, signal: undefined });
          }
        } else {
          res = await send();
        }
      } catch (e) {
        this.stats.connErrors++;
        throw e;
      }
      this.stats.delivered++;
      if (isPush && on && res.ok) this.pushes.answeredUnderFaults++;
      // A push held earlier arrives now, after this later request: out of order.
      const held = this.held.get(device);
      if (held && held.length && (!on || draw() < 0.8)) {
        this.held.delete(device);
        for (const h of held) await this.deliverLate(h);
      }
      if (on && draw() < rates.loseReply) {
        await res.arrayBuffer().catch(() => undefined); // the server has answered: it committed
        this.stats.loseReply++;
        throw new TypeError('fetch failed (reply lost)');
      }
      if (on && rates.delayMs) await sleep(Math.floor(draw() * rates.delayMs));
      return res;
    };
    return f as typeof fetch;
  }
}
