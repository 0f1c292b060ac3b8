import { useEffect, useRef } from 'react';
import { CanvasEditor, Molecule } from 'openchemlib';
import { EDITOR_SOURCE, predictSmiles, runJob } from '../engine';
import { EXAMPLES } from '../examples';

const DEBOUNCE_MS = 350;

let editorInstance: CanvasEditor | null = null;
/** A molecule asked for before the editor mounted (a ?smiles= link); shown once it exists. */
let pendingSmiles: string | null = null;

function setEditorMolecule(editor: CanvasEditor, smiles: string): void {
  try {
    editor.setMolecule(Molecule.fromSmiles(smiles));
  } catch {
    // OpenChemLib rejects a few SMILES RDKit reads; the prediction still runs, the editor stays as it was.
  }
}

/** Shows a molecule in the editor (now, or once it mounts); predicts it unless that already started. */
export function showInEditor(smiles: string, name: string, predict = true): void {
  if (editorInstance) setEditorMolecule(editorInstance, smiles);
  else pendingSmiles = smiles;
  if (predict) predictSmiles(smiles, name);
}

function predictDrawing(molecule: Molecule): void {
  if (molecule.getAllAtoms() === 0) return;
  runJob([{ kind: 'text', text: molecule.toMolfile(), source: EDITOR_SOURCE }], {
    label: 'drawing',
    replaceSource: EDITOR_SOURCE,
  });
}

/** OpenChemLib's canvas editor; every user edit is predicted once the drawing rests. */
export function StructureEditor() {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    const editor = new CanvasEditor(host.current);
    editorInstance = editor;
    if (pendingSmiles) {
      setEditorMolecule(editor, pendingSmiles);
      pendingSmiles = null;
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
      <div ref={host} className="editor-host" data-testid="editor" />
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
