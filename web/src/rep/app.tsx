import type { Session } from '../session';
import { t } from '../i18n';
import { Week } from './week';
import { StoreList } from './stores';
import { StorePage } from './store';
import { VisitPage } from './visit';
import { SyncPage } from './syncpage';
import { Settings } from './settings';

export function RepApp({ route, session }: { route: string[]; session: Session }) {
  const [page, arg, arg2] = route;
  switch (page) {
    case undefined:
    case 'week':
      return <Week session={session} />;
    case 'stores':
      return <StoreList />;
    case 'store':
      return <StorePage key={arg} storeId={Number(arg)} />;
    case 'visit':
      return <VisitPage key={`${arg}/${arg2 ?? ''}`} clientId={arg === 'new' ? null : arg} newStoreId={arg === 'new' ? Number(arg2) : null} />;
    case 'sync':
      return <SyncPage />;
    case 'settings':
      return <Settings session={session} />;
    default:
      return <main class="page"><p>{t('common.notFound')}</p><a href="#/week">{t('nav.week')}</a></main>;
  }
}
