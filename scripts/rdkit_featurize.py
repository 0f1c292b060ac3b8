#!/usr/bin/python3
"""Reference featurizer: PyTorch Geometric's QM9 graph built with RDKit (Debian python3-rdkit).

The TypeScript featurizer must reproduce this exactly. Modes:
  rdkit_featurize.py features < smiles.txt    one JSON line per input SMILES line
  rdkit_featurize.py bench < smiles.txt       featurize all, print {"molecules", "seconds"} as JSON
  rdkit_featurize.py bench-sdf FILE.sdf       the same for the records of an SD file
"""
import json
import sys
import time

from rdkit import Chem, RDLogger
from rdkit.Chem.rdchem import BondType, HybridizationType

RDLogger.DisableLog("rdApp.*")

TYPES = {1: 0, 6: 1, 7: 2, 8: 3, 9: 4}
BONDS = {BondType.SINGLE: 0, BondType.DOUBLE: 1, BondType.TRIPLE: 2, BondType.AROMATIC: 3}


def featurize(smiles):
    mol = Chem.MolFromSmiles(smiles)
    return None if mol is None else featurize_mol(mol)


def featurize_mol(mol):
    """Node features, edge index and bond types exactly as torch_geometric.datasets.QM9 builds them."""
    mol = Chem.AddHs(mol)
    n = mol.GetNumAtoms()
    x = []
    for atom in mol.GetAtoms():
        z = atom.GetAtomicNum()
        if z not in TYPES:
            return None
        hyb = atom.GetHybridization()
        onehot = [0] * 5
        onehot[TYPES[z]] = 1
        num_h = sum(1 for nb in atom.GetNeighbors() if nb.GetAtomicNum() == 1)
        x.append(
            onehot
            + [
                z,
                int(atom.GetIsAromatic()),
                int(hyb == HybridizationType.SP),
                int(hyb == HybridizationType.SP2),
                int(hyb == HybridizationType.SP3),
                num_h,
            ]
        )
    edges = []
    for bond in mol.GetBonds():
        a, b = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        t = BONDS[bond.GetBondType()]
        edges.append((a, b, t))
        edges.append((b, a, t))
    edges.sort(key=lambda e: e[0] * n + e[1])
    return {
        "x": x,
        "src": [e[0] for e in edges],
        "dst": [e[1] for e in edges],
        "type": [e[2] for e in edges],
    }


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "features"
    if mode == "bench-sdf":
        start = time.perf_counter()
        count = 0
        for mol in Chem.SDMolSupplier(sys.argv[2], removeHs=False):
            if mol is not None:
                featurize_mol(mol)
            count += 1
        print(json.dumps({"molecules": count, "seconds": time.perf_counter() - start}))
        return
    lines = [l.strip() for l in sys.stdin if l.strip()]
    if mode == "bench":
        start = time.perf_counter()
        for s in lines:
            featurize(s)
        print(json.dumps({"molecules": len(lines), "seconds": time.perf_counter() - start}))
        return
    out = sys.stdout
    for s in lines:
        out.write(json.dumps(featurize(s), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
