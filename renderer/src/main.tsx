import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient, toApiError } from './api/client';
import { App } from './App';
import { ErrorBox } from './components/ErrorBox';
import { AppProvider } from './store/context';
import { parseHash } from './store/router';
import { createAppStore } from './store/store';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

async function boot(): Promise<void> {
  try {
    const client = await createClient();
    const store = createAppStore({
      client,
      onNavigate: (hash) => {
        if (window.location.hash !== hash) window.location.hash = hash;
      },
    });
    store.getState().routeChanged(parseHash(window.location.hash));
    window.addEventListener('hashchange', () => store.getState().routeChanged(parseHash(window.location.hash)));
    root.render(
      <StrictMode>
        <AppProvider store={store} client={client}>
          <App />
        </AppProvider>
      </StrictMode>,
    );
  } catch (error) {
    root.render(
      <main className="boot-error">
        <h1 className="brand">Firedrill</h1>
        <ErrorBox error={toApiError(error)} title="Firedrill could not connect" />
      </main>,
    );
  }
}

void boot();
