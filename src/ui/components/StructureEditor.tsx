import { useEffect, useRef } from 'react';
import { CanvasEditor, Molecule } from 'openchemlib';
import { runJob } from '../engine';
import { EXAMPLES } from '../examples';

const DEBOUNCE_MS = 350;
export const EDITOR_SOURCE = 'editor';

let editorInstance: CanvasEditor | null = null;

/** Loads a molecule into the editor and predicts it at once (examples, a row opened for editing). */
export function showInEditor(smiles: string, name: string): void {
  if (editorInstance) {
    editorInstance.setMolecule(Molecule.fromSmiles(smiles));
  }
  runJob([{ kind: 'text', text: `${smiles} ${name}`, source: EDITOR_SOURCE }], {
    label: name,
    replaceSource: EDITOR_SOURCE,
  });
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
