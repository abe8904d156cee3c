// App-wide singletons: the local database and the sync engine, plus small Preact hooks.
import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import { BoucleDb } from './db';
import { SyncEngine, type SyncStatus } from './sync/engine';
import { getSession } from './session';

export let db = new BoucleDb();
let engine: SyncEngine | null = null;

export function getEngine(): SyncEngine {
  if (!engine) {
    engine = new SyncEngine({
      db,
      token: () => getSession()?.token ?? null,
      userId: () => {
        const u = getSession()?.user;
        return u && u.role === 'rep' ? u.id : null;
      },
    });
  }
  return engine;
}

/** Another user still has work on this device that has not reached the server. */
export class UnsentWorkError extends Error {
  constructor(readonly pending: number) {
    super(`${pending} unsent changes of another user`);
    this.name = 'UnsentWorkError';
  }
}

/** Called at login: another user's data never stays on the device, but their work that has not
 *  reached the server is never thrown away either: the login is refused until it is sent. */
export async function prepareDbFor(userId: number): Promise<void> {
  const owner = await db.getMeta<number | null>('owner_user_id', null);
  if (owner !== null && owner !== userId) {
    const unsent = (await db.outbox.count()) + (await db.blobs.filter((b) => !b.complete).count());
    if (unsent > 0) throw new UnsentWorkError(unsent);
    engine?.stopAuto();
    engine = null;
    await db.delete();
    db = new BoucleDb();
    await db.open();
  }
  await db.setMeta('owner_user_id', userId);
}

export function useLive<T>(query: () => Promise<T>, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({ next: (v) => setValue(v), error: (e) => console.error(e) });
    return () => sub.unsubscribe();
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return value;
}

export function useSyncStatus(): SyncStatus | null {
  const [s, setS] = useState<SyncStatus | null>(null);
  useEffect(() => getEngine().subscribe(setS), []);
  // Outbox changes made by other components (enqueue) also refresh the badge.
  const pending = useLive(() => db.outbox.count(), [], 0);
  return s ? { ...s, pending } : null;
}

export function useHash(): string[] {
  const read = () => (location.hash.replace(/^#\/?/, '') || '').split('/').filter(Boolean).map(decodeURIComponent);
  const [parts, setParts] = useState<string[]>(read);
  useEffect(() => {
    const f = () => setParts(read());
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return parts;
}

export function go(hash: string): void {
  location.hash = hash;
}

export function useOnline(): boolean {
  const [on, setOn] = useState(typeof navigator === 'undefined' ? true : navigator.onLine);
  useEffect(() => {
    const up = () => setOn(true);
    const down = () => setOn(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => { window.removeEventListener('online', up); window.removeEventListener('offline', down); };
  }, []);
  return on;
}

export const nowSec = () => Math.floor(Date.now() / 1000);
