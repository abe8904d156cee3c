// The manager's part of the web app (lazy-loaded for managers and admins): hash routes under
// #/manager/<view>, a navigation bar (tabs on a laptop, a menu on a phone) and seven views.
import { useEffect, useState } from 'preact/hooks';
import { addMessages, t } from '../i18n';
import { getSession } from '../session';
import { CampaignsView } from './campaigns';
import { ConflictsView } from './conflicts';
import { forgetCaches } from './data';
import { ImportsView } from './imports';
import { KpisView } from './kpis';
import { messages } from './messages';
import { PlanningView } from './planning';
import { SegmentsView } from './segments';
import { TeamView } from './team';
import './manager.css';

addMessages(messages);

export const VIEWS = ['team', 'segments', 'campaigns', 'planning', 'kpis', 'imports', 'conflicts'] as const;
export type View = (typeof VIEWS)[number];

export function viewOfHash(hash: string): View {
  const m = /^#\/manager\/?([a-z]*)/.exec(hash);
  const v = (m?.[1] ?? '') as View;
  return VIEWS.includes(v) ? v : 'team';
}

function useHashView(): View {
  const [view, setView] = useState<View>(() => viewOfHash(location.hash));
  useEffect(() => {
    const on = () => setView(viewOfHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return view;
}

export function ManagerApp() {
  const view = useHashView();
  const [menuOpen, setMenuOpen] = useState(false);
  const session = getSession();
  const role = session?.user.role;

  // Users and stores are cached across views; data changes on the server drop the cache.
  useEffect(() => {
    const on = () => forgetCaches();
    window.addEventListener('boucle:changed', on);
    return () => window.removeEventListener('boucle:changed', on);
  }, []);
  useEffect(() => setMenuOpen(false), [view]);
  useEffect(() => {
    document.title = `${t(`mgr.nav.${view}`)} · Boucle`;
  }, [view]);

  if (role !== 'manager' && role !== 'admin') {
    return (
      <main class="mgr-app">
        <p class="mgr-error">{t('mgr.forbidden')}</p>
      </main>
    );
  }

  return (
    <div class="mgr-app">
      <nav class={menuOpen ? 'mgr-nav open' : 'mgr-nav'} aria-label={t('mgr.nav.label')}>
        <button
          type="button"
          class="mgr-menu-btn"
          aria-expanded={menuOpen}
          aria-controls="mgr-nav-list"
          onClick={() => setMenuOpen(!menuOpen)}
          data-testid="mgr-nav-menu"
        >
          ☰ {t(`mgr.nav.${view}`)}
        </button>
        <ul id="mgr-nav-list" role="list">
          {VIEWS.map((v) => (
            <li key={v}>
              <a
                href={`#/manager/${v}`}
                class={v === view ? 'active' : ''}
                aria-current={v === view ? 'page' : undefined}
                data-testid={`mgr-nav-${v}`}
              >
                {t(`mgr.nav.${v}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="mgr-main" data-testid={`mgr-view-${view}`}>
        {view === 'team' && <TeamView />}
        {view === 'segments' && <SegmentsView />}
        {view === 'campaigns' && <CampaignsView />}
        {view === 'planning' && <PlanningView />}
        {view === 'kpis' && <KpisView />}
        {view === 'imports' && <ImportsView />}
        {view === 'conflicts' && <ConflictsView />}
      </main>
    </div>
  );
}

export default ManagerApp;
