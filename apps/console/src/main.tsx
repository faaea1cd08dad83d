/** The web console's entry point (DESIGN §10), served by the api at `/console`. */
import { render } from 'preact';
import { App } from './components/app';
import './styles.css';

render(<App />, document.getElementById('app')!);
