import { render } from 'preact';

render(<main>Smart mirror</main>, document.getElementById('app') ?? document.body);
