/** The current screen, following `navigate` calls and the browser's back/forward buttons. */
import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from '../lib/routes';

const EVENT = 'console:navigate';

/** Go to a console URL without reloading the page. */
export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(EVENT));
}

/** The route of `location`, re-read on every navigation. */
export function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}
