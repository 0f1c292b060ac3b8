import { useEffect, useRef, useState } from 'react';
import { runJob } from '../engine';
// The extensions module alone, not the chem index: the index would bring the readers and RDKit
// into the page's main bundle.
import { FILE_PICKER_ACCEPT } from '../../chem/extensions';
import type { JobInput } from '../worker/protocol';

async function filesToInputs(files: File[]): Promise<JobInput[]> {
  return Promise.all(
    files.map(async (file) => ({
      kind: 'file' as const,
      name: file.name,
      bytes: await file.arrayBuffer(),
    })),
  );
}

export async function predictFiles(files: File[]): Promise<void> {
  if (files.length === 0) return;
  const label = files.length === 1 ? files[0].name : `${files.length} files`;
  runJob(await filesToInputs(files), { label });
}

/** A file picker here, and the whole window as a drop target. */
export function FileDrop() {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (event: DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      void predictFiles(Array.from(event.dataTransfer?.files ?? []));
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  return (
    <section className="panel file-panel" aria-label="Files">
      <h2>Files</h2>
      <p>
        Drop files anywhere on the page, or{' '}
        <button type="button" onClick={() => input.current?.click()}>
          choose files
        </button>
      </p>
      <p className="hint">
        SMILES lists (.smi .txt), CSV/TSV with a SMILES column, MOL, SDF, XYZ; also gzipped.
      </p>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        accept={FILE_PICKER_ACCEPT}
        onChange={(event) => {
          void predictFiles(Array.from(event.target.files ?? []));
          event.target.value = '';
        }}
      />
      {dragging && <div className="drop-overlay">Drop molecule files to predict them</div>}
    </section>
  );
}
