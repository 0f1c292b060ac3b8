#!/usr/bin/python3
"""Writes tests/fixtures/rdkitFeatures.json: RDKit's QM9 featurization of molecules this script
enumerates itself (no QM9 rows): small C/N/O/F molecules of QM9 kind built by substituting
hand-written cores, plus hand-written drug-like and tricky molecules."""
import json
import os
import random
import sys

from rdkit import Chem, RDLogger

sys.path.insert(0, os.path.dirname(__file__))
from rdkit_featurize import featurize  # noqa: E402

RDLogger.DisableLog("rdApp.*")

CORES = """C CC CCC CC(C)C C=C C#C C=CC C#CC CC=O C=O CO COC CN CNC CN(C)C C#N CC#N N O
C1CC1 C1CCC1 C1CCCC1 C1CCCCC1 C1CO1 C1CN1 C1COC1 C1CCOC1 C1CCNC1 C1CCOCC1 C1CNCCN1 C1COCCO1
c1ccccc1 c1ccncc1 c1cncnc1 c1cnccn1 c1ncncn1 c1cc[nH]c1 c1ccoc1 c1c[nH]cn1 c1cocn1 c1conc1 c1nnc[nH]1
c1nn[nH]n1 c1cnoc1 C1=CC=CC1 C1=CCC=C1 C1CC2CC12 C1C2CC1C2 C12CC1C2 O=C1CC1 O=C1CCC1 O=C1CCCC1 O=C1NCC1
O=C1OCC1 O=C1NC=CN1 C=C=C C=C=O CC(N)=O CC(=O)O OC=O NC=O NC(N)=O OCCO NCCO CC(O)C#N N#CC#N
C1=CN=CO1 C1=NC=NO1 CC1=CC=CO1 C1#CCCCC1""".split()

SUBSTITUENTS = """F O N C C#N C=O C(=O)O C#C OC C(F)(F)F N(C)C C(N)=O C=C [N+](=O)[O-] N=O CO""".split()

DRUG_LIKE = """CC(=O)Oc1ccccc1C(=O)O CC(=O)Nc1ccc(O)cc1 CN1C=NC2=C1C(=O)N(C(=O)N2C)C CC(C)Cc1ccc(cc1)C(C)C(=O)O
CN1CCC[C@H]1c1cccnc1 COc1ccc2[nH]cc(CCNC(C)=O)c2c1 NCCc1ccc(O)c(O)c1 NCCc1c[nH]c2ccc(O)cc12 OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O
CC(C)NCC(O)c1ccc(O)c(O)c1 CN1CCN(CC1)C(=O)c1ccccc1 O=C(O)c1ccccc1O Cc1ccccc1N CC(=O)c1ccccc1 O=C(O)c1cccnc1 NC(=O)c1cccnc1
O=c1cc[nH]c(=O)[nH]1 Cc1c[nH]c(=O)[nH]c1=O Nc1ncnc2[nH]cnc12 Nc1nc2[nH]cnc2c(=O)[nH]1 O=c1[nH]c(=O)c2[nH]cnc2[nH]1 Nc1ccn(C2CCCO2)c(=O)n1
c1ccc2ccccc2c1 c1ccc2[nH]ccc2c1 c1ccc2ncccc2c1 c1ccc2cnccc2c1 c1cc2ccc3cccc4ccc(c1)c2c34 c1ccc2c(c1)ccc1ccccc12 c1ccc-2c(c1)Cc1ccccc1-2 c1cc2ccc1cc2
c1ccc2c(c1)oc1ccccc12 c1ccc2c(c1)[nH]c1ccccc12 c1ccc2ncncc2c1 c1cnc2nccnc2c1 c1ccc2occc2c1 c1ccc2[nH]cnc2c1 c1ccc2ocnc2c1 c1ccc2c(c1)C=CC=C2
C1=CC=C2C=CC=CC=C12 c1cc[n+](cc1)[O-] C[n+]1ccccc1 [O-][N+](=O)c1ccccc1 Cc1ccc(cc1[N+](=O)[O-])[N+](=O)[O-] CC(C)(C)[N+](=O)[O-] C[NH3+] CC(=O)[O-]
[NH3+]CC([O-])=O C[N+](C)(C)C OC(=O)CC(O)(CC(O)=O)C(O)=O NC(CCC(=O)O)C(=O)O NC(Cc1ccccc1)C(=O)O NC(Cc1c[nH]cn1)C(=O)O NC(Cc1c[nH]c2ccccc12)C(=O)O NCCCCC(N)C(=O)O
NC(=N)NCCCC(N)C(=O)O O=C1CCCN1 O=C1CCCCCN1 CC1(C)OC(=O)C=C1 O=C1OC(=O)c2ccccc12 O=C1c2ccccc2C(=O)N1 O=C1NC(=O)c2ccccc12 O=c1ccc2ccccc2o1
O=C1C=CC(=O)C=C1 O=C1C(=O)c2ccccc2C1=O O=c1cc(-c2ccccc2)oc2ccccc12 Oc1ccc(cc1)C=Cc1cc(O)cc(O)c1 COc1cc(C=O)ccc1O COc1ccc(cc1)C=CC(=O)O O=C(C=Cc1ccccc1)c1ccccc1 CC(=O)OCC(=O)O
C#Cc1ccccc1 N#Cc1ccccc1 N#CC(C#N)=C(C#N)C#N CC#CC(=O)OC C=C=CC(=O)O CC=C=C(C)C O=C=C=C=O C=C=C=C
N#CN C(#N)c1ccccc1C#N CN=C=O O=C=Nc1ccccc1 [C-]#[N+]c1ccccc1 C[N+]#[C-] CN=[N+]=[N-] [N-]=[N+]=Nc1ccccc1
FC(F)(F)c1ccccc1 Fc1ccccc1F Fc1c(F)c(F)c(F)c(F)c1F OC(=O)C(F)(F)F FC(F)=C(F)F Fc1ccc(cc1)C(=O)c1ccc(F)cc1 CC(F)(F)F FC(F)(F)C(F)(F)C(F)(F)F
CN1CCC23C4Oc5c3c(CC1C2C=CC4O)ccc5O CN1C2CCC1CC(C2)OC(=O)C(CO)c1ccccc1 CCN(CC)CC(=O)Nc1c(C)cccc1C COC(=O)C1=C(C)NC(C)=C(C1c1cccc(c1)[N+](=O)[O-])C(=O)OC CC(C)NCC(O)COc1cccc2ccccc12 CC12CCC3C(CCC4=CC(=O)CCC34C)C1CCC2O CC12CCC3c4ccc(O)cc4CCC3C1CCC2O CC(=O)OC1CCC2(C)C(CCC3C2CCC2(C)C(=O)CCC32)C1
OC(c1ccccc1)(c1ccccc1)C1CCNCC1 CN1C(=O)CN=C(c2ccccc2)c2cc(ccc12)[N+]([O-])=O Cc1onc(c1C(=O)NC1C2SC(C)(C)C(N2C1=O)C(O)=O)-c1ccccc1 Nc1ccc(cc1)C(=O)O CCOC(=O)c1ccc(N)cc1 CCCCc1oc2ccccc2c1C(=O)c1ccc(O)cc1 COc1ccc2nc([nH]c2c1)C CN(C)CCCN1c2ccccc2CCc2ccccc12
OC(=O)c1ccc(O)cc1 O=C(O)C(O)C(O)C(=O)O OCC(O)CO C1OC(CO)C(O)C(O)C1O O=C1OC(C(O)=C1O)C(O)CO CC(=O)NC1C(O)OC(CO)C(O)C1O O=C(O)CCC(=O)O OC(=O)C=CC(=O)O
c1ccc(cc1)-c1ccccc1 c1ccc(cc1)-c1ccccn1 c1ccc(cc1)N=Nc1ccccc1 c1ccc(cc1)C(=O)c1ccccc1 c1ccc(cc1)Oc1ccccc1 c1ccc(cc1)Nc1ccccc1 c1ccc(cc1)C#Cc1ccccc1 C(=Cc1ccccc1)c1ccccc1
Cn1cnc2c1c(=O)[nH]c(=O)n2C Cn1c(=O)c2[nH]cnc2n(C)c1=O O=C1NC(=O)C(N1)=O O=C1NC(=O)NC(=O)C1 NC(=O)N NC(=N)N CNC(=O)Oc1cccc2ccccc12 CC(C)OC(=O)C(C)=C
c1cn[nH]c1 c1cnn(c1)-c1ccccc1 c1ccc(nc1)-c1ccccn1 c1cc[o+]cc1 c1ccc2[n+](c1)cccc2 C1=CC2=CC=CC=CC2=C1 c1ccc2c(c1)nc1ccccc1n2 O=C1C=CC(=O)N1
CC(=O)OC(C)=O CCOC(C)=O CC(C)=O CCOCC C1CCOC1 CS(C)=O""".split()

SPECIAL = """[H][H] O N F C [CH3] [CH2] [OH-] [H+] [NH4+] [O-]C=O C=[N+]=[N-] [CH2-]C=O O=[N+]([O-])[O-] C.O CCO.O
[Na+].[Cl-]""".split()


def substituted(core, sub):
    """All single substitutions of an H of core by sub, as canonical SMILES."""
    base = Chem.MolFromSmiles(core)
    frag = Chem.MolFromSmiles(sub)
    if base is None or frag is None:
        return set()
    out = set()
    ranks = list(Chem.CanonicalRankAtoms(base, breakTies=False))
    seen = set()
    for atom in base.GetAtoms():
        if atom.GetTotalNumHs() == 0 or ranks[atom.GetIdx()] in seen:
            continue
        seen.add(ranks[atom.GetIdx()])
        combo = Chem.RWMol(Chem.CombineMols(base, frag))
        a = atom.GetIdx()
        b = base.GetNumAtoms()  # first atom of the substituent
        combo.AddBond(a, b, Chem.BondType.SINGLE)
        for idx in (a, b):
            at = combo.GetAtomWithIdx(idx)
            at.SetNoImplicit(False)
            if at.GetNumExplicitHs() > 0:
                at.SetNumExplicitHs(at.GetNumExplicitHs() - 1)
        try:
            m = combo.GetMol()
            Chem.SanitizeMol(m)
        except Exception:
            continue
        if m.GetNumHeavyAtoms() <= 9:
            out.add(Chem.MolToSmiles(m))
    return out


def main():
    small = set()
    for core in CORES:
        c = Chem.MolFromSmiles(core)
        assert c is not None, core
        small.add(Chem.MolToSmiles(c))
        for sub in SUBSTITUENTS:
            small |= substituted(core, sub)
    small = sorted(small)
    random.Random(9).shuffle(small)
    small = sorted(small[:1100])
    drugs = []
    for s in DRUG_LIKE:
        assert Chem.MolFromSmiles(s) is not None, f"invalid drug-like SMILES {s}"
        drugs.append(s)
    molecules = []
    for group, smiles_list in (("qm9-kind", small), ("drug-like", drugs), ("special", SPECIAL)):
        for s in smiles_list:
            f = featurize(s)
            if f is None:
                continue  # outside H, C, N, O, F: the TypeScript side must refuse these (tested there)
            molecules.append({"group": group, "smiles": s, **f})
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "rdkitFeatures.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(
            {"rdkit": Chem.rdBase.rdkitVersion, "molecules": molecules}, fh, separators=(",", ":")
        )
        fh.write("\n")
    counts = {g: sum(m["group"] == g for m in molecules) for g in ("qm9-kind", "drug-like", "special")}
    print(f"wrote {len(molecules)} molecules {counts} to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
