import { Component, lazy, Suspense, useEffect, type ReactNode } from 'react';
import { ErrorBox } from './components/ErrorBox';
import { Loading } from './components/Loading';
import { CatalogScreen } from './screens/Catalog';
import { HistoryScreen } from './screens/History';
import { useApp } from './store/context';
import type { Route } from './store/router';

export function App() {
  const route = useApp((s) => s.route);
  const navigate = useApp((s) => s.navigate);
  const connection = useApp((s) => s.connection);
  const runId = useApp((s) => s.runId);

  // Move focus to the new screen's heading so keyboard and screen-reader users land somewhere sensible.
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main h1, main h2');
    heading?.focus({ preventScroll: true });
  }, [route]);

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="brand" onClick={() => navigate({ name: 'catalog' })} aria-label="Firedrill home">
          <span className="brand-mark" aria-hidden="true">▲</span> FIREDRILL
        </button>
        <nav aria-label="Main">
          <NavLink route={{ name: 'catalog' }} current={route} label="Scenarios" />
          <NavLink route={{ name: 'history' }} current={route} label="History" />
          <NavLink route={{ name: 'studio' }} current={route} label="Studio" />
          <NavLink route={{ name: 'game' }} current={route} label="Game day" />
          {runId && route.name !== 'live' ? (
            <NavLink route={{ name: 'live', runId }} current={route} label="Current run" />
          ) : null}
        </nav>
        <div className="topbar-status" aria-live="polite">
          {runId ? <span className={`conn conn-${connection}`}>events {connection}</span> : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ScreenBoundary key={JSON.stringify(route)}>
          <Suspense
            fallback={
              <section className="screen">
                <Loading label="Loading…" />
              </section>
            }
          >
            <Screen route={route} />
          </Suspense>
        </ScreenBoundary>
      </main>
    </div>
  );
}

// The catalog loads first and fast; screens that bring xterm or the markdown renderer load on demand.
const BriefingScreen = lazy(() => import('./screens/Briefing').then((m) => ({ default: m.BriefingScreen })));
const LiveScreen = lazy(() => import('./screens/Live').then((m) => ({ default: m.LiveScreen })));
const PostmortemScreen = lazy(() => import('./screens/Postmortem').then((m) => ({ default: m.PostmortemScreen })));
const StudioScreen = lazy(() => import('./screens/Studio').then((m) => ({ default: m.StudioScreen })));
const GameScreen = lazy(() => import('./screens/Game').then((m) => ({ default: m.GameScreen })));
const ReportScreen = lazy(() => import('./screens/Report').then((m) => ({ default: m.ReportScreen })));

function NavLink({ route, current, label }: { route: Route; current: Route; label: string }) {
  const navigate = useApp((s) => s.navigate);
  const active = route.name === current.name || (route.name === 'catalog' && current.name === 'briefing');
  return (
    <button
      type="button"
      className={`nav-link${active ? ' active' : ''}`}
      aria-current={active ? 'page' : undefined}
      onClick={() => navigate(route)}
    >
      {label}
    </button>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'catalog':
      return <CatalogScreen />;
    case 'briefing':
      return <BriefingScreen name={route.scenario} />;
    case 'live':
      return <LiveScreen runId={route.runId} />;
    case 'postmortem':
      return <PostmortemScreen runId={route.runId} />;
    case 'report':
      return <ReportScreen runId={route.runId} />;
    case 'history':
      return <HistoryScreen />;
    case 'studio':
      return <StudioScreen {...(route.pack ? { pack: route.pack } : {})} />;
    case 'game':
      return <GameScreen />;
  }
}

/** A rendering bug shows an error with a way out, not a blank screen. */
class ScreenBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error) {
      return (
        <section className="screen">
          <ErrorBox
            error={Object.assign(this.state.error, { fix: 'Go back to the scenarios and try again; if it repeats, report it with the run id.' })}
            title="This screen crashed"
            onRetry={() => this.setState({ error: null })}
          />
        </section>
      );
    }
    return this.props.children;
  }
}
