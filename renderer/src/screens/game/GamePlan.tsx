/**
 * The game file on the facilitator's console: name its path, open it (a new path starts from a template),
 * edit it with the validator's problems drawn at their line and column, save it, and start it. Starting a
 * file that is open and changed saves it first, so what starts is what the facilitator sees.
 */
import { useEffect, useRef, useState } from 'react';
import type { DiagnosticView } from '../../../../shared/api/diagnostic';
import type { JsonSchema } from '../../../../shared/schema-complete';
import { CodeEditor } from '../../components/CodeEditor';
import { useClient } from '../../store/context';

export function GamePlan({ busy, onStart, onError }: { busy: boolean; onStart: (path: string) => Promise<void>; onError: (error: Error) => void }) {
  const client = useClient();
  const [path, setPath] = useState('');
  const [open, setOpen] = useState<{ path: string; text: string; saved: string; exists: boolean; schema: JsonSchema | null } | null>(null);
  const [problems, setProblems] = useState<DiagnosticView[]>([]);
  const [saving, setSaving] = useState(false);
  const validating = useRef(0);

  // Validate as the facilitator types (debounced; only the latest answer counts).
  useEffect(() => {
    if (!open) return;
    const ticket = ++validating.current;
    const timer = setTimeout(() => {
      void client.call('game.validate', { path: open.path, text: open.text }).then(
        ({ diagnostics }) => ticket === validating.current && setProblems(diagnostics),
        (e: Error) => onError(e),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [open, client, onError]);

  const dirty = open !== null && (open.text !== open.saved || !open.exists);
  const errors = problems.filter((p) => p.severity === 'error');

  const load = async () => {
    try {
      const opened = await client.call('game.open', { path });
      setOpen({ path: opened.path, text: opened.text, saved: opened.text, exists: opened.exists, schema: opened.schema as JsonSchema });
      setPath(opened.path);
      setProblems(opened.diagnostics);
    } catch (e) {
      onError(e as Error);
    }
  };

  const save = async (): Promise<boolean> => {
    if (!open) return true;
    setSaving(true);
    try {
      const { diagnostics } = await client.call('game.save', { path: open.path, text: open.text });
      setOpen({ ...open, saved: open.text, exists: true });
      setProblems(diagnostics);
      return true;
    } catch (e) {
      onError(e as Error);
      return false;
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="panel"
      data-testid="game-plan"
      onSubmit={(e) => {
        e.preventDefault();
        void (async () => {
          if (dirty && !(await save())) return;
          await onStart(open?.path ?? path);
        })();
      }}
    >
      <div className="panel-body">
        <label>
          Game file{' '}
          <input
            data-testid="game-path"
            value={path}
            size={60}
            placeholder="/path/to/drill.game.yaml"
            onChange={(e) => {
              setPath(e.target.value);
              if (open && e.target.value !== open.path) setOpen(null);
            }}
          />
        </label>{' '}
        <button type="button" className="btn" data-testid="game-open" disabled={!path || busy} onClick={() => void load()}>
          {open ? 'Reopen' : 'Open / new'}
        </button>{' '}
        <button type="submit" className="btn btn-primary" data-testid="game-start" disabled={!path || busy || saving || (open !== null && errors.length > 0)}>
          {busy ? 'Starting…' : dirty ? 'Save and start' : 'Start the game'}
        </button>
        {open ? (
          <div className="game-plan-editor">
            <p className="muted" data-testid="game-plan-status">
              {open.exists ? '' : 'A new game file, from the template. '}
              {errors.length > 0 ? `${errors.length} problem(s) to fix before it can start.` : 'Valid.'}
              {dirty ? ' Unsaved changes.' : ''}{' '}
              <button type="button" className="btn btn-small" data-testid="game-save" disabled={!dirty || saving} onClick={() => void save()}>
                {saving ? 'Saving…' : 'Save'}
              </button>
            </p>
            <CodeEditor
              value={open.text}
              language="yaml"
              readOnly={false}
              diagnostics={problems}
              onChange={(text) => setOpen((current) => (current ? { ...current, text } : current))}
              onSave={() => void save()}
              label={`Game file: ${open.path}`}
              schema={open.schema}
            />
            {problems.length > 0 ? (
              <ul className="game-plan-problems" data-testid="game-plan-problems">
                {problems.map((p, i) => (
                  <li key={i} className={p.severity}>
                    line {p.line}:{p.column} {p.path ? <code>{p.path}</code> : null} {p.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
    </form>
  );
}
