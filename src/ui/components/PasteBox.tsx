import { useEffect, useState } from 'react';
import { runJob, validateText } from '../engine';
import type { InputIssue } from '../worker/protocol';

const VALIDATE_DEBOUNCE_MS = 250;
export const PASTE_SOURCE = 'pasted';

interface Validation {
  text: string;
  molecules: number;
  issues: InputIssue[];
}

/** SMILES lists are located by line; a pasted molfile or SDF by record. */
function locate(text: string, issue: InputIssue): string {
  const isRecordFormat = /M {2}END|\$\$\$\$/.test(text);
  return isRecordFormat ? `Record ${issue.record}` : `Line ${issue.record}`;
}

export function PasteBox() {
  const [text, setText] = useState('');
  const [validation, setValidation] = useState<Validation | null>(null);

  useEffect(() => {
    if (text.trim() === '') return;
    let stale = false;
    const timer = setTimeout(() => {
      void validateText(text).then((result) => {
        if (!stale) setValidation({ text, ...result });
      });
    }, VALIDATE_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text]);

  const current = text.trim() !== '' && validation?.text === text ? validation : null;

  return (
    <section className="panel paste-panel" aria-label="Paste SMILES">
      <h2>Paste</h2>
      <textarea
        aria-label="SMILES, one per line (or a molfile, SDF or XYZ)"
        placeholder={
          'SMILES, one per line, optionally followed by a name\nCCO ethanol\nc1ccccc1 benzene'
        }
        rows={5}
        spellCheck={false}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <div className="paste-footer">
        <span className="validation" data-testid="paste-validation" aria-live="polite">
          {current && current.issues.length === 0 && `${current.molecules} molecule(s) ready`}
          {current &&
            current.issues.length > 0 &&
            `${current.molecules} ok, ${current.issues.length} with problems`}
        </span>
        <button
          type="button"
          disabled={text.trim() === ''}
          onClick={() =>
            runJob([{ kind: 'text', text, source: PASTE_SOURCE }], { label: 'pasted input' })
          }
        >
          Predict
        </button>
      </div>
      {current && current.issues.length > 0 && (
        <ul className="issues" data-testid="paste-issues">
          {current.issues.map((issue) => (
            <li key={`${issue.record}:${issue.message}`}>
              <strong>{locate(text, issue)}</strong>
              {issue.name ? ` (${issue.name})` : ''}: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
