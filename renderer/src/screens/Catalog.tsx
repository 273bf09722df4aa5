import { useEffect, useMemo, useRef } from 'react';
import type { DoctorReport, LearningPathView, ScenarioSummary } from '../../../shared/api/contract';
import { ErrorBox } from '../components/ErrorBox';
import { Loading } from '../components/Loading';
import { useApp } from '../store/context';
import { allTags, filterScenarios, type Difficulty } from '../store/filter';
import type { Loadable } from '../store/store';

const DIFFICULTIES: Difficulty[] = ['beginner', 'intermediate', 'advanced'];

export function CatalogScreen() {
  const doctor = useApp((s) => s.doctor);
  const scenarios = useApp((s) => s.scenarios);
  const filter = useApp((s) => s.filter);
  const setFilter = useApp((s) => s.setFilter);
  const loadDoctor = useApp((s) => s.loadDoctor);
  const loadScenarios = useApp((s) => s.loadScenarios);
  const search = useRef<HTMLInputElement>(null);
  const paths = useApp((s) => s.paths);
  const loadPaths = useApp((s) => s.loadPaths);

  useEffect(() => {
    if (paths.status === 'idle') void loadPaths();
  }, [paths.status, loadPaths]);

  useEffect(() => {
    if (doctor.status === 'idle') void loadDoctor();
    if (scenarios.status === 'idle') void loadScenarios();
  }, [doctor.status, scenarios.status, loadDoctor, loadScenarios]);

  // "/" jumps to search, like most consoles.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key === '/' && !target?.closest('input, textarea, select, [contenteditable], .xterm')) {
        event.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const list = 'data' in scenarios && scenarios.data ? scenarios.data : [];
  const tags = useMemo(() => allTags(list), [list]);
  const shown = useMemo(() => filterScenarios(list, filter), [list, filter]);

  return (
    <section className="screen catalog" aria-labelledby="catalog-title">
      <div className="screen-head">
        <h1 id="catalog-title" tabIndex={-1}>
          Scenarios
        </h1>
        <span className="muted">Pick an incident. You will be paged.</span>
      </div>

      <DoctorPanel doctor={doctor} onRetry={() => void loadDoctor()} />

      <div className="filters" role="search">
        <label className="field grow">
          <span>Search</span>
          <input
            ref={search}
            type="search"
            placeholder="name, tag, runtime…  ( / )"
            value={filter.query}
            aria-label="Search scenarios"
            onChange={(e) => setFilter({ query: e.target.value })}
          />
        </label>
        <label className="field">
          <span>Difficulty</span>
          <select
            value={filter.difficulty}
            aria-label="Difficulty"
            onChange={(e) => setFilter({ difficulty: e.target.value as Difficulty | 'all' })}
          >
            <option value="all">all</option>
            {DIFFICULTIES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Tag</span>
          <select value={filter.tag} aria-label="Tag" onChange={(e) => setFilter({ tag: e.target.value })}>
            <option value="all">all</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>

      {scenarios.status === 'error' ? (
        <ErrorBox error={scenarios.error} title="Could not list scenarios" onRetry={() => void loadScenarios()} />
      ) : null}
      {scenarios.status === 'loading' && list.length === 0 ? <Loading label="Loading scenarios…" /> : null}
      {scenarios.status === 'ready' && list.length === 0 ? (
        <p className="empty">No scenarios installed. Scenario packs live in the scenarios/ folder.</p>
      ) : null}
      {list.length > 0 && shown.length === 0 ? (
        <p className="empty">
          No scenario matches these filters.{' '}
          <button type="button" className="btn-link" onClick={() => setFilter({ query: '', tag: 'all', difficulty: 'all' })}>
            Clear filters
          </button>
        </p>
      ) : null}
      {'data' in paths && paths.data && paths.data.length > 0 ? <LearningPaths paths={paths.data} /> : null}
      <ul className="cards" aria-label="Scenarios" data-testid="scenario-list">
        {shown.map((scenario) => (
          <li key={scenario.name}>
            <ScenarioCard scenario={scenario} />
          </li>
        ))}
      </ul>
    </section>
  );
}

const STATUS_TEXT = { done: 'done', next: 'next up', open: 'open', locked: 'locked' } as const;

function LearningPaths({ paths }: { paths: LearningPathView[] }) {
  const navigate = useApp((s) => s.navigate);
  return (
    <section className="paths" aria-label="Learning paths" data-testid="learning-paths">
      <h2>Learning paths</h2>
      {paths.map((path) => (
        <article key={path.id} className="path" data-testid={`path-${path.id}`}>
          <h3>
            {path.title}{' '}
            <span className="muted mono">
              {path.done}/{path.steps.length} done
            </span>
          </h3>
          <p className="muted">{path.description}</p>
          {path.problems.length ? <pre className="warn-text">{path.problems.join('\n')}</pre> : null}
          <ol className="path-steps">
            {path.steps.map((step) => (
              <li key={step.scenario} className={`path-step step-${step.status}`} data-status={step.status}>
                <button type="button" className="btn-link" disabled={step.status === 'locked'} onClick={() => navigate({ name: 'briefing', scenario: step.scenario })}>
                  {step.scenario}
                </button>{' '}
                <span className="mono">{STATUS_TEXT[step.status]}</span>
                {step.bestScore !== null ? <span className="muted"> · best {step.bestScore}</span> : null}
                {step.targetScore !== null ? <span className="muted"> · target {step.targetScore}</span> : null}
                {step.status === 'locked' ? <span className="muted"> · after {step.prerequisites.join(', ')}</span> : null}
              </li>
            ))}
          </ol>
        </article>
      ))}
    </section>
  );
}

function DoctorPanel({ doctor, onRetry }: { doctor: Loadable<DoctorReport>; onRetry: () => void }) {
  if (doctor.status === 'error') {
    return <ErrorBox error={doctor.error} title="Could not check prerequisites" onRetry={onRetry} testId="doctor-error" />;
  }
  const report: DoctorReport | undefined = 'data' in doctor ? doctor.data : undefined;
  if (!report) return <Loading label="Checking prerequisites…" />;
  const problems = report.checks.filter((c) => c.status !== 'pass');
  return (
    <section
      className={`doctor ${problems.length === 0 ? 'doctor-ok' : 'doctor-problems'}`}
      aria-label="Prerequisites"
      data-testid="doctor"
    >
      <div className="doctor-head">
        <span className={`dot ${problems.length === 0 ? 'dot-pass' : report.ok ? 'dot-warn' : 'dot-fail'}`} aria-hidden="true" />
        <strong>
          {problems.length === 0
            ? 'Prerequisites: all good'
            : `Prerequisites: ${problems.length} of ${report.checks.length} need attention`}
        </strong>
        <button type="button" className="btn btn-small btn-ghost" onClick={onRetry} disabled={doctor.status === 'loading'}>
          {doctor.status === 'loading' ? 'Checking…' : 'Re-check'}
        </button>
      </div>
      <ul className="doctor-checks">
        {report.checks.map((check) => (
          <li
            key={check.id}
            className={`doctor-check status-${check.status}`}
            data-testid={`doctor-check-${check.id}`}
            data-status={check.status}
          >
            <span className={`dot dot-${check.status}`} aria-hidden="true" />
            <span className="check-title">{check.title}</span>
            <span className="sr-only">: {check.status}</span>
            {check.status !== 'pass' ? (
              <div className="check-detail">
                <div>{check.detail}</div>
                {check.fix ? (
                  <div className="error-fix">
                    <span className="label">Fix</span> {check.fix}
                  </div>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ScenarioCard({ scenario }: { scenario: ScenarioSummary }) {
  const navigate = useApp((s) => s.navigate);
  return (
    <article
      className={`card scenario-card${scenario.runnable ? '' : ' not-runnable'}`}
      data-testid={`scenario-card-${scenario.name}`}
      aria-labelledby={`scenario-${scenario.name}`}
    >
      <div className="card-top">
        <span className={`badge difficulty-${scenario.difficulty}`}>{scenario.difficulty}</span>
        <span className="muted mono">~{scenario.estimatedMinutes} min · par {scenario.parMinutes} min</span>
      </div>
      <h2 className="card-title" id={`scenario-${scenario.name}`}>
        <button type="button" className="stretched" onClick={() => navigate({ name: 'briefing', scenario: scenario.name })}>
          {scenario.title}
        </button>
      </h2>
      <p className="card-summary">{scenario.summary}</p>
      <div className="chips">
        {scenario.tags.map((tag) => (
          <span key={tag} className="chip">
            #{tag}
          </span>
        ))}
      </div>
      <div className="card-meta mono">
        <span>runtime: {scenario.runtimes.join(', ') || '—'}</span>
        <span className={scenario.imagesBuilt ? 'ok-text' : 'warn-text'}>
          {scenario.imagesBuilt ? 'images built' : 'images not built'}
        </span>
        {scenario.source && scenario.source.kind !== 'shipped' ? (
          <span data-testid={`scenario-source-${scenario.name}`}>
            {scenario.source.kind === 'installed' ? `installed v${scenario.source.version ?? '?'}${scenario.source.from ? ` from ${scenario.source.from}` : ''}` : 'your pack'}
          </span>
        ) : null}
      </div>
      {!scenario.runnable ? (
        <div className="card-problems" role="note">
          <strong>Cannot run here:</strong>
          <ul>
            {scenario.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </article>
  );
}
