/**
 * The one code editor (CodeMirror 6): YAML highlighting for scenario.yaml, plain text for the rest, and the
 * validator's diagnostics drawn at their line and column (underline, gutter marker, hover message).
 */
import { useEffect, useRef } from 'react';
import { EditorState, Compartment } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { fieldsAt, yamlPathAt, type JsonSchema } from '../../../shared/schema-complete';

export interface EditorDiagnostic {
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface CodeEditorProps {
  value: string;
  language: 'yaml' | 'text';
  readOnly: boolean;
  diagnostics: EditorDiagnostic[];
  onChange: (value: string) => void;
  onSave?: () => void;
  label: string;
  /** For YAML: complete field names from this JSON Schema. */
  schema?: JsonSchema | null;
}

/** Field names the schema allows where the cursor is, as CodeMirror completions. */
export function schemaCompletion(schema: () => JsonSchema | null | undefined) {
  return (context: CompletionContext): CompletionResult | null => {
    const root = schema();
    if (!root) return null;
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const match = /^(\s*)(-\s+)?([A-Za-z_$][\w$-]*)?$/.exec(before);
    if (!match) return null;
    const word = match[3] ?? '';
    if (!word && !context.explicit) return null;
    const lines = context.state.doc.toString().split('\n');
    const fields = fieldsAt(root, yamlPathAt(lines, line.number - 1));
    if (fields.length === 0) return null;
    return {
      from: context.pos - word.length,
      options: fields.map((f) => ({ label: f.name, type: 'property', apply: `${f.name}: `, ...(f.description ? { info: f.description } : {}) })),
      validFor: /^[\w$-]*$/,
    };
  };
}

/** A 1-based line and column as a document offset, clamped into the document. */
export function offsetOf(doc: EditorState['doc'], line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

export function CodeEditor({ value, language, readOnly, diagnostics, onChange, onSave, label, schema }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ onChange, onSave, schema });
  callbacks.current = { onChange, onSave, schema };
  const config = useRef({ language: new Compartment(), readOnly: new Compartment() });
  const yamlWithSchema = () => [yaml(), EditorState.languageData.of(() => [{ autocomplete: schemaCompletion(() => callbacks.current.schema) }])];

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (callbacks.current.onSave?.(), true) }]),
          basicSetup,
          lintGutter(),
          config.current.language.of(language === 'yaml' ? yamlWithSchema() : []),
          config.current.readOnly.of(EditorState.readOnly.of(readOnly)),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is created once; later props are applied by the effects below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: [
        config.current.language.reconfigure(language === 'yaml' ? yamlWithSchema() : []),
        config.current.readOnly.reconfigure(EditorState.readOnly.of(readOnly)),
      ],
    });
  }, [language, readOnly]);

  // Only a real change of the diagnostics is dispatched: a transaction on every render would keep
  // restarting the completion popup while it waits to open.
  const shownDiagnostics = useRef('');
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const key = JSON.stringify(diagnostics);
    if (key === shownDiagnostics.current) return;
    shownDiagnostics.current = key;
    const doc = editor.state.doc;
    const marks: CmDiagnostic[] = diagnostics.map((d) => {
      const from = offsetOf(doc, d.line, d.column);
      const lineEnd = doc.lineAt(from).to;
      return { from, to: Math.max(from, lineEnd), severity: d.severity, message: d.message };
    });
    editor.dispatch(setDiagnostics(editor.state, marks));
  }, [diagnostics]);

  return <div className="code-editor" ref={host} />;
}
