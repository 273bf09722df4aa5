/**
 * The Studio: start a pack from a template, edit its files with the validator's diagnostics as you type,
 * "Test this pack" (the phases of `firedrill test`, streaming), export it as a `.firedrill` archive, and import
 * one (after seeing what it runs). Shipped packs open read-only.
 */
import { useEffect, useState } from 'react';
import type { StudioDiagnostic } from '../../../shared/api/contract';
import { CodeEditor } from '../components/CodeEditor';
import { ErrorBox } from '../components/ErrorBox';
import { Markdown } from '../components/Markdown';
import { useApp } from '../store/context';
import { downloadBlob } from '../lib/download';

export function StudioScreen({ pack }: { pack?: string }) {
  const editor = useApp((s) => s.editor);
  const error = useApp((s) => s.studioError);
  const busy = useApp((s) => s.studioBusy);
  const notice = useApp((s) => s.studioNotice);
  const openPack = useApp((s) => s.openPack);
  const loadTemplates = useApp((s) => s.loadTemplates);
  const scenarios = useApp((s) => s.scenarios);
  const loadScenarios = useApp((s) => s.loadScenarios);

  useEffect(() => {
    void loadTemplates();
    if (scenarios.status === 'idle') void loadScenarios();
  }, [loadTemplates, loadScenarios, scenarios.status]);

  useEffect(() => {
    if (pack && editor?.pack !== pack) void openPack(pack);
  }, [pack, editor?.pack, openPack]);

  return (
    <section className="screen studio" aria-labelledby="studio-title">
      <div className="screen-head">
        <h1 id="studio-title" tabIndex={-1}>
          Studio{editor ? `: ${editor.pack}` : ''}
        </h1>
        <span className="muted">Author, test and share scenario packs.</span>
      </div>
      <div className="studio-actions">
        <NewScenario />
        <ImportArchive />
        <OpenPack />
      </div>
      {busy ? <p className="muted" role="status">{busy}…</p> : null}
      {notice ? <p className="ok-text" role="status" data-testid="studio-notice">{notice}</p> : null}
      {error ? <ErrorBox error={error} title="The Studio could not do that" testId="studio-error" /> : null}
      {editor ? <Editor /> : <p className="empty">Create a pack, or open one of yours, to edit it here.</p>}
    </section>
  );
}

function NewScenario() {
  const templates = useApp((s) => s.templates);
  const createPack = useApp((s) => s.createPack);
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('minimal');
  return (
    <form
      className="studio-box"
      aria-label="New scenario"
      onSubmit={(e) => {
        e.preventDefault();
        void createPack(name.trim(), template);
      }}
    >
      <h2>New scenario</h2>
      <label className="field">
        <span>Name</span>
        <input value={name} aria-label="New pack name" placeholder="cert-expiry" pattern="[a-z0-9][a-z0-9\-]*" required onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span>Template</span>
        <select value={template} aria-label="Template" onChange={(e) => setTemplate(e.target.value)}>
          {templates.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}: {t.title}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn">
        Create
      </button>
    </form>
  );
}

function OpenPack() {
  const scenarios = useApp((s) => s.scenarios);
  const navigate = useApp((s) => s.navigate);
  const list = 'data' in scenarios && scenarios.data ? scenarios.data : [];
  const [choice, setChoice] = useState('');
  return (
    <form
      className="studio-box"
      aria-label="Open a pack"
      onSubmit={(e) => {
        e.preventDefault();
        if (choice) navigate({ name: 'studio', pack: choice });
      }}
    >
      <h2>Open a pack</h2>
      <select value={choice} aria-label="Pack to open" onChange={(e) => setChoice(e.target.value)}>
        <option value="">choose…</option>
        {list.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name}
            {s.source?.kind === 'shipped' ? ' (shipped, read-only)' : ''}
          </option>
        ))}
      </select>
      <button type="submit" className="btn btn-ghost">
        Open
      </button>
    </form>
  );
}

function ImportArchive() {
  const inspectArchive = useApp((s) => s.inspectArchive);
  const pending = useApp((s) => s.pendingImport);
  const confirmImport = useApp((s) => s.confirmImport);
  const cancelImport = useApp((s) => s.cancelImport);
  return (
    <div className="studio-box" aria-label="Import a pack" role="group">
      <h2>Import a pack</h2>
      <input
        type="file"
        accept=".firedrill"
        aria-label="Pack archive to import"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) await inspectArchive(file.name, new Uint8Array(await file.arrayBuffer()));
          e.target.value = '';
        }}
      />
      {pending ? (
        <div className="import-consent" data-testid="import-consent">
          <p>
            <strong>This pack will run on your machine:</strong>
          </p>
          <ul>
            {pending.summary.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          {pending.summary.installedVersion ? <p>It replaces version {pending.summary.installedVersion}; your history of it stays.</p> : null}
          <button type="button" className="btn" onClick={() => void confirmImport()}>
            Install
          </button>{' '}
          <button type="button" className="btn btn-ghost" onClick={cancelImport}>
            Cancel
          </button>
        </div>
      ) : null}
    </div>
  );
}

function Editor() {
  const editor = useApp((s) => s.editor)!;
  const openFile = useApp((s) => s.openFile);
  const editContent = useApp((s) => s.editContent);
  const saveFile = useApp((s) => s.saveFile);
  const testPack = useApp((s) => s.testPack);
  const packTest = useApp((s) => s.packTest);
  const exportPack = useApp((s) => s.exportPack);
  const startRun = useApp((s) => s.navigate);
  const [version, setVersion] = useState('1.0.0');
  const schema = useApp((s) => s.scenarioSchema);
  const dirty = editor.content !== editor.saved;
  const errors = editor.diagnostics.filter((d) => d.severity === 'error').length;

  return (
    <div className="studio-editor">
      <nav className="studio-files" aria-label="Pack files">
        <ul>
          {editor.files.map((file) => (
            <li key={file}>
              <button type="button" className={`btn-link${file === editor.path ? ' active' : ''}`} aria-current={file === editor.path ? 'true' : undefined} onClick={() => void openFile(file)}>
                {file}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="studio-main">
        <div className="studio-toolbar">
          <span className="mono">
            {editor.path}
            {dirty ? ' •' : ''}
            {editor.editable ? '' : ' (read-only)'}
          </span>
          <span className={errors ? 'warn-text' : 'ok-text'} data-testid="studio-validity">
            {errors ? `${errors} problem${errors > 1 ? 's' : ''}` : 'valid'}
          </span>
          {editor.editable ? (
            <button type="button" className="btn btn-small" disabled={!dirty} onClick={() => void saveFile()}>
              Save
            </button>
          ) : null}
          <button type="button" className="btn btn-small" onClick={() => void testPack()} disabled={packTest?.state === 'running'}>
            Test this pack
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => startRun({ name: 'briefing', scenario: editor.pack })}>
            Play as a learner
          </button>
          <label className="field inline">
            <span>Version</span>
            <input value={version} aria-label="Export version" size={8} onChange={(e) => setVersion(e.target.value)} />
          </label>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={async () => {
              const archive = await exportPack(version);
              if (archive) download(archive.filename, archive.base64);
            }}
          >
            Export
          </button>
        </div>
        <CodeEditor
          value={editor.content}
          language={editor.path.endsWith('.yaml') || editor.path.endsWith('.yml') ? 'yaml' : 'text'}
          readOnly={!editor.editable}
          diagnostics={editor.diagnostics.filter((d) => d.file === editor.path)}
          onChange={editContent}
          onSave={() => void saveFile()}
          label={`Editor: ${editor.path}`}
          schema={schema}
        />
        <Diagnostics diagnostics={editor.diagnostics} />
        {editor.preview ? <Preview /> : null}
        {packTest ? <TestTable /> : null}
      </div>
    </div>
  );
}

function Preview() {
  const preview = useApp((s) => s.editor?.preview)!;
  return (
    <details className="studio-preview" data-testid="studio-preview">
      <summary>Preview: what the learner sees</summary>
      <h3>{preview.title}</h3>
      <Markdown source={preview.briefing} label="Briefing preview" />
      <h4>Hints</h4>
      <ol>
        {preview.hints.map((h, i) => (
          <li key={i}>
            <span className="muted mono">after {h.after}:</span> {h.text}
          </li>
        ))}
      </ol>
      <h4>Solution (what Test this pack runs)</h4>
      <ol className="mono">
        {preview.solution.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
    </details>
  );
}

function Diagnostics({ diagnostics }: { diagnostics: StudioDiagnostic[] }) {
  if (diagnostics.length === 0) return <p className="ok-text" data-testid="studio-diagnostics-empty">No problems: the pack validates.</p>;
  return (
    <ul className="studio-diagnostics" aria-label="Problems" data-testid="studio-diagnostics">
      {diagnostics.map((d, i) => (
        <li key={i} className={d.severity === 'error' ? 'warn-text' : 'muted'}>
          <span className="mono">
            {d.file}:{d.line}:{d.column}
          </span>{' '}
          {d.severity === 'warning' ? 'warning: ' : ''}
          {d.message}
          {d.path ? <span className="muted"> (at {d.path})</span> : null}
        </li>
      ))}
    </ul>
  );
}

function TestTable() {
  const test = useApp((s) => s.packTest)!;
  return (
    <section className="studio-test" aria-label="Pack test" data-testid="studio-test" data-state={test.state}>
      <h2>
        Test: {test.state === 'running' ? `running${test.running ? ` (${test.running})` : ''}…` : test.state === 'passed' ? 'passed ✓' : 'failed ✗'}
      </h2>
      {test.progress && test.state === 'running' ? <p className="muted">{test.progress.description}</p> : null}
      <table>
        <thead>
          <tr>
            <th>phase</th>
            <th>result</th>
            <th>time</th>
            <th>detail</th>
          </tr>
        </thead>
        <tbody>
          {test.phases.map((p) => (
            <tr key={p.name} data-testid={`studio-phase-${p.name}`} data-ok={String(p.ok)}>
              <td className="mono">{p.name}</td>
              <td className={p.ok ? 'ok-text' : 'warn-text'}>{p.ok ? 'ok' : 'FAIL'}</td>
              <td className="mono">{(p.ms / 1000).toFixed(1)}s</td>
              <td>
                <pre className="studio-detail">{p.detail}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {test.state === 'failed' && test.session ? <p className="muted">The run's event log: {test.session}/events.jsonl</p> : null}
    </section>
  );
}

function download(filename: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  downloadBlob(filename, new Blob([bytes], { type: 'application/gzip' }));
}
