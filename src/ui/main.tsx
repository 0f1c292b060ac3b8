// The entry chunk holds only the boot code (engine + store), so the prediction worker and the model
// load start as soon as this small chunk runs; React, OpenChemLib and the app (about 1.3 MB) download and
// parse in a second chunk while the worker starts.
import './boot';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
import('./startApp').then(
  ({ startApp }) => startApp(root),
  (error: unknown) => {
    // Never a blank page: say what failed and how to recover.
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.textContent = `The app could not be loaded (${
      error instanceof Error ? error.message : String(error)
    }). Reload the page to try again.`;
    root.replaceChildren(message);
  },
);
