// All stores of the territory, searchable, on a map.
import { useMemo, useState } from 'preact/hooks';
import { t } from '../i18n';
import { db, go, useLive } from '../state';
import { StopsMap } from '../ui/StopsMap';

export function StoreList() {
  const stores = useLive(() => db.stores.toArray(), [], []);
  const [q, setQ] = useState('');
  const [showMap, setShowMap] = useState(false);
  const list = useMemo(() => {
    const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const words = norm(q).split(/\s+/).filter(Boolean);
    return stores
      .filter((s) => words.every((w) => norm(`${s.name} ${s.city} ${s.postcode} ${s.code} ${s.banner}`).includes(w)))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  }, [stores, q]);
  return (
    <main class="page">
      <h1>{t('stores.title')}</h1>
      <div class="row">
        <input type="search" class="grow" placeholder={t('stores.search')} value={q} data-testid="store-search"
          onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        <button onClick={() => setShowMap(!showMap)}>{showMap ? t('stores.hideMap') : t('stores.showMap')}</button>
      </div>
      {showMap && <StopsMap points={list.slice(0, 500).map((s) => ({ lat: s.lat, lon: s.lon, title: s.name, status: 'todo', onClick: () => go(`#/store/${s.id}`) }))} />}
      <p class="muted">{t('stores.count', { n: list.length })}</p>
      <ul class="list">
        {list.slice(0, 200).map((s) => (
          <li><a href={`#/store/${s.id}`} data-testid="store-item"><b>{s.name}</b><small>{[s.banner, s.city, t(`channel.${s.channel}`)].filter(Boolean).join(' · ')}</small></a></li>
        ))}
      </ul>
    </main>
  );
}
