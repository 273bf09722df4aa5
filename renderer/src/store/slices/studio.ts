/**
 * The Studio: a trainer's pack editor. Opens a pack's files, validates unsaved text as it is typed (debounced;
 * the diagnostics come from the same validator as `firedrill validate`), saves, runs "Test this pack" with its
 * phases streaming in, and exports or imports `.firedrill` archives (import shows what the pack runs first).
 */
import type { PackSummaryView, StudioDiagnostic, StudioPreview, StudioTest } from '../../../../shared/api/contract';
import { toApiError, type ApiError } from '../../api/client';
import { toBase64 } from './history';
import type { Deps, Slice } from '../types';
import type { JsonSchema } from '../../../../shared/schema-complete';

export const VALIDATE_DEBOUNCE_MS = 300;
export const TEST_POLL_MS = 1000;
/** Consecutive failed polls before the Studio shows the error. */
export const TEST_POLL_RETRIES = 5;

export interface StudioEditor {
  pack: string;
  editable: boolean;
  files: string[];
  path: string;
  /** What is in the editor (maybe unsaved). */
  content: string;
  /** What is on disk. */
  saved: string;
  diagnostics: StudioDiagnostic[];
  /** The pack as the learner will see it, from the last text that validated. */
  preview: StudioPreview | null;
}

export interface PendingImport {
  filename: string;
  base64: string;
  summary: PackSummaryView;
}

export interface StudioSlice {
  /** The scenario JSON Schema (completion in the editor); null until loaded. */
  scenarioSchema: JsonSchema | null;
  templates: { name: string; title: string }[];
  editor: StudioEditor | null;
  studioError: ApiError | null;
  studioBusy: string | null;
  packTest: StudioTest | null;
  pendingImport: PendingImport | null;
  /** The last message worth telling (saved, exported, installed). */
  studioNotice: string | null;
  loadTemplates(): Promise<void>;
  createPack(name: string, template: string): Promise<void>;
  openPack(pack: string, path?: string): Promise<void>;
  openFile(path: string): Promise<void>;
  editContent(content: string): void;
  saveFile(): Promise<void>;
  testPack(): Promise<void>;
  exportPack(version: string): Promise<{ filename: string; base64: string } | null>;
  inspectArchive(filename: string, bytes: Uint8Array): Promise<void>;
  confirmImport(): Promise<void>;
  cancelImport(): void;
}

export const studioSlice =
  (deps: Deps): Slice<StudioSlice> =>
  (set, get) => {
    const setTimer = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
    const clearTimer = deps.clearTimeout ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    let validateTimer: unknown = null;
    let validateSeq = 0;

    const guard = async <T>(label: string, work: () => Promise<T>): Promise<T | null> => {
      set({ studioBusy: label, studioError: null });
      try {
        return await work();
      } catch (error) {
        set({ studioError: toApiError(error) });
        return null;
      } finally {
        set({ studioBusy: null });
      }
    };

    const validateNow = async () => {
      const editor = get().editor;
      if (!editor) return;
      const seq = ++validateSeq;
      try {
        const { diagnostics, preview } = await deps.client.call('studio.validate', { pack: editor.pack, path: editor.path, content: editor.content });
        const now = get().editor;
        // Only the answer to the latest text counts (typing moves on while the server validates).
        if (seq === validateSeq && now && now.pack === editor.pack && now.path === editor.path) {
          set({ editor: { ...now, diagnostics, preview: preview ?? now.preview } });
        }
      } catch (error) {
        set({ studioError: toApiError(error) });
      }
    };

    /** Polls a pack test until it ends; a failed poll (Docker creating a network aborts requests) is retried a few times. */
    const pollTest = (testId: string, failures = 0) => {
      setTimer(async () => {
        try {
          const test = await deps.client.call('studio.testStatus', { testId });
          set({ packTest: test });
          if (test.state === 'running') pollTest(testId);
        } catch (error) {
          const apiError = toApiError(error);
          if (apiError.code === 'not_found' || failures + 1 >= TEST_POLL_RETRIES) set({ studioError: apiError });
          else pollTest(testId, failures + 1);
        }
      }, TEST_POLL_MS);
    };

    return {
      scenarioSchema: null,
      templates: [],
      editor: null,
      studioError: null,
      studioBusy: null,
      packTest: null,
      pendingImport: null,
      studioNotice: null,

      async loadTemplates() {
        const templates = await guard('loading templates', () => deps.client.call('studio.templates', {}));
        if (templates) set({ templates });
      },

      async createPack(name, template) {
        const made = await guard('creating the pack', () => deps.client.call('studio.create', { pack: name, template }));
        if (!made) return;
        set({ studioNotice: `Created ${made.pack} from the ${template} template.` });
        void get().loadScenarios();
        await get().openPack(made.pack);
        get().navigate({ name: 'studio', pack: made.pack });
      },

      async openPack(pack, path) {
        const listing = await guard('opening the pack', () => deps.client.call('studio.files', { pack }));
        if (!listing) return;
        if (!get().scenarioSchema) {
          // Completion is a help, not a need: the editor works without it.
          void deps.client.call('studio.schema', {}).then((schema) => set({ scenarioSchema: schema as JsonSchema }), () => undefined);
        }
        const first = path && listing.files.includes(path) ? path : listing.files[0]!;
        const { content } = await deps.client.call('studio.read', { pack, path: first });
        set({ editor: { pack, editable: listing.editable, files: listing.files, path: first, content, saved: content, diagnostics: [], preview: null }, packTest: null });
        await validateNow();
      },

      async openFile(path) {
        const editor = get().editor;
        if (!editor) return;
        const read = await guard('opening the file', () => deps.client.call('studio.read', { pack: editor.pack, path }));
        if (!read) return;
        set({ editor: { ...editor, path, content: read.content, saved: read.content, diagnostics: [] } });
        await validateNow();
      },

      editContent(content) {
        const editor = get().editor;
        if (!editor || content === editor.content) return;
        set({ editor: { ...editor, content } });
        if (validateTimer !== null) clearTimer(validateTimer);
        validateTimer = setTimer(() => {
          validateTimer = null;
          void validateNow();
        }, VALIDATE_DEBOUNCE_MS);
      },

      async saveFile() {
        const editor = get().editor;
        if (!editor || !editor.editable) return;
        const content = editor.content;
        const result = await guard('saving', () => deps.client.call('studio.save', { pack: editor.pack, path: editor.path, content }));
        if (!result) return;
        const now = get().editor;
        if (now && now.pack === editor.pack && now.path === editor.path) {
          const pathDiagnostics = now.content === content ? result.diagnostics : now.diagnostics;
          set({ editor: { ...now, saved: content, diagnostics: pathDiagnostics }, studioNotice: `Saved ${editor.path}.` });
        }
      },

      async testPack() {
        const editor = get().editor;
        if (!editor) return;
        if (editor.editable && editor.content !== editor.saved) await get().saveFile();
        const test = await guard('starting the test', () => deps.client.call('studio.test', { pack: editor.pack }));
        if (!test) return;
        set({ packTest: test });
        if (test.state === 'running') pollTest(test.testId);
      },

      async exportPack(version) {
        const editor = get().editor;
        if (!editor) return null;
        const archive = await guard('exporting', () => deps.client.call('studio.export', { pack: editor.pack, version }));
        if (archive) set({ studioNotice: `Exported ${archive.filename}.` });
        return archive;
      },

      async inspectArchive(filename, bytes) {
        const base64 = toBase64(bytes);
        const summary = await guard('checking the archive', () => deps.client.call('studio.inspect', { filename, base64 }));
        set({ pendingImport: summary ? { filename, base64, summary } : null });
      },

      async confirmImport() {
        const pending = get().pendingImport;
        if (!pending) return;
        const installed = await guard('installing', () => deps.client.call('studio.install', { filename: pending.filename, base64: pending.base64 }));
        if (!installed) return;
        set({ pendingImport: null, studioNotice: `Installed ${installed.pack} ${installed.version}. It is in the catalog.` });
        await get().loadScenarios();
      },

      cancelImport() {
        set({ pendingImport: null });
      },
    };
  };
