// Imported first by main.tsx: the prediction worker starts (and a ?smiles= link is sent to it)
// before the page evaluates OpenChemLib and React, so model loading overlaps the page's start-up.
import { loadModel, predictSmiles } from './engine';
import { BACKEND_ORDER, type BackendChoice } from '../model/contracts';

performance.mark('boot');

export const startupParams = new URLSearchParams(window.location.search);

const backend = startupParams.get('backend');
loadModel(BACKEND_ORDER.includes(backend as never) ? (backend as BackendChoice) : 'auto');

/** A shared link (?smiles=CCO&name=ethanol) opens with that molecule predicted. */
export const startupMolecule = (() => {
  const smiles = startupParams.get('smiles');
  if (!smiles) return null;
  const name = startupParams.get('name') ?? smiles;
  predictSmiles(smiles, name);
  return { smiles, name };
})();
