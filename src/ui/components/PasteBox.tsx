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

/** The SMILES of a pasted line with the character RDKit stopped at marked, when it said where. */
function PositionMarker({ text, issue }: { text: string; issue: InputIssue }) {
  const at = /at position (\d+)$/.exec(issue.message);
  if (!at || /M {2}END|\$\$\$\$/.test(text)) return null;
  const smiles = text.split('\n')[issue.record - 1]?.trim().split(/\s+/)[0] ?? '';
  const index = Number(at[1]) - 1;
  if (index < 0 || index >= smiles.length) return null;
  return (
    <code className="marked-smiles" data-testid="position-marker">
      {smiles.slice(0, index)}
      <mark aria-label={`position ${index + 1}`}>{smiles[index]}</mark>
      {smiles.slice(index + 1)}
    </code>
  );
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
  const nothingReadable = current !== null && current.molecules === 0 && current.issues.length > 0;

  return (
    <section className="panel paste-panel" aria-label="Paste SMILES">
      <h2>Paste</h2>
      <textarea
        aria-label="SMILES, one per line (or a molfile, SDF or XYZ)"
        aria-describedby="paste-validation"
        placeholder={
          'SMILES, one per line, optionally followed by a name\nCCO ethanol\nc1ccccc1 benzene'
        }
        rows={5}
        spellCheck={false}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <div className="paste-footer">
        <span
          className="validation"
          id="paste-validation"
          data-testid="paste-validation"
          aria-live="polite"
        >
          {current && current.issues.length === 0 && `${current.molecules} molecule(s) ready`}
          {current &&
            current.issues.length > 0 &&
            `${current.molecules} ok, ${current.issues.length} with problems`}
        </span>
        <button
          type="button"
          disabled={text.trim() === '' || nothingReadable}
          title={nothingReadable ? 'Every line has a problem: fix one to predict' : undefined}
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
              {issue.name ? ` (${issue.name})` : ''}: {issue.message}{' '}
              <PositionMarker text={text} issue={issue} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
