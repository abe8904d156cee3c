import { render } from 'preact';
import { addMessages } from './i18n';
import { messages } from './messages';
import { App } from './shell';
import './ui/styles.css';

addMessages(messages);
document.documentElement.lang = 'fr';

render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch((e) => console.warn('service worker', e));
  });
}
