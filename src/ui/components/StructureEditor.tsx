import { useEffect, useRef } from 'react';
import { CanvasEditor, Molecule } from 'openchemlib';
import { EDITOR_SOURCE, predictSmiles, runJob } from '../engine';
import { EXAMPLES } from '../examples';
import { molfile2d } from '../structures';

const DEBOUNCE_MS = 350;

let editorInstance: CanvasEditor | null = null;
/** A molfile asked for before the editor mounted (a ?smiles= link); shown once it exists. */
let pendingMolfile: string | null = null;
/** Only the latest request may fill the editor when several layouts are in flight. */
let latestRequest = 0;

/**
 * Shows a molecule in the editor (now, or once it mounts); predicts it unless that already started.
 * The 2D layout comes from the structure worker: OpenChemLib's first SMILES layout on the main
 * thread would freeze the page for a second.
 */
export function showInEditor(smiles: string, name: string, predict = true): void {
  if (predict) predictSmiles(smiles, name);
  const request = ++latestRequest;
  molfile2d({ smiles }).then(
    (molfile) => {
      if (request !== latestRequest) return;
      if (editorInstance) editorInstance.setMolecule(Molecule.fromMolfile(molfile));
      else pendingMolfile = molfile;
    },
    () => undefined, // OpenChemLib cannot lay it out: the prediction still runs, the editor stays as it was
  );
}

function predictDrawing(molecule: Molecule): void {
  if (molecule.getAllAtoms() === 0) return;
  runJob([{ kind: 'text', text: molecule.toMolfile(), source: EDITOR_SOURCE }], {
    label: 'drawing',
    replaceSource: EDITOR_SOURCE,
  });
}

/**
 * OpenChemLib's canvases have no name and its drawing area takes focus without a visible ring (the
 * ring comes from .editor-host:focus-within); screen readers get a name for each.
 */
function nameEditorCanvases(host: HTMLElement): void {
  // The editor draws inside an open shadow root of its own element.
  const root = host.querySelector('[data-openchemlib-canvas-editor]')?.shadowRoot ?? host;
  for (const canvas of root.querySelectorAll('canvas')) {
    if (canvas.tabIndex >= 0) {
      canvas.setAttribute('role', 'application');
      canvas.setAttribute(
        'aria-label',
        'Structure editor: draw a molecule with the mouse or a finger; it is predicted as you draw. Examples and pasted SMILES are below.',
      );
    } else {
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', 'Editor tools: atoms, bonds, rings, erase, undo');
    }
  }
}

/** OpenChemLib's canvas editor; every user edit is predicted once the drawing rests. */
export function StructureEditor() {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    const editor = new CanvasEditor(host.current);
    editorInstance = editor;
    nameEditorCanvases(host.current);
    if (pendingMolfile) {
      editor.setMolecule(Molecule.fromMolfile(pendingMolfile));
      pendingMolfile = null;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    editor.setOnChangeListener((event) => {
      // Programmatic changes (examples) are predicted by whoever made them.
      if (event.type !== 'molecule' || !event.isUserEvent) return;
      clearTimeout(timer);
      timer = setTimeout(() => predictDrawing(editor.getMolecule()), DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      editorInstance = null;
      editor.destroy();
    };
  }, []);

  return (
    <section className="panel editor-panel" aria-label="Structure editor">
      <h2>Draw</h2>
      <div
        ref={host}
        className="editor-host"
        data-testid="editor"
        role="group"
        aria-label="Drawing area"
      />
      <div className="examples" aria-label="Examples">
        <span>Examples:</span>
        {EXAMPLES.map((example) => (
          <button
            key={example.name}
            type="button"
            title={example.why}
            onClick={() => showInEditor(example.smiles, example.name)}
          >
            {example.name}
          </button>
        ))}
      </div>
    </section>
  );
}
