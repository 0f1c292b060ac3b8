import { useState } from 'react';
import { PROPERTIES } from '../properties';

const SEEN_KEY = 'qm9.introSeen';

function seenBefore(): boolean {
  try {
    return localStorage.getItem(SEEN_KEY) === 'yes';
  } catch {
    return false; // storage disabled: show it, it can still be closed for this visit
  }
}

/** What this page is, for someone who has never heard of QM9; shown until it is closed once. */
export function Intro() {
  const [open, setOpen] = useState(() => !seenBefore());
  if (!open) return null;
  const close = () => {
    setOpen(false);
    try {
      localStorage.setItem(SEEN_KEY, 'yes');
    } catch {
      // nothing to remember it in: it shows again next visit
    }
  };
  return (
    <section className="panel intro" aria-label="About this predictor" data-testid="intro">
      <h2>What this predicts</h2>
      <p>
        A graph neural network trained on <strong>QM9</strong>: 134,000 small organic molecules
        whose properties were computed with density functional theory (B3LYP/6-31G(2df,p)). It
        predicts 12 of them in your browser; nothing is sent anywhere unless you turn on logging.
      </p>
      <p>
        Molecules that fit: 2 to 9 heavy atoms of C, N, O and F (plus hydrogens), neutral, no
        unpaired electrons, one molecule per entry. Anything else is marked as an{' '}
        <em>extrapolation</em>: the model still answers, but without an interval, and its numbers
        are guesses. Other elements (Br, S, Cl…) cannot be predicted at all.
      </p>
      <p>
        Draw a molecule, type SMILES, or drop SDF, CSV, SMILES or XYZ files.{' '}
        <a
          href="#glossary"
          onClick={() => document.getElementById('glossary')?.setAttribute('open', '')}
        >
          What the 12 properties mean
        </a>
        .
      </p>
      <button type="button" onClick={close}>
        Got it
      </button>
    </section>
  );
}

/** The 12 properties with their units and a sentence each. */
export function Glossary() {
  return (
    <details className="panel glossary" id="glossary" data-testid="glossary">
      <summary>
        <h2>The 12 properties and their units</h2>
      </summary>
      <dl>
        {PROPERTIES.map((p) => (
          <div key={p.key}>
            <dt>
              {p.name} <span className="muted">({p.unit})</span>
            </dt>
            <dd>{p.meaning}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        Energies are in eV (QM9 gives them in hartree: 1 Ha = 27.2114 eV). Each value comes with its
        central 90 % interval: the model expects the true value inside it for 9 molecules in 10
        similar to its training data.
      </p>
    </details>
  );
}
