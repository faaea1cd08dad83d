/** The console's frame: navigation, the token prompt, and the screen of the current URL. */
import { href, type Route } from '../lib/routes';
import { Link } from './link';
import { PipelinePage } from './pipeline-page';
import { PipelinesPage } from './pipelines-page';
import { QueuesPage } from './queues-page';
import { RunPage } from './run-page';
import { RunsPage } from './runs-page';
import { TokenPrompt } from './token-prompt';
import { useRoute } from './use-route';

export function App() {
  const route = useRoute();
  const active = (name: Route['name'][]) => (name.includes(route.name) ? 'active' : undefined);
  return (
    <>
      <header class="top">
        <h1>pipeline console</h1>
        <nav>
          <Link href={href('/pipelines')} class={active(['pipelines', 'pipeline'])}>
            Pipelines
          </Link>
          <Link href={href('/runs')} class={active(['runs', 'run'])}>
            Runs
          </Link>
          <Link href={href('/queues')} class={active(['queues'])}>
            Queues
          </Link>
        </nav>
      </header>
      <main>
        <Screen route={route} />
      </main>
      <TokenPrompt />
    </>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'pipelines':
      return <PipelinesPage />;
    case 'pipeline':
      return <PipelinePage key={route.id} id={route.id} />;
    case 'runs':
      return <RunsPage query={route.query} />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'queues':
      return <QueuesPage query={route.query} />;
    case 'not-found':
      return (
        <p>
          No screen at <code>{route.path}</code>. <Link href={href('/pipelines')}>Pipelines</Link>
        </p>
      );
  }
}
