import { useState } from 'preact/hooks';
import { getLocale, setLocale, t } from '../i18n';
import type { Session } from '../session';
import { logout } from '../shell';
import { db, useLive } from '../state';
import { DEFAULT_TILES, getTileUrl, setTileUrl } from '../ui/map';

export function Settings({ session }: { session: Session }) {
  const [tiles, setTiles] = useState(getTileUrl());
  const [saved, setSaved] = useState(false);
  const device = useLive(() => db.getMeta<string | null>('device_id', null), [], null);
  const cursor = useLive(() => db.getMeta<number>('cursor', 0), [], 0);
  return (
    <main class="page">
      <h1>{t('settings.title')}</h1>
      <section class="card">
        <p>{session.user.name || session.user.email}<br /><small class="muted">{session.user.email} · {t(`role.${session.user.role}`)}</small></p>
        <button data-testid="logout" onClick={() => void logout()}>{t('settings.logout')}</button>
      </section>
      <section class="card">
        <label>{t('settings.language')}
          <select value={getLocale()} data-testid="locale" onChange={(e) => setLocale((e.target as HTMLSelectElement).value as 'fr' | 'en')}>
            <option value="fr">Français</option><option value="en">English</option>
          </select>
        </label>
      </section>
      <section class="card">
        <label>{t('settings.tiles')}
          <input value={tiles} data-testid="tiles-url" onInput={(e) => { setTiles((e.target as HTMLInputElement).value); setSaved(false); }} />
        </label>
        <small class="muted">{t('settings.tilesHelp')}</small>
        <div class="row">
          <button class="primary" onClick={() => { setTileUrl(tiles); setSaved(true); }}>{t('common.save')}</button>
          <button onClick={() => { setTiles(DEFAULT_TILES); setTileUrl(DEFAULT_TILES); setSaved(true); }}>{t('settings.tilesDefault')}</button>
          <button onClick={() => { setTiles(''); setTileUrl(''); setSaved(true); }}>{t('settings.tilesNone')}</button>
        </div>
        {saved && <p class="muted">{t('settings.saved')}</p>}
      </section>
      <section class="card">
        <small class="muted">{t('settings.device', { id: device ?? '–' })}<br />{t('settings.cursor', { n: cursor })}</small>
      </section>
    </main>
  );
}
